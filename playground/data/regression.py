"""Regression datasets: sklearn's diabetes table and a wavy 2-D surface.

Targets are real numbers; the registry standardizes them with the training
split's statistics and keeps the scale, so metrics and plots are reported in
the target's own units. Splits are not stratified (there are no classes).
"""

import numpy as np

from playground.data.registry import register, split_three, standardize


@register("diabetes", "tabular", "Diabetes progression one year on, from 10 baseline measurements (442 patients, "
          "sklearn): a regression.", task="regression",
          suggested={"model": "mlp", "model_settings": {"width": 32}, "train_settings": {"lr": 0.003, "epochs": 40}})
def diabetes():
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes()
    splits = standardize(split_three(bunch.data, bunch.target, stratify=False))
    return {**splits, "classes": ["progression"], "feature_names": list(bunch.feature_names)}


def surface_function(x1: np.ndarray, x2: np.ndarray) -> np.ndarray:
    """The height of the surface: two crossing waves on a gentle slope."""
    return np.sin(1.5 * x1) * np.cos(1.5 * x2) + 0.3 * x1


@register("surface", "tabular", "A wavy 2-D surface z = sin(1.5x)·cos(1.5y) + 0.3x sampled at 800 noisy points: "
          "a regression you can see.", task="regression", noise=0.1,
          suggested={"model": "mlp", "model_settings": {"activation": "tanh"},
                     "train_settings": {"lr": 0.01, "epochs": 60}})
def surface(noise=0.1):
    rng = np.random.default_rng(0)
    x = rng.uniform(-2.0, 2.0, (800, 2))
    y = surface_function(x[:, 0], x[:, 1]) + rng.normal(0.0, float(noise), 800)
    splits = standardize(split_three(x, y, stratify=False))
    return {**splits, "classes": ["z"], "feature_names": ["x", "y"]}
