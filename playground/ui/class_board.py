"""How a class board reads on the page: the leaderboard table, the counts line and the two figures.

The classroom package (playground/classroom/board.py) says what is on a
board: the class, its counts, one row per posted run and the top runs'
curves. This module only renders that, as a dict keyed by the board's output
names. Names reach the table as typed: a Dataframe cell is text, never HTML
or Markdown (the browser test checks that an `<img onerror>` nickname stays
characters); in Markdown and figures they go through escaping.
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from playground.classroom import escaped
from playground.i18n import t
from playground.plots.class_board import setting_scatter, top_curves

PREFERRED_SETTING = "lr"  # the scatter's first pick: "what did the class learn about the learning rate?"
SHOWN_SETTINGS = 5  # setting columns in the table at most (the scatter offers them all); more overflow a phone


def scatter_choices(board) -> list[str]:
    """The settings worth a scatter: those that vary (the architecture too, when it does), `lr` first."""
    names = list(board.settings) + (["model"] if len({row["model"] for row in board.rows}) > 1 else [])
    return sorted(names, key=lambda name: (name != PREFERRED_SETTING, name))


def table(board) -> pd.DataFrame:
    varies = scatter_choices(board)
    columns = [name for name in varies if name != "model"][:SHOWN_SETTINGS]
    model = ["model"] if "model" in varies else []  # one architecture for all says nothing, and costs a phone room
    headers = [t("class.board.rank"), t("class.board.student"), board.score_name,
               *[t("class.board.model") for _ in model], *columns, t("class.board.posted")]
    rows = [[row["rank"], row["nickname"], round(row["score"], 4), *[row["model"] for _ in model],
             *["" if row.get(name) is None else row[name] for name in columns],
             f"{row['posted_at']:%H:%M:%S}" if row.get("posted_at") else ""] for row in board.rows]
    return pd.DataFrame(rows, columns=headers)


def counts_line(board) -> str:
    counts = board.counts
    line = t("class.board.counts", title=escaped(board.title), joined=counts.get("joined", 0),
             running=counts.get("running", 0), finished=counts.get("finished", 0), runs=counts.get("runs", 0))
    notes = [t("class.board.state_closed") if board.closed else t("class.board.state_open")]
    if board.hide_names:
        notes.append(t("class.board.names_hidden"))
    return f"{line} · {' · '.join(notes)}"


def render(board, setting: str | None, teacher: bool, controls_state: bool = True) -> dict:
    """Everything the board shows, by output name; the teacher also gets the controls, and with `controls_state`
    their state (not on a timer's refresh: it would undo a click the server has not seen yet)."""
    choices = scatter_choices(board)
    picked = setting if setting in choices else (choices[0] if choices else None)
    update = {"counts": counts_line(board), "leaderboard": table(board),
              "curves": top_curves(board.curves, board.curve_name, board.score_name),
              "scatter": setting_scatter(board.rows, picked, board.score_name),
              "setting": gr.update(choices=choices, value=picked), "controls": gr.update(visible=teacher)}
    if teacher and controls_state:
        update["hide_names"] = board.hide_names
    return update
