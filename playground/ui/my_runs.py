"""The My runs tab: this browser's past runs from the run store, across restarts: reopen, compare, delete.

The browser keeps a random id of its own (browser_id.py, in localStorage);
when a page opens, run_store.bind ties the page's session to it, so every run
the engine saves from any tab is filed under that id and comes back on the
next visit, after a restart, on another replica. An API client has no browser
storage, so its runs are filed under its session (the same calls list them).
Only this id's runs are ever listed, opened or deleted.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd

from playground import i18n
from playground.errors import UserError
from playground.plots.past_runs import compare_curves, run_curves
from playground.plots.style import empty
from playground.store import db, runs
from playground.ui import engine, run_store

HEADLINES = ("test_accuracy", "test_r2", "best_val_accuracy", "val_accuracy", "val_loss", "test_loss", "loss")
COLUMNS = ["run", "when", "tab", "what", "ended", "score", "seconds"]  # ids; a person reads my_runs.column.<id>
MAX_COMPARED = 6  # runs side by side: more curves than this stop being readable


def headline(metrics: dict) -> str:
    for name in HEADLINES:
        value = metrics.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return i18n.t("my_runs.headline", name=i18n.t(f"my_runs.metric.{name}"), value=value)
    return ""


def flat(values: dict, prefix: str = "") -> dict:
    """{"train_settings": {"lr": 0.1}} -> {"train_settings.lr": 0.1}; lists shown as text."""
    found = {}
    for key, value in (values or {}).items():
        if isinstance(value, dict):
            found |= flat(value, f"{prefix}{key}.")
        elif isinstance(value, (list, tuple)):
            found[prefix + key] = ", ".join(map(str, value))[:80]
        else:
            found[prefix + key] = value
    return found


def run_ids_of(chosen) -> list[int]:
    """The picked runs as ids: a list from the menu, or one id / "3, 5" from the API."""
    items = chosen if isinstance(chosen, (list, tuple)) else str(chosen or "").replace(",", " ").split()
    try:
        return [int(item) for item in items]
    except (TypeError, ValueError):
        raise UserError(i18n.t("my_runs.error.not_a_number")) from None


def store_or_refusal() -> db.Store:
    store = db.store()
    if not store.available:
        raise UserError(store.problem)
    return store


def fetch(request, chosen) -> list[dict]:
    ids = run_ids_of(chosen)
    if not ids:
        raise UserError(i18n.t("my_runs.error.none_picked"))
    store, visitor = store_or_refusal(), run_store.visitor_of(request)
    found = [runs.get(store, run_id, visitor) for run_id in ids]
    missing = [str(run_id) for run_id, run in zip(ids, found) if run is None]
    if missing:
        raise UserError(i18n.t("my_runs.error.missing", runs=", ".join(missing)))
    return found


def columns(lang: str | None = None) -> list[str]:
    """The runs table's headers in the visitor's language."""
    return [i18n.t(f"my_runs.column.{column}", lang=lang) for column in COLUMNS]


# handlers


def listing(request: gr.Request):
    """This browser's runs, newest first, as a table and as the menu's choices."""
    store = db.store()
    listed = runs.list_runs(store, run_store.visitor_of(request)) if store.available else []
    rows = [[r["id"], f"{r['created_at']:%Y-%m-%d %H:%M}", r["kind"], r["title"], r["state"], headline(r["metrics"]),
             round(r["seconds"] or 0, 1)] for r in listed]
    note = (store.problem if not store.available else
            i18n.t("my_runs.status.kept", runs=len(rows)) if rows else i18n.t("my_runs.status.none"))
    return {"table": pd.DataFrame(rows, columns=columns()), "status": note,
            "chosen": gr.update(choices=[(f"#{r[0]} {r[2]}: {r[3]} ({r[5] or r[4]})", r[0]) for r in rows],
                                value=[])}


def open_run(request: gr.Request, run_ids=None):
    """One run again: its curves, settings and final numbers, and the downloads that are still on disk."""
    run = fetch(request, run_ids)[0]
    files = [f for f in run["files"] if Path(f).is_file()]
    gone = len([f for f in run["files"] if not Path(f).exists()])
    note = i18n.t("my_runs.status.files_gone", gone=gone) if gone else ""
    return {"status": i18n.t("my_runs.status.opened", run=run["id"], when=f"{run['created_at']:%Y-%m-%d %H:%M}",
                             status=run["status"], note=note),
            "curves": run_curves(run), "details": {"settings": run["settings"], "metrics": run["metrics"]},
            "downloads": files or None}


def compare(request: gr.Request, run_ids=None):
    """Several runs side by side: their held-out curves overlaid, and the settings that differ next to the scores."""
    chosen = fetch(request, run_ids)
    if not 2 <= len(chosen) <= MAX_COMPARED:
        raise UserError(i18n.t("my_runs.error.compare_count", most=MAX_COMPARED, picked=len(chosen)))
    settings = [flat(r["settings"]) for r in chosen]
    differing = sorted(k for k in set().union(*settings) if len({repr(s.get(k)) for s in settings}) > 1)
    metrics = [flat(r["metrics"]) for r in chosen]
    numbers = sorted(k for k in set().union(*metrics)
                     if any(isinstance(m.get(k), (int, float)) and not isinstance(m.get(k), bool) for m in metrics))
    rows = [[i18n.t("my_runs.row.setting", name=k), *[str(s.get(k, "")) for s in settings]] for k in differing]
    rows += [[i18n.t("my_runs.row.result", name=k), *[("" if m.get(k) is None else f"{m[k]:.4g}" if isinstance(m[k], float) else str(m[k]))
                                for m in metrics]] for k in numbers]
    table = pd.DataFrame(rows, columns=["", *[f"#{r['id']} {r['kind']}" for r in chosen]])
    return {"status": i18n.t("my_runs.status.comparing", runs=len(chosen), differing=len(differing)),
            "curves": compare_curves(chosen),
            "comparison": table}


def delete(request: gr.Request, run_ids=None):
    """Delete the picked runs of this browser (their files go with the disk sweeper)."""
    ids = run_ids_of(run_ids)
    if not ids:
        raise UserError(i18n.t("my_runs.error.none_picked"))
    store, visitor = store_or_refusal(), run_store.visitor_of(request)
    deleted = [run_id for run_id in ids if runs.delete(store, run_id, visitor)]
    update = listing(request)
    said = i18n.t("my_runs.status.deleted_one" if len(deleted) == 1 else "my_runs.status.deleted", runs=len(deleted))
    update["status"] = f"{said} {update['status']}"
    return {**update, "curves": empty(i18n.t("my_runs.curves.empty"))}


def placeholder():
    """The empty chart, saying what will appear there, in the visitor's language (drawn when the page opens)."""
    return {"curves": empty(i18n.t("my_runs.curves.empty"))}


