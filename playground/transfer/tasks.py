"""Source and target tasks for transfer learning, and the K-shot subsets learnt from.

A task is a small image classification problem with fixed train/validation/test
splits. The default pairing splits the generated shapes in two: a network
pretrained on circles, squares, triangles, crosses and rings has learnt to find
an outline anywhere on a noisy, randomly coloured canvas, which is exactly what
diamonds, bars, x's and frames need too. The 8x8 digits 0-4 -> 5-9 pairing is
kept as the honest counter-example: those images are so easy and the features
so shallow that training from scratch does as well (see benchmarks/transfer_study.py).
The catalogue (`TASKS`) is torch-free, so the app can list the tasks at start-up;
torch is imported by the functions that make tensors.
"""

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from playground import i18n
from playground.data.images import SHAPES, draw_shapes
from playground.data.registry import Splits, split_three
from playground.errors import UserError

IMAGE_SIZE = 32  # big enough for outlines to matter, small enough to train on a laptop CPU
SHAPES_PER_CLASS = 400  # before the 60/20/20 split: 240 train, 64 validation, 80 test images a class


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    loader: Callable[[], dict]


TASKS: dict[str, Task] = {}


def register(name: str, description: str):
    def wrap(loader):
        TASKS[name] = Task(name, description, loader)
        return loader
    return wrap


# tasks


def _shapes(classes: list[int], seed: int) -> dict:
    images, labels = draw_shapes(SHAPES_PER_CLASS, size=IMAGE_SIZE, seed=seed)
    keep = np.isin(labels, classes)
    remap = {c: i for i, c in enumerate(classes)}
    return {**split_three(images[keep], np.array([remap[c] for c in labels[keep]])),
            "classes": [SHAPES[c] for c in classes]}


@register("shapes_a", "Circle, square, triangle, cross, ring: 32x32 colour, random colour/size/position.")
def shapes_a():
    return _shapes([0, 1, 2, 3, 4], seed=101)


@register("shapes_b", "Diamond, h-bar, v-bar, x, frame: 32x32 colour; new outlines, same kind of pictures.")
def shapes_b():
    return _shapes([5, 6, 7, 8, 9], seed=202)  # another seed: no picture is shared with shapes_a


def _digits(digits: list[int]) -> dict:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    keep = np.isin(bunch.target, digits)
    images = (bunch.images[keep] / 16.0).astype(np.float32)[:, None]
    labels = np.array([digits.index(d) for d in bunch.target[keep]])
    return {**split_three(images, labels), "classes": [str(d) for d in digits]}


@register("digits_0_4", "Handwritten digits 0-4, 8x8 greyscale (sklearn).")
def digits_0_4():
    return _digits([0, 1, 2, 3, 4])


@register("digits_5_9", "Handwritten digits 5-9, 8x8 greyscale (sklearn).")
def digits_5_9():
    return _digits([5, 6, 7, 8, 9])


# loading


@functools.lru_cache(maxsize=8)
def load_task(name: str) -> Splits:
    if name not in TASKS:
        raise UserError(i18n.t("errors.transfer.unknown_task", name=name, choices=', '.join(TASKS)))
    import torch

    arrays = TASKS[name].loader()
    as_x = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32)  # noqa: E731
    as_y = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.long)  # noqa: E731
    return Splits(name=name, kind="image", x_train=as_x(arrays["x_train"]), y_train=as_y(arrays["y_train"]),
                  x_val=as_x(arrays["x_val"]), y_val=as_y(arrays["y_val"]), x_test=as_x(arrays["x_test"]),
                  y_test=as_y(arrays["y_test"]), classes=list(arrays["classes"]))


def few_shot(splits: Splits, shots: int, seed: int) -> Splits:
    """The same task with only `shots` training images per class, drawn by `seed`; validation and test untouched."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for c in range(splits.num_classes):
        pool = torch.nonzero(splits.y_train == c).flatten()
        if len(pool) < shots:
            raise UserError(i18n.t("errors.transfer.few_class_images", task=splits.name, count=len(pool),
                                   label=splits.classes[c]))
        chosen.append(pool[torch.randperm(len(pool), generator=generator)[:shots]])
    index = torch.cat(chosen)
    return Splits(name=f"{splits.name} ({shots}-shot)", kind=splits.kind, x_train=splits.x_train[index],
                  y_train=splits.y_train[index], x_val=splits.x_val, y_val=splits.y_val, x_test=splits.x_test,
                  y_test=splits.y_test, classes=splits.classes)


def match_images(splits: Splits, input_shape: tuple) -> Splits:
    """Resize a task's images (and fix their channels) to what a backbone was trained on."""
    import torch

    channels, height, width = input_shape
    if splits.input_shape == tuple(input_shape):
        return splits

    def convert(x: torch.Tensor) -> torch.Tensor:
        if x.shape[1] != channels:
            x = x.mean(1, keepdim=True).expand(-1, channels, -1, -1) if channels != 1 else x.mean(1, keepdim=True)
        if x.shape[2:] != (height, width):
            x = torch.nn.functional.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)
        return x.contiguous()

    return Splits(name=splits.name, kind=splits.kind, x_train=convert(splits.x_train), y_train=splits.y_train,
                  x_val=convert(splits.x_val), y_val=splits.y_val, x_test=convert(splits.x_test),
                  y_test=splits.y_test, classes=splits.classes)
