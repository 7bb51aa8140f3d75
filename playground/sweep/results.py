"""A sweep's results as rows: the best run, a CSV file, and the figures that compare the runs.

The best run is chosen on validation accuracy (ties: lower validation loss,
then the earlier run), among the runs that finished; the test accuracy is
reported next to it, never used to choose.
"""

import csv
import math
from pathlib import Path

import plotly.graph_objects as go

from playground import i18n
from playground.plots.style import COLOURS, empty, style
from playground.sweep.space import SWEPT

PRUNED = "#9ca3af"  # the grey of a run smart search stopped early
METRICS = ("status", "val_accuracy", "val_loss", "test_accuracy", "test_loss", "epochs_run", "seconds")


def best_row(rows: list[dict]) -> dict | None:
    finished = [r for r in rows if r.get("status") == "finished" and r.get("val_accuracy") is not None]
    if not finished:
        return None

    def key(row):
        loss = row.get("val_loss")
        return (-row["val_accuracy"], loss if loss is not None and math.isfinite(loss) else math.inf, row["run"])

    return min(finished, key=key)


def columns(rows: list[dict]) -> list[str]:
    swept = [name for name in SWEPT if any(name in r for r in rows)]
    return ["run", *swept, *METRICS]


def write_csv(rows: list[dict], path: Path) -> Path:
    path = Path(path)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns(rows), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def rounded(rows: list[dict]) -> list[dict]:
    """Rows for a table: accuracies and losses to 4 places."""
    out = []
    for row in rows:
        out.append({k: round(v, 4) if isinstance(v, float) and k not in ("lr",) else v for k, v in row.items()})
    return out


# figures


def curves_figure(curves: dict[int, list[dict]], rows: list[dict], metric: str = "val_accuracy") -> go.Figure:
    """Validation accuracy per epoch, one line per run, overlaid; the legend names each run's settings."""
    if not curves:
        return empty(i18n.t("sweep.plot.curves_empty"))
    fig = go.Figure()
    by_run = {r["run"]: r for r in rows}
    for run, history in sorted(curves.items()):
        row = by_run.get(run, {"run": run})
        pruned = row.get("status") == "pruned"  # smart search stopped it: greyed, with the epoch it stopped at
        fig.add_scatter(x=[h["epoch"] for h in history], y=[h[metric] for h in history], mode="lines+markers",
                        name=label(row) + (f" ({row['state']})" if pruned else ""), marker=dict(size=4),
                        line=dict(width=1 if pruned else 2, dash="dot" if pruned else None,
                                  color=PRUNED if pruned else COLOURS[(run - 1) % len(COLOURS)]))
    fig.update_xaxes(title_text=i18n.t("plots.axis.epoch"))
    fig.update_yaxes(title_text=metric_name(metric), range=[0, 1.02] if "accuracy" in metric else None)
    fig = style(fig, title=i18n.t("sweep.plot.curves_title"), height=380)
    fig.update_layout(legend=dict(orientation="v", x=1.02, y=1, yanchor="top", font=dict(size=10)),
                      margin=dict(r=230))
    return fig


def metric_name(name: str) -> str:
    """A setting's or score's name on an axis, in the visitor's language (as written when the catalogue lacks it)."""
    key = f"sweep.plot.name.{name}"
    return i18n.t(key) if key in i18n.catalogue(i18n.DEFAULT) else name.replace("_", " ")


SHORT = {"lr": "lr", "batch_size": "batch", "dropout": "dropout", "hidden_size": "hidden"}


def label(row: dict) -> str:
    """'#3 lr 0.01 adam batch 32': a run's number and the settings that vary."""
    parts = [str(row[name]) if name == "optimizer" else f"{SHORT[name]} {row[name]:g}" for name in SWEPT if name in row]
    return f"#{row['run']} " + " ".join(parts)


def parallel_coordinates(rows: list[dict]) -> go.Figure:
    """Each finished run is one line across the settings to its test accuracy, coloured by validation accuracy."""
    done = [r for r in rows if r.get("val_accuracy") is not None and r.get("test_accuracy") is not None]
    if not done:
        return empty(i18n.t("sweep.coordinates.empty"))
    dimensions = []
    for name in SWEPT:
        if not any(name in r for r in done):
            continue
        values = [r[name] for r in done]
        if name == "optimizer":
            names = sorted(set(values))
            dimensions.append(dict(label=i18n.t("sweep.plot.optimizer"), values=[names.index(v) for v in values],
                                   tickvals=list(range(len(names))), ticktext=names))
        elif name == "lr":
            logs = [math.log10(v) for v in values]
            ticks = sorted(set(round(v) for v in logs)) or [0]
            dimensions.append(dict(label=i18n.t("sweep.plot.lr"), values=logs, tickvals=ticks,
                                   ticktext=[f"{10 ** t:g}" for t in ticks]))
        else:
            dimensions.append(dict(label=metric_name(name), values=values))
    for metric in ("val_accuracy", "test_accuracy"):  # axes span the runs' own range, so close runs separate
        dimensions.append(dict(label=metric_name(metric), values=[r[metric] for r in done]))
    colour = [r["val_accuracy"] for r in done]
    fig = go.Figure(go.Parcoords(dimensions=dimensions, line=dict(
        color=colour, colorscale="Viridis", cmin=min(colour), cmax=max(colour) if max(colour) > min(colour)
        else min(colour) + 1e-3, showscale=True, colorbar=dict(title=dict(text=i18n.t("sweep.plot.val_acc")), thickness=12, x=1.08))))
    fig = style(fig, title=i18n.t("sweep.plot.coordinates_title"), height=380)
    fig.update_layout(margin=dict(l=70, r=110, t=80, b=30))
    return fig


def column_name(column: str, lang: str | None = None) -> str:
    """How a results column reads in the visitor's language; English keeps the column ids (run, lr, val_accuracy),
    which are also the CSV's and the API's names."""
    return i18n.t(f"sweep.column.{column}", lang=lang)


def empty_headers(lang: str | None = None) -> list[str]:
    """The results table's headers before the first run: the run, the two settings every sweep tries, its scores."""
    return [column_name(c, lang) for c in ("run", "lr", "optimizer", *METRICS)]


def styled_table(rows: list[dict]):
    """The results as a DataFrame with the best run highlighted and pruned runs greyed (a pandas Styler: Gradio
    shows its colours), its headers in the visitor's language."""
    import pandas as pd

    shown = [{**r, "status": r.get("state") or r["status"]} for r in rows]  # smart search: "pruned at epoch 2"
    ids = columns(rows)
    frame = pd.DataFrame(rounded(shown), columns=ids)
    best = best_row(rows)
    run_at, status_at = ids.index("run"), ids.index("status")

    def highlight(row):
        is_best = best is not None and row.iloc[run_at] == best["run"]
        if str(row.iloc[status_at]).startswith("pruned"):  # stopped early by smart search: greyed
            return [f"color: {PRUNED}; font-style: italic"] * len(row)
        return ["background-color: #dcfce7; font-weight: 600" if is_best else ""] * len(row)

    frame.columns = [column_name(c) for c in ids]
    styler = frame.style.apply(highlight, axis=1).format(precision=4, na_rep="")
    return styler.format("{:g}", subset=[column_name(c) for c in ("lr", "dropout") if c in ids], na_rep="")
