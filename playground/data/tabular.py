"""Tabular datasets: sklearn's generators and built-in sets, plus a 2-D spiral.

The 2-D sets (moons, circles, spiral) take a `noise` option and are the ones
the Train tab draws a live decision boundary for.
"""

import numpy as np

from playground.data.registry import register, split_three, standardize


@register("classification", "tabular",
          "1,000 samples, 10 features (5 informative), 2 classes: sklearn's make_classification, the classic setup.")
def classification():
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    x, y = make_classification(n_samples=1000, n_features=10, n_informative=5, random_state=42)
    # exactly the classic 80/20 split; the validation slice comes out of the 80%
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, random_state=42)
    x_train, x_val, y_train, y_val = train_test_split(x_rest, y_rest, test_size=0.2, random_state=42)
    splits = dict(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val, x_test=x_test, y_test=y_test)
    return {**standardize(splits), "classes": ["0", "1"], "feature_names": [f"x{i}" for i in range(10)]}


def _two_d(x, y, classes):
    return {**standardize(split_three(x, y)), "classes": classes, "feature_names": ["x1", "x2"]}


@register("moons", "tabular", "Two interleaving half circles in 2-D (600 points).", noise=0.2)
def moons(noise=0.2):
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=600, noise=float(noise), random_state=0)
    return _two_d(x, y, ["upper", "lower"])


@register("circles", "tabular", "A circle inside a ring in 2-D (600 points): not linearly separable.", noise=0.1)
def circles(noise=0.1):
    from sklearn.datasets import make_circles

    x, y = make_circles(n_samples=600, noise=float(noise), factor=0.5, random_state=0)
    return _two_d(x, y, ["outer", "inner"])


@register("spiral", "tabular", "Three interleaved spiral arms in 2-D (900 points): needs a deep or wide net.",
          noise=0.2)
def spiral(noise=0.2, points_per_arm=300, arms=3):
    rng = np.random.default_rng(0)
    radius = np.tile(np.linspace(0.05, 1.0, points_per_arm), arms)
    arm = np.repeat(np.arange(arms), points_per_arm)
    angle = arm * 2 * np.pi / arms + radius * 4.0 + rng.normal(0.0, float(noise), radius.shape)
    x = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return _two_d(x, arm, [f"arm {i}" for i in range(arms)])


def _sklearn_set(loader):
    bunch = loader()
    splits = standardize(split_three(bunch.data, bunch.target))
    return {**splits, "classes": [str(c) for c in bunch.target_names], "feature_names": list(bunch.feature_names)}


@register("iris", "tabular", "Fisher's iris flowers: 150 samples, 4 measurements, 3 species.")
def iris():
    from sklearn.datasets import load_iris

    return _sklearn_set(load_iris)


@register("wine", "tabular", "Wine recognition: 178 samples, 13 chemical measurements, 3 cultivars.")
def wine():
    from sklearn.datasets import load_wine

    return _sklearn_set(load_wine)


@register("breast_cancer", "tabular", "Breast cancer Wisconsin: 569 samples, 30 features, malignant or benign.")
def breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return _sklearn_set(load_breast_cancer)
