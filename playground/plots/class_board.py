"""The class board's two figures: the top runs' validation curves overlaid, and one setting against the score.

Both read the classroom's Board (playground/classroom/board.py) as plain
data: `curves` (the top runs' epochs and validation scores, best first) and
`rows` (one per posted run: the name shown, the score, the settings that
vary). Plotly reads trace names and hover text as a little HTML, so every
name goes in through `html.escape`: its entities are drawn back as the
characters typed, and no tag is ever made of them.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go

from playground import config as cfg
from playground.i18n import t
from playground.plots.style import empty, style
from playground.training.config import TrainConfig

LOG_SETTINGS = {f.name for f in cfg.fields(TrainConfig) if f.metadata.get("log")}  # learning rate, on a log axis


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _name(text) -> str:
    return html.escape(str(text), quote=True)


def top_curves(curves: list[dict], curve_name: str, score_name: str) -> go.Figure:
    """One line per top run: its validation score by epoch, named by rank and name."""
    fig = go.Figure()
    for curve in curves:
        if curve.get("epochs"):
            fig.add_trace(go.Scatter(x=curve["epochs"], y=curve["values"], mode="lines+markers", marker=dict(size=4),
                                     name=f"#{curve['rank']} {_name(curve['nickname'])}"))
    if not fig.data:
        return empty(t("class.plot.curves.empty"))
    fig.update_xaxes(title_text=t("class.plot.epoch"))
    fig.update_yaxes(title_text=curve_name)
    return style(fig, title=t("class.plot.curves.title", count=len(fig.data), curve=curve_name), height=380)


def setting_scatter(rows: list[dict], setting: str | None, score_name: str) -> go.Figure:
    """One dot per run: its value of `setting` (x) against its score (y); a log x axis for log-scaled settings
    such as the learning rate, categories for text settings (an optimizer, an architecture)."""
    dots = [(row.get(setting), row["score"], _name(row["nickname"])) for row in rows
            if setting and row.get(setting) is not None and _number(row.get("score")) is not None]
    if not dots:
        return empty(t("class.plot.scatter.empty"))
    numeric = all(_number(x) is not None for x, _, _ in dots)
    fig = go.Figure(go.Scatter(x=[x if numeric else str(x) for x, _, _ in dots], y=[y for _, y, _ in dots],
                               mode="markers", marker=dict(size=11, opacity=0.8), text=[n for _, _, n in dots],
                               hovertemplate="%{text}<br>%{x}: %{y:.3f}<extra></extra>"))
    log = numeric and setting in LOG_SETTINGS and all(x > 0 for x, _, _ in dots)
    fig.update_xaxes(title_text=setting, type="log" if log else ("linear" if numeric else "category"))
    fig.update_yaxes(title_text=score_name)
    return style(fig, title=t("class.plot.scatter.title", setting=setting, score=score_name), height=380)
