"""Figures of a transfer experiment: the strategies' curves overlaid, and test accuracy against K."""

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground import i18n
from playground.plots.style import COLOURS, empty, style
from playground.transfer.config import STRATEGIES

STRATEGY_COLOURS = {name: COLOURS[i] for i, name in enumerate(STRATEGIES)}
PRETRAIN_COLOUR = "#9ca3af"


def strategy_curves(history: list[dict], pretrain_history: list[dict], shots: int | None) -> go.Figure:
    """Validation accuracy and training loss per epoch, one colour per strategy, for one K.

    The source task's pretraining is drawn dashed and grey: it is a different task, there for context.
    """
    if not history and not pretrain_history:
        return empty(i18n.t("transfer.plot.curves_empty"))
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.09,
                        subplot_titles=(i18n.t("transfer.plot.val_accuracy"), i18n.t("transfer.plot.train_loss")))
    if pretrain_history:
        epochs = [h["epoch"] for h in pretrain_history]
        fig.add_scatter(x=epochs, y=[h["val_accuracy"] for h in pretrain_history], mode="lines",
                        name=i18n.t("transfer.plot.pretraining"), legendgroup="pretrain",
                        line=dict(color=PRETRAIN_COLOUR, dash="dash", width=2), row=1, col=1)
        fig.add_scatter(x=epochs, y=[h["train_loss"] for h in pretrain_history], mode="lines", showlegend=False,
                        legendgroup="pretrain", line=dict(color=PRETRAIN_COLOUR, dash="dash", width=2), row=1, col=2)
    for name in STRATEGIES:
        rows = [h for h in history if h["strategy"] == name and (shots is None or h["shots"] == shots)]
        if not rows:
            continue
        line = dict(color=STRATEGY_COLOURS[name], width=2.5)
        epochs = [h["epoch"] for h in rows]
        fig.add_scatter(x=epochs, y=[h["val_accuracy"] for h in rows], mode="lines",
                        name=i18n.t(f"transfer.strategy.{name}.title"),
                        legendgroup=name, line=line, row=1, col=1)
        fig.add_scatter(x=epochs, y=[h["train_loss"] for h in rows], mode="lines", showlegend=False,
                        legendgroup=name, line=line, row=1, col=2)
    fig.update_xaxes(title_text=i18n.t("plots.axis.epoch"))
    fig.update_yaxes(range=[0, 1.02], row=1, col=1)
    fig.update_yaxes(type="log", row=1, col=2)
    title = i18n.t("transfer.plot.title_one" if shots == 1 else "transfer.plot.title", shots=shots) if shots else None
    fig = style(fig, title=title, height=370)
    fig.update_layout(legend=dict(y=-0.3, yanchor="top"), margin=dict(b=95, t=70))
    return fig


def accuracy_vs_shots(results: dict[int, dict[str, float]], chance: float | None = None) -> go.Figure:
    """Test accuracy against K (log axis), one line per strategy: the gap to scratch is what transfer buys."""
    if not results:
        return empty(i18n.t("transfer.plot.shots_empty"))
    shots = sorted(results)
    fig = go.Figure()
    for name in STRATEGIES:
        points = [(k, results[k][name]) for k in shots if name in results[k]]
        if points:
            fig.add_scatter(x=[k for k, _ in points], y=[a for _, a in points], mode="lines+markers",
                            name=i18n.t(f"transfer.strategy.{name}.title"),
                            line=dict(color=STRATEGY_COLOURS[name], width=2.5,
                                      dash="dot" if name == "scratch" else "solid"),
                            marker=dict(size=8))
    if chance is not None:
        fig.add_hline(y=chance, line=dict(color="#9ca3af", dash="dot", width=1),
                      annotation_text=i18n.t("transfer.plot.chance"), annotation_position="bottom right")
    fig.update_xaxes(title_text=i18n.t("transfer.plot.shots_axis"), type="log", tickvals=shots,
                     ticktext=[str(k) for k in shots])
    fig.update_yaxes(title_text=i18n.t("transfer.plot.accuracy_axis"), range=[0, 1.02])
    fig = style(fig, title=i18n.t("transfer.plot.shots_title"), height=380)
    fig.update_layout(legend=dict(y=-0.28, yanchor="top"), margin=dict(b=95))
    return fig


def results_rows(results: dict[int, dict[str, float]]) -> list[list]:
    """[K, strategy, test accuracy, difference to scratch] for a table."""
    rows = []
    for shots in sorted(results):
        scratch = results[shots].get("scratch")
        for name, accuracy in results[shots].items():
            gain = "" if scratch is None or name == "scratch" else f"{accuracy - scratch:+.3f}"
            rows.append([shots, i18n.t(f"transfer.strategy.{name}.title"), round(accuracy, 4), gain])
    return rows


def task_preview(name: str, role: str) -> go.Figure:
    """A few training images of each class of task `name`, titled with its role (source or target)."""
    from playground.plots.data_preview import image_grid
    from playground.transfer.tasks import load_task

    task = load_task(name)
    figure = image_grid(task.x_train, task.y_train, i18n.class_words(task.classes, "shapes"), per_class=6, title=i18n.t(f"transfer.plot.preview_{role}", task=name))
    figure.update_layout(height=300)
    return figure
