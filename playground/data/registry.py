"""The dataset registry: name -> how to build its fixed train/validation/test splits.

A dataset declares its `kind` (tabular, image or sequence), which decides the
architectures it fits. Loaders return numpy arrays; `load_dataset` turns them
into float32/int64 tensors once and caches them, so a run never touches
per-sample Python.
"""

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from playground.errors import UserError

KINDS = ("tabular", "image", "sequence")


@dataclass(frozen=True)
class Dataset:
    name: str
    kind: str
    description: str
    loader: Callable[..., dict]
    options: dict = field(default_factory=dict)  # loader keyword -> default (e.g. noise for moons)
    suggested: dict = field(default_factory=dict)  # settings that train well here: model, model_settings, train_settings


@dataclass
class Splits:
    """Tensors ready for training. Images are (N, C, H, W) in [0, 1]; sequences (N, T, F)."""

    name: str
    kind: str
    x_train: "object"
    y_train: "object"
    x_val: "object"
    y_val: "object"
    x_test: "object"
    y_test: "object"
    classes: list[str]
    feature_names: list[str] | None = None

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def sizes(self) -> dict:
        return {"train": len(self.y_train), "validation": len(self.y_val), "test": len(self.y_test)}


DATASETS: dict[str, Dataset] = {}


def register(name: str, kind: str, description: str, *, suggested: dict | None = None, **options):
    """Decorator: register `loader(**options) -> dict of numpy arrays` under `name`."""
    assert kind in KINDS, f"unknown kind {kind}"

    def wrap(loader):
        DATASETS[name] = Dataset(name, kind, description, loader, options, suggested or {})
        return loader

    return wrap


def dataset_names(kind: str | None = None) -> list[str]:
    return [name for name, d in DATASETS.items() if kind is None or d.kind == kind]


def get_dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise UserError(f"Unknown dataset '{name}': choose one of {', '.join(DATASETS)}.")
    return DATASETS[name]


def load_dataset(name: str, **options) -> Splits:
    dataset = get_dataset(name)
    unknown = set(options) - set(dataset.options)
    if unknown:
        raise UserError(f"Dataset '{name}' has no option {', '.join(sorted(unknown))}.")
    merged = {**dataset.options, **{k: _check_option(name, k, dataset.options[k], v)
                                    for k, v in options.items() if v is not None}}
    return _load(name, tuple(sorted(merged.items())))


def _check_option(dataset: str, key: str, default, value):
    """Numeric options (noise, sizes) take numbers from 0 to 1000; text options keep their loader's own check."""
    if isinstance(default, (int, float)):
        try:
            value = type(default)(float(value))
        except (TypeError, ValueError):
            raise UserError(f"The {key} of '{dataset}' must be a number, got '{value}'.") from None
        if not 0 <= value <= 1000:  # also refuses NaN
            raise UserError(f"The {key} of '{dataset}' must be between 0 and 1000, got {value}.")
    return value


@functools.lru_cache(maxsize=32)
def _load(name: str, options: tuple) -> Splits:
    import torch

    dataset = DATASETS[name]
    arrays = dataset.loader(**dict(options))
    as_x = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32)  # noqa: E731
    as_y = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.long)  # noqa: E731
    return Splits(
        name=name, kind=dataset.kind,
        x_train=as_x(arrays["x_train"]), y_train=as_y(arrays["y_train"]),
        x_val=as_x(arrays["x_val"]), y_val=as_y(arrays["y_val"]),
        x_test=as_x(arrays["x_test"]), y_test=as_y(arrays["y_test"]),
        classes=[str(c) for c in arrays["classes"]], feature_names=arrays.get("feature_names"),
    )


# helpers shared by the loaders


def split_three(x, y, *, test_size=0.2, val_size=0.2, seed=42, stratify=True) -> dict:
    """Test split first (as the classic recipes do), then a validation slice from the rest."""
    from sklearn.model_selection import train_test_split

    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y if stratify else None)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val_size, random_state=seed, stratify=y_rest if stratify else None)
    return dict(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val, x_test=x_test, y_test=y_test)


def standardize(splits: dict) -> dict:
    """Scale features with statistics of the training split only (no test leakage)."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(splits["x_train"])
    return {**splits, **{k: scaler.transform(splits[k]) for k in ("x_train", "x_val", "x_test")}}
