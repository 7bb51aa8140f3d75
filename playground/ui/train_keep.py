"""The Train tab's "Take it home" panel: export as code, a link that reopens these settings, saved runs.

The share link carries the tab, dataset, noise, architecture and every setting
as URL query parameters (`?tab=train&dataset=spiral&model=mlp&width=8&lr=0.03`);
`settings_from_query` reads them back when a page opens, ignoring, with a
note, any value that the config would refuse. Saved runs are the visitor's
last few finished runs, kept in a gr.State and compared in one chart.
"""

from urllib.parse import urlencode

import gradio as gr
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground import config as cfg
from playground import i18n
from playground.data import DATASETS
from playground.errors import UserError
from playground.models.registry import ARCHITECTURES
from playground.plots.style import COLOURS, empty, style
from playground.training.config import TrainConfig

MAX_SAVED_RUNS = 8
# the Share button's link: this page's address with the settings, keeping the page's language (?lang=)
LINK_JS = """(q) => {
  if (!q || !q.startsWith('?')) return q;
  const lang = new URLSearchParams(window.location.search).get('lang');
  return window.location.origin + window.location.pathname + q + (lang ? '&lang=' + encodeURIComponent(lang) : '');
}"""
TRAIN_FIELDS = {f.name: f for f in cfg.fields(TrainConfig)}


# share


def share_query(dataset_name, noise, model_name, model_settings: dict, train_settings: dict) -> str:
    """'?tab=train&dataset=...' with every setting of the chosen model and training."""
    params = {"tab": "train"}
    if isinstance(dataset_name, str) and dataset_name in DATASETS:  # a raw API call may send a list
        params["dataset"] = dataset_name
        if "noise" in DATASETS[dataset_name].options and noise is not None:
            params["noise"] = noise
    params["model"] = model_name
    params.update({k: v for k, v in {**model_settings, **train_settings}.items() if v is not None})
    return "?" + urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()})


def settings_from_query(query: dict) -> tuple[dict, list[str]]:
    """{'tab', 'dataset', 'noise', 'model', 'model_settings', 'train_settings'} from URL parameters, plus notes on
    what was ignored. Only bundled datasets travel in a link."""
    notes, found = [], {}
    dataset = query.get("dataset")
    if dataset is not None:
        if dataset in DATASETS:
            found["dataset"] = dataset
        else:
            notes.append(i18n.t("keep.link.not_bundled", dataset=dataset))
    if "noise" in query:
        try:
            found["noise"] = min(max(float(query["noise"]), 0.0), 1.0)
        except ValueError:
            notes.append(f"noise '{query['noise']}'")
    model = query.get("model")
    if model is not None and model not in ARCHITECTURES:
        notes.append(f"model '{model}'")
        model = None
    if model:
        found["model"] = model
    fields = {**({f.name: f for f in cfg.fields(ARCHITECTURES[model].config_class)} if model else {}), **TRAIN_FIELDS}
    model_settings, train_settings = {}, {}
    for name, value in query.items():
        if name not in fields:
            continue
        try:
            checked = cfg.check_value(fields[name], value)
        except UserError:
            notes.append(f"{name} '{value}'")
            continue
        (train_settings if name in TRAIN_FIELDS else model_settings)[name] = checked
    found.update(model_settings=model_settings, train_settings=train_settings, tab=query.get("tab"))
    return found, notes


# export


def export_files(run) -> list[str]:
    from playground.export.script import export_run
    from playground.outputs import new_run_dir

    if run is None or not run.summary:
        raise gr.Error(i18n.t("keep.refusal.nothing_to_export"), print_exception=False)
    paths = export_run(run, new_run_dir("export"))
    return [str(paths[k]) for k in ("script", "weights", "config", "data") if k in paths]


# saved runs


def remember(saved: list | None, run) -> list:
    """Add a finished run to the visitor's saved runs (the newest last, at most MAX_SAVED_RUNS)."""
    saved = list(saved or [])
    if run is None or not run.history:
        return saved
    score = f"val_{run.problem.score}"  # the history column the task scores by (training/tasks.py)
    settings = run.train_config
    label = i18n.t("keep.saved.label", number=(saved[-1]["number"] + 1) if saved else 1, model=run.architecture.name,
                   dataset=run.splits.name, optimizer=settings.optimizer, lr=f"{settings.lr:g}", epochs=run.epochs_run)
    entry = {"number": (saved[-1]["number"] + 1) if saved else 1, "label": label, "score": score,
             "epochs": [h["epoch"] for h in run.history], "val_loss": [h["val_loss"] for h in run.history],
             "val_score": [h[score] for h in run.history]}
    return (saved + [entry])[-MAX_SAVED_RUNS:]


def compare_figure(saved: list | None) -> go.Figure:
    if not saved:
        return empty(i18n.t("keep.saved.empty"), height=320)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=(i18n.t("keep.saved.loss"), i18n.t("keep.saved.score")))
    for index, entry in enumerate(saved):
        colour = COLOURS[entry["number"] % len(COLOURS)]
        for col, key in ((1, "val_loss"), (2, "val_score")):
            fig.add_scatter(x=entry["epochs"], y=entry[key], mode="lines+markers", name=entry["label"],
                            legendgroup=entry["label"], showlegend=col == 1, marker=dict(size=4),
                            line=dict(color=colour, width=2), row=1, col=col)
    fig.update_xaxes(title_text=i18n.t("keep.saved.epoch"))
    fig = style(fig, height=380 + 22 * len(saved))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.28, x=0), margin=dict(b=80 + 22 * len(saved)))
    return fig


def no_saved_runs():
    return compare_figure([])


def clear_saved():
    return [], compare_figure([])


# layout


def build():
    """The panel's components: {'export', 'files', 'share', 'link', 'saved_plot', 'clear', 'saved'}."""
    with gr.Accordion(i18n.ui("keep.title"), open=False, elem_id="take-home"):
        with gr.Row():
            export = gr.Button(i18n.ui("keep.export"), elem_id="export-button")
            share = gr.Button(i18n.ui("keep.share"), elem_id="share-button")
        files = gr.File(label=i18n.ui("keep.files.label"), file_count="multiple",
                        interactive=False, elem_id="export-files")
        link = gr.Textbox(label=i18n.ui("keep.link.label"), buttons=["copy"], interactive=False,
                          elem_id="share-link", placeholder=i18n.ui("keep.link.placeholder"))
        saved_plot = gr.Plot(label=i18n.ui("keep.saved.title"), elem_id="saved-runs")  # drawn on page load
        clear = gr.Button(i18n.ui("keep.clear"), size="sm", elem_id="clear-runs")
    return {"export": export, "files": files, "share": share, "link": link, "saved_plot": saved_plot,
            "clear": clear, "saved": gr.State([])}
