"""Live training curves: loss and a score (accuracy, or R² for regression), training vs validation."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.plots.style import COLOURS, style

SCORES = {"accuracy": "Accuracy ↑", "r2": "R² ↑ (1 perfect, 0 = the mean)"}


def training_curves(history: list[dict], steps: list[dict] | None = None, score: str = "accuracy") -> go.Figure:
    """`history`: EpochEvent dicts; `steps`: StepEvent dicts (the smooth within-epoch training loss).

    Titles stay short and the legend sits on top, so the two panels still read at phone width.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Loss ↓", SCORES[score]), horizontal_spacing=0.12)
    train, val = COLOURS[0], COLOURS[1]
    if steps:
        fig.add_scatter(x=[s["position"] for s in steps], y=[s["train_loss"] for s in steps], mode="lines",
                        line=dict(color=train, width=1), opacity=0.35, name="train (running)", row=1, col=1)
    epochs = [h["epoch"] for h in history]
    for key, colour, name in (("train", train, "train"), ("val", val, "validation")):
        fig.add_scatter(x=epochs, y=[h[f"{key}_loss"] for h in history], mode="lines+markers", name=name,
                        line=dict(color=colour, width=2.5), marker=dict(size=5), legendgroup=key, row=1, col=1)
        fig.add_scatter(x=epochs, y=[h[f"{key}_{score}"] for h in history], mode="lines+markers", name=name,
                        line=dict(color=colour, width=2.5), marker=dict(size=5), legendgroup=key, showlegend=False,
                        row=1, col=2)
    fig.update_xaxes(title_text="epoch", rangemode="tozero")
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    low = min([0.0] + [h[f"{k}_{score}"] for h in history for k in ("train", "val")])  # R² can go below 0
    fig.update_yaxes(range=[max(low, -1.0), 1.02], row=1, col=2)
    fig = style(fig, height=360)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0.5, xanchor="center"),
                      margin=dict(t=80, b=45))
    return fig
