"""The dataset registry: name -> how to build its fixed train/validation/test splits.

A dataset declares its `kind` (tabular, image or sequence), which decides the
architectures it fits, and its `task` (classification or regression), which
decides the loss and the metrics. Loaders return numpy arrays; `load_dataset`
turns them into tensors once and caches them, so a run never touches
per-sample Python.

Besides the bundled sets in `DATASETS`, a visitor's own uploads live in a
*session* layer: `add_session_dataset` files them under the current session
(the Gradio session hash in the app, "local" on the command line), and
`get_dataset`, `load_dataset` and `dataset_names` look there first, so an
upload is an ordinary dataset for that visitor and invisible to everybody else.
"""

import contextlib
import contextvars
import functools
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from playground import i18n
from playground.errors import UserError, shown

KINDS = ("tabular", "image", "sequence")
TASKS = ("classification", "regression")


@dataclass(frozen=True)
class Dataset:
    name: str
    kind: str
    description: str
    loader: Callable[..., dict]
    options: dict = field(default_factory=dict)  # loader keyword -> default (e.g. noise for moons)
    suggested: dict = field(default_factory=dict)  # settings that train well here: model, model_settings, train_settings
    task: str = "classification"


@dataclass
class Splits:
    """Tensors ready for training. Images are (N, C, H, W) in [0, 1]; sequences (N, T, F).

    Classification: y holds class indices (int64) and `classes` their names.
    Regression: y holds float32 targets *standardized* with the training split's
    mean and std (kept in `target_mean`/`target_std` so metrics and plots speak
    the original units), and `classes` holds the one target's name, so
    `num_classes` is the number of network outputs either way.
    """

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
    task: str = "classification"
    target_mean: float = 0.0
    target_std: float = 1.0

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """Outputs of the network: the classes, or the one regression target."""
        return len(self.classes)

    def sizes(self) -> dict:
        return {"train": len(self.y_train), "validation": len(self.y_val), "test": len(self.y_test)}

    def to_units(self, y):
        """Standardized regression targets or predictions -> the target's own units (identity for classes)."""
        return y * self.target_std + self.target_mean if self.task == "regression" else y


DATASETS: dict[str, Dataset] = {}


def register(name: str, kind: str, description: str, *, suggested: dict | None = None,
             task: str = "classification", **options):
    """Decorator: register `loader(**options) -> dict of numpy arrays` under `name`."""
    assert kind in KINDS, f"unknown kind {kind}"
    assert task in TASKS, f"unknown task {task}"

    def wrap(loader):
        DATASETS[name] = Dataset(name, kind, description, loader, options, suggested or {}, task)
        return loader

    return wrap


# the session layer: uploads seen by one visitor only

LOCAL_SESSION = "local"
MAX_SESSION_DATASETS = 8  # per visitor: the oldest upload goes when a new one would pass this
_session_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("dataset_session", default=None)
_session_resolver: Callable[[], str | None] = lambda: None  # noqa: E731  (the app installs Gradio's)
_session_sets: dict[str, dict[str, tuple[Dataset, Splits]]] = {}
_session_lock = threading.Lock()


def set_session_resolver(resolver: Callable[[], str | None]) -> None:
    """The app tells the registry how to find the visitor behind the current call (Gradio's session hash)."""
    global _session_resolver
    _session_resolver = resolver


def current_session() -> str:
    return _session_override.get() or _session_resolver() or LOCAL_SESSION


@contextlib.contextmanager
def session_scope(session: str):
    """Run a block as visitor `session` (tests, worker threads, the CLI)."""
    token = _session_override.set(session)
    try:
        yield
    finally:
        _session_override.reset(token)


def add_session_dataset(splits: Splits, description: str, *, suggested: dict | None = None,
                        session: str | None = None) -> Dataset:
    """File ready-made `splits` under `splits.name` for one visitor; an upload with the same name replaces it."""
    if splits.name in DATASETS:
        raise UserError(i18n.t("errors.datasets.bundled_name", name=splits.name))
    dataset = Dataset(splits.name, splits.kind, description, loader=lambda: None, suggested=suggested or {},
                      task=splits.task)
    with _session_lock:
        own = _session_sets.setdefault(session or current_session(), {})
        own.pop(splits.name, None)
        while len(own) >= MAX_SESSION_DATASETS:
            own.pop(next(iter(own)))
        own[splits.name] = (dataset, splits)
    return dataset


