"""A first look at a dataset: a scatter for 2-D points, a PCA scatter for wider tables, a grid of images,
or a few sequences per class."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground import i18n
from playground.plots.style import COLOURS, png_image, style


def dataset_preview(splits) -> go.Figure:
    if splits.kind == "image":
        return image_grid(splits.x_train, splits.y_train, i18n.class_words(splits.classes, splits.name), title=i18n.t("plots.preview.images", dataset=splits.name))
    if splits.kind == "sequence":
        return sequence_preview(splits)
    return point_scatter(splits)


def point_scatter(splits) -> go.Figure:
    x, y = splits.x_train.numpy(), splits.y_train.numpy()
    names = splits.feature_names or []
    if x.shape[1] == 2:
        xy, axes = x, (names[0] if names else "x1", names[1] if len(names) > 1 else "x2")
        title = i18n.t("plots.preview.points", dataset=splits.name)
    else:
        from sklearn.decomposition import PCA

        xy, axes = PCA(n_components=2, random_state=0).fit_transform(x), ("PCA 1", "PCA 2")
        title = i18n.t("plots.preview.pca", dataset=splits.name, features=x.shape[1])
    fig = go.Figure()
    for index, name in enumerate(i18n.class_words(splits.classes, splits.name)):
        mask = y == index
        fig.add_scatter(x=xy[mask, 0], y=xy[mask, 1], mode="markers", name=name,
                        marker=dict(size=6, color=COLOURS[index % len(COLOURS)], line=dict(width=0.5, color="white")))
    fig.update_xaxes(title_text=axes[0])
    fig.update_yaxes(title_text=axes[1])
    return style(fig, title=title, height=380)


def image_grid(images, labels, classes, *, per_class: int = 6, title: str = "", captions=None) -> go.Figure:
    """Up to `per_class` images of each class, one row per class (or the given images with captions)."""
    mosaic, rows, row_labels = image_mosaic(images, labels, classes, per_class)
    fig = go.Figure(png_image(mosaic))
    for annotation in row_labels:
        fig.add_annotation(**annotation)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig = style(fig, title=title, height=grid_height(rows))
    fig.update_layout(margin=GRID_MARGIN)
    return fig


GRID_MARGIN = dict(l=90, r=10, t=45, b=10)  # room on the left for the class names


def grid_height(rows: list) -> int:
    return min(520, 70 + 45 * len(rows))


def image_mosaic(images, labels, classes, per_class: int) -> tuple[np.ndarray, list[np.ndarray], list[dict]]:
    """The (H, W, 3) uint8 mosaic of up to `per_class` images a class (a row each), the rows' image indices, and
    an annotation (a plain dict) naming each row's class on its left."""
    images = images.numpy() if hasattr(images, "numpy") else np.asarray(images)
    labels = labels.numpy() if hasattr(labels, "numpy") else np.asarray(labels)
    chosen = [np.flatnonzero(labels == c)[:per_class] for c in range(len(classes))]
    rows = [row for row in chosen if len(row)]
    columns = max(len(row) for row in rows)
    height, width, pad = tile_layout(images[0])
    mosaic = np.full((len(rows) * (height + pad), columns * (width + pad), 3), 255, dtype=np.uint8)
    for r, row in enumerate(rows):
        for c, index in enumerate(row):
            mosaic[r * (height + pad):r * (height + pad) + height, c * (width + pad):c * (width + pad) + width] = \
                _tile(images[index])
    row_labels = [dict(x=-pad, y=r * (height + pad) + height / 2, text=classes[labels[row[0]]], showarrow=False,
                       xanchor="right", font=dict(size=11)) for r, row in enumerate(rows)]
    return mosaic, rows, row_labels


def tile_layout(image) -> tuple[int, int, int]:
    """Height and width of one tile on screen (small images are blown up) and the gap between tiles."""
    scale = max(1, 32 // image.shape[1])
    height, width = image.shape[1] * scale, image.shape[2] * scale
    return height, width, max(2, height // 4)


def _tile(image: np.ndarray) -> np.ndarray:
    """(C, H, W) in [0, 1] -> (H, W, 3) uint8, greyscale repeated, small images blown up pixel by pixel."""
    image = np.clip(image, 0, 1)
    if image.shape[0] == 1:
        image = np.repeat(image, 3, axis=0)
    scale = max(1, 32 // image.shape[1])
    image = image.repeat(scale, axis=1).repeat(scale, axis=2)
    return (image.transpose(1, 2, 0) * 255).astype(np.uint8)


def sequence_preview(splits, per_class: int = 3) -> go.Figure:
    x, y = splits.x_train.numpy(), splits.y_train.numpy()
    classes = i18n.class_words(splits.classes, splits.name)
    fig = make_subplots(rows=1, cols=len(classes), subplot_titles=classes, shared_yaxes=True,
                        horizontal_spacing=0.02)
    for c in range(len(classes)):
        for index in np.flatnonzero(y == c)[:per_class]:
            series = x[index].mean(axis=1) if x.shape[2] > 1 else x[index, :, 0]
            fig.add_scatter(y=series, mode="lines", line=dict(color=COLOURS[c % len(COLOURS)], width=1.5),
                            showlegend=False, row=1, col=c + 1)
    fig.update_xaxes(showticklabels=False)
    label = i18n.t("plots.preview.sequence_mean" if x.shape[2] > 1 else "plots.preview.sequence_value")
    fig = style(fig, title=i18n.t("plots.preview.sequences", dataset=splits.name, per_class=per_class, label=label),
                height=300)
    fig.update_annotations(font_size=10)
    return fig
