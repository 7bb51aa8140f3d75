"""Image data for the generative tabs: fixed-size tensors in, uint8 picture grids out.

GANs and VAEs here work on one small size per dataset: the 8x8 digits are
upscaled to 28x28 (the size the classic recipes assume) and the 64x64 shapes
are downscaled to 32x32 so a CPU can train on them in minutes. Grids are
uint8 (H, W, 3) arrays, ready for `gr.Image` or a PNG file.
"""

import functools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from playground import i18n
from playground.data import get_dataset, load_dataset
from playground.errors import UserError

SMALL_SIZE, LARGE_SIZE = 28, 32  # small images are upscaled to 28, large ones downscaled to 32


@dataclass(frozen=True)
class ImageData:
    """A dataset's splits resized for generative models; pixels in [0, 1], (N, C, size, size)."""

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: list

    @property
    def channels(self) -> int:
        return self.x_train.shape[1]

    @property
    def size(self) -> int:
        return self.x_train.shape[-1]

    @property
    def num_classes(self) -> int:
        return len(self.classes)


def target_size(height: int) -> int:
    return SMALL_SIZE if height <= SMALL_SIZE else LARGE_SIZE


def resize(images: torch.Tensor, size: int) -> torch.Tensor:
    """Bilinear resize (antialiased when shrinking), clamped back into [0, 1]."""
    if images.shape[-1] == size:
        return images
    shrinking = images.shape[-1] > size
    return F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False,
                         antialias=shrinking).clamp(0.0, 1.0)


def image_dataset_names() -> list[str]:
    from playground.data import dataset_names

    return dataset_names("image")


def load_images(name: str) -> ImageData:
    """The image dataset `name`, resized; any other kind is refused. Bundled sets are cached, a visitor's
    upload is not (two visitors may give different uploads the same name)."""
    from playground.data import DATASETS

    dataset = get_dataset(name)
    if dataset.kind != "image":
        raise UserError(i18n.t("errors.generative.need_images", name=name, kind=dataset.kind,
                               choices=', '.join(image_dataset_names())))
    return _bundled_images(name) if name in DATASETS else _resized(name)


@functools.lru_cache(maxsize=8)
def _bundled_images(name: str) -> ImageData:
    return _resized(name)


def _resized(name: str) -> ImageData:
    splits = load_dataset(name)
    size = target_size(splits.x_train.shape[-2])
    return ImageData(name=name, classes=list(splits.classes),
                     x_train=resize(splits.x_train, size), y_train=splits.y_train,
                     x_val=resize(splits.x_val, size), y_val=splits.y_val,
                     x_test=resize(splits.x_test, size), y_test=splits.y_test)


def as_splits(data: ImageData):
    """The resized data as the foundation's `Splits`, for the generic classifier trainer."""
    from playground.data import Splits

    return Splits(name=data.name, kind="image", x_train=data.x_train, y_train=data.y_train, x_val=data.x_val,
                  y_val=data.y_val, x_test=data.x_test, y_test=data.y_test, classes=data.classes)


# pictures


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """(N, C, H, W) floats in [0, 1] -> (N, H, W, 3) uint8; grey images become three equal channels."""
    images = images.detach().float().cpu().clamp(0.0, 1.0)
    if images.shape[1] == 1:
        images = images.expand(-1, 3, -1, -1)
    return (images.permute(0, 2, 3, 1).numpy() * 255.0 + 0.5).astype(np.uint8)


def image_grid(images: torch.Tensor, columns: int = 8, *, padding: int = 2, scale: int = 1) -> np.ndarray:
    """Tile images into one (H, W, 3) uint8 picture with light-grey gutters; `scale` enlarges each pixel."""
    tiles = to_uint8(images)
    count, height, width, _ = tiles.shape
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    grid = np.full((rows * (height + padding) + padding, columns * (width + padding) + padding, 3), 200, np.uint8)
    for i, tile in enumerate(tiles):
        top, left = padding + (i // columns) * (height + padding), padding + (i % columns) * (width + padding)
        grid[top:top + height, left:left + width] = tile
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    return grid


def save_png(picture: np.ndarray, path: Path) -> Path:
    from PIL import Image

    Image.fromarray(picture).save(path)
    return Path(path)
