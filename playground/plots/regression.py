"""Regression figures: predicted against true, and the learnt surface of 2-D data (curves: curves.py)."""

import numpy as np
import plotly.graph_objects as go

from playground import i18n
from playground.plots.style import COLOURS, style


def predictions(model, splits) -> np.ndarray:
    """Test-split predictions in the target's own units."""
    from playground.models.predict import predict_outputs

    device = next(model.parameters()).device
    return splits.to_units(predict_outputs(model, splits.x_test.to(device))[:, 0].cpu().numpy())


def predicted_vs_true(model, splits) -> go.Figure:
    """Each test example at (true, predicted): on the diagonal means right."""
    truth = splits.to_units(splits.y_test.numpy())
    guess = predictions(model, splits)
    low, high = float(min(truth.min(), guess.min())), float(max(truth.max(), guess.max()))
    fig = go.Figure()
    fig.add_scatter(x=[low, high], y=[low, high], mode="lines", name=i18n.t("plots.regression.perfect"),
                    line=dict(color="#9ca3af", dash="dash"))
    fig.add_scatter(x=truth, y=guess, mode="markers", name=i18n.t("plots.regression.examples"),
                    marker=dict(size=7, color=COLOURS[0], opacity=0.7, line=dict(width=0.5, color="white")),
                    hovertemplate=i18n.t("plots.regression.hover") + "<extra></extra>")
    target = splits.classes[0]
    fig.update_xaxes(title_text=i18n.t("plots.regression.true", target=target))
    fig.update_yaxes(title_text=i18n.t("plots.regression.predicted", target=target))
    return style(fig, title=i18n.t("plots.regression.title"), height=400)


def surface_grid(model, splits, resolution: int = 60):
    """For 2-D inputs: the grid's axes and the prediction over it, in the target's units (asks the model)."""
    from playground.inspect.neurons import plane_grid
    from playground.models.predict import predict_outputs

    xs, ys, grid = plane_grid(splits, resolution)
    device = next(model.parameters()).device
    surface = splits.to_units(predict_outputs(model, grid.to(device))[:, 0].cpu().numpy()).reshape(resolution, -1)
    return xs, ys, surface


def learnt_surface(model, splits, resolution: int = 60) -> go.Figure:
    """For 2-D inputs: the prediction over the plane as a heatmap, test points coloured by their true value."""
    return surface_figure(*surface_grid(model, splits, resolution), splits)


def surface_figure(xs, ys, surface, splits, title: str | None = None):
    """The picture of `surface_grid`'s arrays (draws, never asks the model): a plain `Chart`, redrawn live."""
    from playground.plots import chart

    scale = chart.colourscale("RdBu_r")
    surface = np.asarray(surface, dtype=np.float32)
    truth = splits.to_units(splits.y_test.numpy())
    low, high = float(truth.min()), float(truth.max())
    x_test = splits.x_test.numpy()
    data = [dict(type="heatmap", x=xs, y=ys, z=surface, colorscale=scale, zmin=low, zmax=high, opacity=0.85,
                 colorbar=dict(title=dict(text=splits.classes[0])), hovertemplate=i18n.t("plots.regression.surface_hover") + "<extra></extra>"),
            dict(type="scatter", x=x_test[:, 0], y=x_test[:, 1], mode="markers",
                 name=i18n.t("plots.regression.test_points"),
                 marker=dict(size=7, color=truth, colorscale=scale, cmin=low, cmax=high,
                             line=dict(width=1, color="#374151")))]
    names = splits.feature_names or ["x1", "x2"]
    layout = chart.layout(title=title or i18n.t("plots.regression.surface_title"), height=420)
    layout["xaxis"].update(title=dict(text=names[0]), range=[float(xs[0]), float(xs[-1])])
    layout["yaxis"].update(title=dict(text=names[1]), range=[float(ys[0]), float(ys[-1])])
    return chart.Chart(data, layout)


def metrics_rows(summary: dict) -> list[list]:
    """[metric, value] rows for the regression results table."""
    names = [(key, i18n.t(f"plots.metrics.{key}")) for key in ("test_r2", "test_mae", "test_rmse", "test_mse")]
    names.append(("test_loss", i18n.t("plots.metrics.training_loss", loss=summary.get("loss", "mse"))))
    rows = [[label, i18n.t("plots.metrics.na") if summary.get(key) is None else round(summary[key], 4)]
            for key, label in names]
    return rows + run_rows(summary)


def run_rows(summary: dict) -> list[list]:
    """The rows every results table ends with: epochs run, seconds, device, parameters."""
    return [[i18n.t("plots.metrics.epochs_run"), summary.get("epochs_run")],
            [i18n.t("plots.metrics.seconds"), round(summary.get("seconds", 0.0), 2)],
            [i18n.t("plots.metrics.device"), summary.get("device")],
            [i18n.t("plots.metrics.parameters"), summary.get("parameters")]]


def target_preview(splits) -> go.Figure:
    """The training points coloured by their target: the plane for 2-D data, two PCA axes otherwise."""
    x, y = splits.x_train.reshape(len(splits.x_train), -1).numpy(), splits.to_units(splits.y_train.numpy())
    names = splits.feature_names or ["x1", "x2"]
    target = splits.classes[0]
    if x.shape[1] == 2:
        xy, axes = x, (names[0], names[1])
        title = i18n.t("plots.regression.preview_plane", dataset=splits.name, target=target)
    elif x.shape[1] == 1:
        xy, axes = np.hstack([x, y[:, None]]), (names[0], target)
        title = i18n.t("plots.preview.points", dataset=splits.name)
    else:
        from sklearn.decomposition import PCA

        xy, axes = PCA(n_components=2, random_state=0).fit_transform(x), ("PCA 1", "PCA 2")
        title = i18n.t("plots.regression.preview_pca", dataset=splits.name, features=x.shape[1], target=target)
    fig = go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers",
                               marker=dict(size=7, color=y, colorscale="RdBu_r", colorbar=dict(title=splits.classes[0]),
                                           line=dict(width=0.5, color="white")),
                               hovertemplate=f"{splits.classes[0]} %{{marker.color:.3g}}<extra></extra>"))
    fig.update_xaxes(title_text=axes[0])
    fig.update_yaxes(title_text=axes[1])
    return style(fig, title=title, height=380)