def forget_session(session: str) -> None:
    """Drop every upload of a visitor (their page closed)."""
    with _session_lock:
        _session_sets.pop(session, None)


def _own(name: str) -> tuple[Dataset, Splits] | None:
    if not isinstance(name, str):  # a list or a number from a raw API call: no dataset has that name
        raise UserError(i18n.t("errors.datasets.name_not_text", value=shown(name)))
    with _session_lock:
        return _session_sets.get(current_session(), {}).get(name)


# lookups


def dataset_names(kind: str | None = None, task: str | None = None) -> list[str]:
    """Bundled datasets, then this visitor's uploads."""
    with _session_lock:
        own = [d for d, _ in _session_sets.get(current_session(), {}).values()]
    return [d.name for d in [*DATASETS.values(), *own]
            if (kind is None or d.kind == kind) and (task is None or d.task == task)]


def get_dataset(name: str) -> Dataset:
    own = _own(name)
    if own is not None:
        return own[0]
    if name not in DATASETS:
        raise UserError(i18n.t("errors.datasets.unknown", name=shown(name), choices=', '.join(dataset_names())))
    return DATASETS[name]


def load_dataset(name: str, **options) -> Splits:
    own = _own(name)
    if own is not None:
        if any(v is not None for v in options.values()):
            raise UserError(i18n.t("errors.datasets.no_option", name=shown(name), options=', '.join(sorted(options))))
        return own[1]
    dataset = get_dataset(name)
    unknown = set(options) - set(dataset.options)
    if unknown:
        raise UserError(i18n.t("errors.datasets.no_option", name=shown(name), options=', '.join(sorted(unknown))))
    merged = {**dataset.options, **{k: _check_option(name, k, dataset.options[k], v)
                                    for k, v in options.items() if v is not None}}
    return _load(name, tuple(sorted(merged.items())))


def _check_option(dataset: str, key: str, default, value):
    """Numeric options (noise, sizes) take numbers from 0 to 1000; text options keep their loader's own check."""
    if isinstance(default, (int, float)):
        try:
            value = type(default)(float(value))
        except (TypeError, ValueError, OverflowError):  # OverflowError: infinity as a whole number
            raise UserError(i18n.t("errors.datasets.option_not_number", option=key, dataset=dataset,
                                   value=shown(value))) from None
        if not 0 <= value <= 1000:  # also refuses NaN
            raise UserError(i18n.t("errors.datasets.option_range", option=key, dataset=dataset, value=shown(value)))
    return value


@functools.lru_cache(maxsize=32)
def _load(name: str, options: tuple) -> Splits:
    dataset = DATASETS[name]
    return to_splits(name, dataset.kind, dataset.loader(**dict(options)), task=dataset.task)


def to_splits(name: str, kind: str, arrays: dict, *, task: str = "classification") -> Splits:
    """numpy arrays from a loader -> tensors; regression targets are standardized with training statistics."""
    import torch

    as_x = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32)  # noqa: E731
    extra = {}
    if task == "regression":
        mean, std = float(np.mean(arrays["y_train"])), float(np.std(arrays["y_train"])) or 1.0
        def as_y(a):
            return torch.as_tensor((np.asarray(a, dtype=np.float64) - mean) / std, dtype=torch.float32)
        extra = dict(target_mean=mean, target_std=std)
    else:
        as_y = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.long)  # noqa: E731
    return Splits(
        name=name, kind=kind,
        x_train=as_x(arrays["x_train"]), y_train=as_y(arrays["y_train"]),
        x_val=as_x(arrays["x_val"]), y_val=as_y(arrays["y_val"]),
        x_test=as_x(arrays["x_test"]), y_test=as_y(arrays["y_test"]),
        classes=[str(c) for c in arrays["classes"]], feature_names=arrays.get("feature_names"), task=task, **extra)


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
