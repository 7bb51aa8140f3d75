"""Generative models: GANs (with a judge that scores their samples) and VAEs / autoencoders."""

from playground.generative.run import GanRun
from playground.generative.vae_run import VaeRun

__all__ = ["GanRun", "VaeRun"]
