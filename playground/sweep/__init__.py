"""Hyperparameter sweeps: grid or random search over training settings, within a budget of runs and time.

Import from the submodules (`space` is torch-free, `runner` and `results` are not): this package imports
nothing itself, so the app can read `SweepConfig` at start-up without loading torch.
"""