# layout


def build():
    gr.Markdown(i18n.ui("my_runs.intro"))
    views = {}
    with gr.Row():
        # custom values allowed: a run that is not (yet) in this page's menu gets our sentence, not Gradio's
        views["chosen"] = gr.Dropdown([], value=[], multiselect=True, allow_custom_value=True, label=i18n.ui("my_runs.chosen.label"),
                                      scale=4, info=i18n.ui("my_runs.chosen.info"))
        refresh_button = gr.Button(i18n.ui("my_runs.refresh.button"), scale=1)
    with gr.Row():
        open_button = gr.Button(i18n.ui("my_runs.open.button"), variant="primary")
        compare_button = gr.Button(i18n.ui("my_runs.compare.button"))
        delete_button = gr.Button(i18n.ui("my_runs.delete.button"), variant="stop")
    views["status"] = gr.Markdown(elem_id="my-runs-status")
    views["table"] = gr.Dataframe(pd.DataFrame(columns=columns("en")), interactive=False, elem_id="my-runs-table",
                                  label=i18n.ui("my_runs.table.label"))
    views["curves"] = gr.Plot(label=i18n.ui("my_runs.curves.label"))
    with gr.Row():
        views["details"] = gr.JSON(label=i18n.ui("my_runs.details.label"))
        views["downloads"] = gr.File(label=i18n.ui("my_runs.downloads.label"), file_count="multiple",
                                     interactive=False)
    views["comparison"] = gr.Dataframe(interactive=False, label=i18n.ui("my_runs.comparison.label"))
    listed = {name: views[name] for name in ("table", "status", "chosen")}
    picked = {"run_ids": views["chosen"]}
    engine.listen(refresh_button.click, listing, outputs=listed, api_name="my_runs")
    engine.listen(open_button.click, open_run, inputs=picked,
                  outputs={n: views[n] for n in ("status", "curves", "details", "downloads")}, api_name="open_run")
    engine.listen(compare_button.click, compare, inputs=picked,
                  outputs={n: views[n] for n in ("status", "curves", "comparison")}, api_name="compare_runs")
    engine.listen(delete_button.click, delete, inputs=picked, outputs={**listed, "curves": views["curves"]},
                  api_name="delete_run")
    # the empty chart says what will appear there, and the empty table's headers are, in the visitor's language
    return [(engine.named(listed)(listing), [], list(listed.values()), "select"),
            (engine.named({"curves": views["curves"]})(placeholder), [], [views["curves"]]),
            (engine.named({"table": views["table"]})(empty_table), [], [views["table"]])]


def empty_table():
    """Page-load hook: the table before the tab is first opened, its headers in the visitor's language."""
    return {"table": pd.DataFrame(columns=columns())}
