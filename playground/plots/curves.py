"""Live training curves: loss and a score (accuracy, or R² for regression), training vs validation.

Redrawn several times a second while a run trains, so it is built as a plain
`Chart` (chart.py), not through plotly's validating figure objects.
"""

from playground import i18n
from playground.plots import chart
from playground.plots.style import COLOURS

SCORES = ("accuracy", "r2")  # the score panel's title: plots.curves.score.<score>


def training_curves(history: list[dict], steps: list[dict] | None = None, score: str = "accuracy") -> chart.Chart:
    """`history`: EpochEvent dicts; `steps`: StepEvent dicts (the smooth within-epoch training loss).

    Titles stay short and the legend sits on top, so the two panels still read at phone width.
    """
    loss_cell, score_cell = chart.grid(1, 2, horizontal_spacing=0.12)[0]
    train, val = COLOURS[0], COLOURS[1]
    data = []
    if steps:
        data.append(dict(type="scatter", x=[s["position"] for s in steps], y=[s["train_loss"] for s in steps],
                         mode="lines", line=dict(color=train, width=1), opacity=0.35,
                         name=i18n.t("plots.curves.train_running"),
                         xaxis="x", yaxis="y"))
    epochs = [h["epoch"] for h in history]
    for key, colour, name in (("train", train, i18n.t("plots.curves.train")),
                              ("val", val, i18n.t("plots.curves.validation"))):
        line = dict(mode="lines+markers", name=name, line=dict(color=colour, width=2.5), marker=dict(size=5),
                    legendgroup=key)
        data.append(dict(type="scatter", x=epochs, y=[h[f"{key}_loss"] for h in history], xaxis="x", yaxis="y",
                         **line))
        data.append(dict(type="scatter", x=epochs, y=[h[f"{key}_{score}"] for h in history], xaxis="x2",
                         yaxis="y2", showlegend=False, **line))
    low = min([0.0] + [h[f"{k}_{score}"] for h in history for k in ("train", "val")])  # R² can go below 0
    layout = chart.layout(height=360, axes=2, margin=dict(l=55, r=20, t=80, b=45),
                          legend=dict(orientation="h", yanchor="bottom", y=1.12, x=0.5, xanchor="center"),
                          annotations=[chart.title_over(loss_cell, i18n.t("plots.curves.loss")),
                                       chart.title_over(score_cell, i18n.t(f"plots.curves.score.{score}"))])
    for cell in (loss_cell, score_cell):
        chart.place(layout, cell)
        layout[f"xaxis{cell['axis']}"].update(title=dict(text=i18n.t("plots.axis.epoch")), rangemode="tozero")
    layout["yaxis"]["rangemode"] = "tozero"
    layout["yaxis2"]["range"] = [max(low, -1.0), 1.02]
    return chart.Chart(data, layout)
