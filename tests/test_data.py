"""Every bundled dataset loads with the right shapes and fixed, disjoint splits."""

import numpy as np
import pytest
import torch

from playground.data import DATASETS, load_dataset
from playground.errors import UserError

EXPECTED = {  # name: (kind, input shape, classes)
    "classification": ("tabular", (10,), 2), "moons": ("tabular", (2,), 2), "circles": ("tabular", (2,), 2),
    "spiral": ("tabular", (2,), 3), "iris": ("tabular", (4,), 3), "wine": ("tabular", (13,), 3),
    "breast_cancer": ("tabular", (30,), 2), "digits": ("image", (1, 8, 8), 10), "shapes": ("image", (3, 64, 64), 10),
    "digits_rows": ("sequence", (8, 8), 10), "waves": ("sequence", (50, 1), 4),
    "pointer": ("sequence", (8, 10), 10), "count": ("sequence", (8, 10), 7),
}
REGRESSION = {"diabetes": (10,), "surface": (2,)}  # tabular regression sets (tests/test_regression.py)


def test_every_registered_dataset_is_covered():
    assert set(DATASETS) == set(EXPECTED) | set(REGRESSION)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dataset_shapes_and_splits(name):
    kind, shape, classes = EXPECTED[name]
    splits = load_dataset(name)
    assert splits.kind == kind and splits.input_shape == shape and splits.num_classes == classes
    for x, y in ((splits.x_train, splits.y_train), (splits.x_val, splits.y_val), (splits.x_test, splits.y_test)):
        assert x.dtype == torch.float32 and y.dtype == torch.long and len(x) == len(y) > 0
        assert torch.isfinite(x).all()
        assert int(y.min()) >= 0 and int(y.max()) < classes
    assert set(splits.y_train.tolist()) == set(range(classes))  # every class is learnable
    if kind == "image":
        assert 0.0 <= float(splits.x_train.min()) and float(splits.x_train.max()) <= 1.0
    # no example appears in two splits
    rows = lambda x: {r.tobytes() for r in x.reshape(len(x), -1).numpy()}  # noqa: E731
    assert not rows(splits.x_train) & rows(splits.x_test)
    assert not rows(splits.x_val) & rows(splits.x_test)


def test_classification_reproduces_the_classic_split():
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    x, y = make_classification(n_samples=1000, n_features=10, n_informative=5, random_state=42)
    _, _, y_rest, y_test = train_test_split(x, y, test_size=0.2, random_state=42)
    splits = load_dataset("classification")
    assert np.array_equal(splits.y_test.numpy(), y_test)
    assert len(splits.y_train) + len(splits.y_val) == len(y_rest) == 800


def test_generated_data_is_seeded():
    from playground.data.images import draw_shapes

    a, la = draw_shapes(3, seed=7)
    b, lb = draw_shapes(3, seed=7)
    assert np.array_equal(a, b) and np.array_equal(la, lb)


def test_noise_option_changes_the_points_and_bad_options_are_refused():
    assert not torch.equal(load_dataset("moons", noise=0.0).x_train, load_dataset("moons", noise=0.4).x_train)
    with pytest.raises(UserError, match="no option"):
        load_dataset("iris", noise=0.1)
    with pytest.raises(UserError, match="Unknown dataset"):
        load_dataset("mnist")
