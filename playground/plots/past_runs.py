"""Curves of stored runs (the run store's rows), one run or several overlaid, from their kept histories.

A stored history is whatever the run kept: epoch dicts for most tabs
(`{"epoch": 3, "val_loss": ..., "val_accuracy": ...}`), a sweep's rows, or a
tiny GPT's `[step, training loss, held-out loss]` lists. So the curves are
read from the rows themselves: the x axis is the epoch (or step, or the row's
place), every other number is a curve; comparing shows the held-out ones.
"""

from __future__ import annotations

import plotly.graph_objects as go

from playground import i18n
from playground.plots.style import empty, style

X_NAMES = ("epoch", "step", "run")
SKIPPED = {"epochs", "seconds", "event", "shots"}  # numbers in a history row that are not curves


def series(history: list) -> tuple[str, dict[str, tuple[list, list]]]:
    """(x axis name, {curve name: (xs, ys)}) from a stored history."""
    curves: dict[str, tuple[list, list]] = {}
    rows = [r for r in history if isinstance(r, (dict, list))]
    x_name = next((name for name in X_NAMES if rows and isinstance(rows[0], dict) and name in rows[0]), "step")
    for place, row in enumerate(rows, start=1):
        if isinstance(row, list):  # [step, value, value...]
            x, values = (row[0] if row else place), {f"column {i}": v for i, v in enumerate(row[1:], start=1)}
        else:
            x = row.get(x_name, place)
            prefix = f"{row['strategy']} " if isinstance(row.get("strategy"), str) else ""  # transfer: per strategy
            values = {prefix + k: v for k, v in row.items() if k not in SKIPPED and k != x_name}
        for name, value in values.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                xs, ys = curves.setdefault(name, ([], []))
                xs.append(x)
                ys.append(value)
    return x_name, curves


def run_curves(run: dict) -> go.Figure:
    x_name, curves = series(run.get("history") or [])
    if not curves:
        return empty(i18n.t("plots.past_runs.no_history"))
    fig = go.Figure([go.Scatter(x=xs, y=ys, mode="lines+markers", name=name) for name, (xs, ys) in curves.items()])
    fig.update_xaxes(title_text=x_name)
    return style(fig, title=f"#{run['id']} {run.get('title', '')}")


def compare_curves(chosen: list[dict]) -> go.Figure:
    """The held-out (val/test) curves of several runs on one figure, named by run."""
    fig, x_name = go.Figure(), "epoch"
    for run in chosen:
        x_name, curves = series(run.get("history") or [])
        shown = {n: c for n, c in curves.items() if "val" in n or "test" in n or "held" in n} or curves
        for name, (xs, ys) in shown.items():
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"#{run['id']} {name}"))
    if not fig.data:
        return empty(i18n.t("plots.past_runs.none_history"))
    fig.update_xaxes(title_text=x_name)
    return style(fig, title=i18n.t("plots.past_runs.compare_title"))
