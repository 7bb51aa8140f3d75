"""Figures for the GAN and VAE tabs (plotly, in the house style of playground/plots).

Every function takes plain rows (event dicts) or arrays, so tests can call
them without a browser.
"""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground import i18n
from playground.plots.style import COLOURS, GRID, empty, style


def _finish(fig: go.Figure, height: int) -> go.Figure:
    style(fig, height=height)
    # legend above the (short) subplot titles, so three panels still read at phone width
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0), margin=dict(b=45, t=85))
    fig.update_xaxes(gridcolor=GRID, showline=True, linecolor="#9ca3af")
    fig.update_yaxes(gridcolor=GRID, showline=True, linecolor="#9ca3af")
    fig.update_annotations(font_size=13)
    return fig


def gan_curves(steps: list[dict], quality: list[dict], num_classes: int, loss: str = "bce") -> go.Figure:
    """Three panels against training steps: G and D loss, D(real) and D(fake), and the judge's readout."""
    if not steps:
        return empty(i18n.t("generative.plot.losses_empty"))
    scores = "D(x)" if loss == "bce" else i18n.t("generative.plot.critic")
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.08,
                        subplot_titles=(i18n.t("generative.plot.losses"), scores, i18n.t("generative.plot.judge")))
    x = [row["step"] for row in steps]
    for col, (key, name, colour) in enumerate([("g_loss", i18n.t("generative.plot.g_loss"), 0),
                                               ("d_loss", i18n.t("generative.plot.d_loss"), 1),
                                               ("d_real", "D(real)", 2), ("d_fake", "D(fake)", 3)]):
        fig.add_trace(go.Scatter(x=x, y=[row[key] for row in steps], name=name, mode="lines",
                                 line=dict(color=COLOURS[colour], width=2)), row=1, col=1 + col // 2)
    if quality:
        qx = [row["step"] for row in quality]
        fig.add_trace(go.Scatter(x=qx, y=[row["sample_confidence"] for row in quality], name=i18n.t("generative.plot.confidence"),
                                 mode="lines+markers", line=dict(color=COLOURS[4])), row=1, col=3)
        fig.add_trace(go.Scatter(x=qx, y=[row["class_coverage"] / num_classes for row in quality],
                                 name=i18n.t("generative.plot.coverage"), mode="lines+markers",
                                 line=dict(color=COLOURS[5])),
                      row=1, col=3)
    fig.update_yaxes(range=[0, 1.05], row=1, col=3)
    fig.update_xaxes(title_text=i18n.t("generative.plot.step"))
    return _finish(fig, 340)


def class_histogram(counts: list[int], classes: list[str]) -> go.Figure:
    """How many of the samples the judge assigns to each class: one tall bar is mode collapse."""
    fig = go.Figure(go.Bar(x=[str(c) for c in classes], y=counts, marker_color=COLOURS[0]))
    fig.update_xaxes(type="category", title_text=i18n.t("generative.plot.judged_class"))
    fig.update_yaxes(title_text=i18n.t("generative.plot.samples"))
    return style(fig, title=i18n.t("generative.plot.histogram_title"), height=300)


def vae_curves(steps: list[dict], history: list[dict], variational: bool = True) -> go.Figure:
    """Total, reconstruction and KL per image: training (running, per step) and validation (per epoch)."""
    if not steps:
        return empty(i18n.t("generative.plot.losses_empty"))
    panels = [("loss", "val_loss", i18n.t("generative.plot.total")),
              ("recon", "val_recon", i18n.t("generative.plot.reconstruction"))]  # BCE per image
    if variational:
        panels.append(("kl", "val_kl", i18n.t("generative.plot.kl")))  # per image
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=[p[2] for p in panels], horizontal_spacing=0.07)
    steps_per_epoch = steps[-1]["total_steps"] / max(1, history[-1]["epochs"]) if history else None
    for col, (key, val_key, _) in enumerate(panels, start=1):
        fig.add_trace(go.Scatter(x=[row["step"] for row in steps], y=[row[key] for row in steps], mode="lines",
                                 name=i18n.t("plots.curves.train"), line=dict(color=COLOURS[0], width=2),
                                 showlegend=col == 1),
                      row=1, col=col)
        if history:
            fig.add_trace(go.Scatter(x=[row["epoch"] * steps_per_epoch for row in history],
                                     y=[row[val_key] for row in history], mode="lines+markers",
                                     name=i18n.t("plots.curves.validation"),
                                     line=dict(color=COLOURS[1], width=2), showlegend=col == 1), row=1, col=col)
    fig.update_xaxes(title_text=i18n.t("generative.plot.step"))
    return _finish(fig, 320)


def latent_scatter(points, labels, classes: list[str], projected: bool) -> go.Figure:
    """The test set's latent means, one colour per class."""
    if points is None:
        return empty(i18n.t("generative.plot.latent_empty"), height=420)
    fig = go.Figure()
    for index, name in enumerate(classes):
        mask = labels == index
        fig.add_trace(go.Scattergl(x=points[mask, 0], y=points[mask, 1], mode="markers", name=str(name),
                                   marker=dict(size=6, color=COLOURS[index % len(COLOURS)], opacity=0.8)))
    axes = ("PCA 1", "PCA 2") if projected else ("z1", "z2")
    fig.update_xaxes(title_text=axes[0])
    fig.update_yaxes(title_text=axes[1])
    title = i18n.t("generative.plot.latent_pca" if projected else "generative.plot.latent")
    fig = style(fig, title=title, height=420)
    fig.update_layout(legend=dict(orientation="v", x=1.02, y=1, yanchor="top"))
    return fig
