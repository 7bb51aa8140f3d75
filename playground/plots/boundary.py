"""The decision boundary of a classifier on 2-D data: the predicted class over a grid, with the points on top.

Two halves: `grid_probabilities` asks the model (the live-job worker calls it
between epochs and keeps the arrays for replay), `boundary_figure` draws
those arrays without touching the model.
"""

import numpy as np
import plotly.graph_objects as go

from playground.plots.style import COLOURS


def grid_probabilities(model, splits, resolution: int = 70):
    """Class probabilities over a grid covering the data, plus the grid's axes."""
    import torch

    from playground.models.predict import predict_proba

    points = torch.cat([splits.x_train, splits.x_test])
    low, high = points.min(0).values - 0.5, points.max(0).values + 0.5
    xs, ys = torch.linspace(low[0], high[0], resolution), torch.linspace(low[1], high[1], resolution)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1).reshape(-1, 2)
    device = next(model.parameters()).device
    probabilities = predict_proba(model, grid.to(device), batch_size=len(grid)).cpu().numpy()  # one pass: fast
    return xs.numpy(), ys.numpy(), probabilities.reshape(resolution, resolution, -1)


def decision_boundary(model, splits, *, title: str | None = None) -> go.Figure:
    return boundary_figure(*grid_probabilities(model, splits), splits, title=title)


def boundary_figure(xs, ys, probabilities, splits, *, title: str | None = None):
    """The picture of `grid_probabilities`' arrays: colour = predicted class, faded where the net is unsure.
    A plain `Chart` (chart.py): it is redrawn while a run trains and when a replay slider moves."""
    from playground import i18n
    from playground.plots import chart

    title = i18n.t("plots.boundary.title") if title is None else title
    probabilities = np.asarray(probabilities, dtype=np.float32)
    classes = splits.classes
    predicted = probabilities.argmax(-1)
    confidence = probabilities.max(-1)
    rgb = np.array([_hex(COLOURS[c % len(COLOURS)]) for c in range(len(classes))])
    alpha = (0.15 + 0.45 * (confidence - 1 / len(classes)) / (1 - 1 / len(classes)))[..., None]
    image = (255 * (1 - alpha) + rgb[predicted] * alpha).astype(np.uint8)
    data = [dict(type="image", source=chart.png_source(image[::-1].copy()), x0=float(xs[0]),
                 dx=float(xs[1] - xs[0]), y0=float(ys[-1]), dy=float(-(ys[1] - ys[0])), hoverinfo="skip")]
    x_test, y_test = splits.x_test.numpy(), splits.y_test.numpy()
    for c, name in enumerate(i18n.class_words(classes, splits.name)):
        mask = y_test == c
        data.append(dict(type="scatter", x=x_test[mask, 0], y=x_test[mask, 1], mode="markers", name=name,
                         marker=dict(size=7, color=COLOURS[c % len(COLOURS)], line=dict(width=1, color="white"))))
    layout = chart.layout(title=title, height=420)
    layout["xaxis"].update(range=[float(xs[0]), float(xs[-1])], title=dict(text=(splits.feature_names or ["x1"])[0]))
    layout["yaxis"].update(range=[float(ys[0]), float(ys[-1])],
                           title=dict(text=(splits.feature_names or ["", "x2"])[1]))
    return chart.Chart(data, layout)


def _hex(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
