"""Hyperparameter sweeps: grid or random search over training settings, within a budget of runs and time."""

from playground.sweep.runner import RunEvent, RunResultEvent, Sweep
from playground.sweep.space import SweepConfig

__all__ = ["RunEvent", "RunResultEvent", "Sweep", "SweepConfig"]
