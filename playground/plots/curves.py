"""Live training curves: loss and accuracy, training vs validation, side by side."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.plots.style import COLOURS, style


def training_curves(history: list[dict], steps: list[dict] | None = None) -> go.Figure:
    """`history`: EpochEvent dicts; `steps`: StepEvent dicts (the smooth within-epoch training loss)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Loss (lower is better)", "Accuracy (higher is better)"),
                        horizontal_spacing=0.1)
    train, val = COLOURS[0], COLOURS[1]
    if steps:
        fig.add_scatter(x=[s["position"] for s in steps], y=[s["train_loss"] for s in steps], mode="lines",
                        line=dict(color=train, width=1), opacity=0.35, name="train (running)", row=1, col=1)
    epochs = [h["epoch"] for h in history]
    for key, colour, name in (("train", train, "train"), ("val", val, "validation")):
        fig.add_scatter(x=epochs, y=[h[f"{key}_loss"] for h in history], mode="lines+markers", name=name,
                        line=dict(color=colour, width=2.5), marker=dict(size=5), legendgroup=key, row=1, col=1)
        fig.add_scatter(x=epochs, y=[h[f"{key}_accuracy"] for h in history], mode="lines+markers", name=name,
                        line=dict(color=colour, width=2.5), marker=dict(size=5), legendgroup=key, showlegend=False,
                        row=1, col=2)
    fig.update_xaxes(title_text="epoch", rangemode="tozero")
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], row=1, col=2)
    fig = style(fig, height=360)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0.5, xanchor="center"),
                      margin=dict(t=40, b=80))
    return fig
