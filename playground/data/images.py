"""Image datasets: sklearn's 8x8 digits and generated 64x64 colour shapes.

`shapes` is drawn with numpy from a fixed seed: ten shape classes, each sample
with a random colour, size, position and background noise, so colour says
nothing about the class and a network has to look at the outline.
"""

import numpy as np

from playground.data.registry import register, split_three

DIGITS = [str(d) for d in range(10)]  # the digits' class names, known without loading them
SHAPES = ["circle", "square", "triangle", "cross", "ring", "diamond", "h-bar", "v-bar", "x", "frame"]


@register("digits", "image", "Handwritten digits 0-9, 8x8 greyscale (1,797 images, sklearn).")
def digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8) in [0, 1]
    return {**split_three(images, bunch.target), "classes": list(DIGITS)}


def shape_mask(shape: str, size: int, cx: float, cy: float, radius: float) -> np.ndarray:
    """A boolean mask of one shape centred at (cx, cy) on a size x size canvas."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    dx, dy = (xx - cx) / radius, (yy - cy) / radius
    thick = 0.28
    if shape == "circle":
        return dx**2 + dy**2 <= 1
    if shape == "square":
        return (abs(dx) <= 0.8) & (abs(dy) <= 0.8)
    if shape == "triangle":
        return (dy <= 0.8) & (dy >= -0.9 + 1.9 * abs(dx) * 1.05)
    if shape == "cross":
        return ((abs(dx) <= thick) & (abs(dy) <= 1)) | ((abs(dy) <= thick) & (abs(dx) <= 1))
    if shape == "ring":
        r2 = dx**2 + dy**2
        return (r2 <= 1) & (r2 >= 0.45)
    if shape == "diamond":
        return abs(dx) + abs(dy) <= 1
    if shape == "h-bar":
        return (abs(dx) <= 1) & (abs(dy) <= thick)
    if shape == "v-bar":
        return (abs(dy) <= 1) & (abs(dx) <= thick)
    if shape == "x":
        return ((abs(dx - dy) <= thick * 1.3) | (abs(dx + dy) <= thick * 1.3)) & (abs(dx) <= 0.9) & (abs(dy) <= 0.9)
    if shape == "frame":
        inside = (abs(dx) <= 0.9) & (abs(dy) <= 0.9)
        return inside & ~((abs(dx) <= 0.55) & (abs(dy) <= 0.55))
    raise ValueError(shape)


def draw_shapes(n_per_class: int, size: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 3, size, size) in [0, 1] and labels, drawn from `seed`."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(SHAPES)), n_per_class)
    images = np.empty((len(labels), 3, size, size), dtype=np.float32)
    for i, label in enumerate(labels):
        radius = rng.uniform(0.18, 0.34) * size
        cx, cy = rng.uniform(radius, size - radius, 2)
        background = rng.uniform(0.0, 0.35, 3)
        colour = rng.uniform(0.45, 1.0, 3)
        canvas = np.broadcast_to(background[:, None, None], (3, size, size)).copy()
        canvas[:, shape_mask(SHAPES[label], size, cx, cy, radius)] = colour[:, None]
        canvas += rng.normal(0.0, 0.06, canvas.shape)
        images[i] = np.clip(canvas, 0.0, 1.0)
    return images, labels


# measured: one conv block stays near chance after 8 epochs (lr 0.01) or 0.50 (lr 0.001); two blocks reach 0.94
@register("shapes", "image", "Ten generated shapes, 64x64 colour, random colour/size/position (2,000 images).",
          suggested={"model": "cnn", "model_settings": {"channels": "16,32"}, "train_settings": {"lr": 0.003, "epochs": 8}},
          per_class=200)
def shapes(per_class=200):
    images, labels = draw_shapes(int(per_class))
    return {**split_three(images, labels), "classes": SHAPES}
