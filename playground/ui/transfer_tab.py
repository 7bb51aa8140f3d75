"""The Transfer tab: pretrain on a source task, learn a target from K examples per class, four strategies side by side.

"Train" compares the strategies at one K with live overlaid curves and a
results table; "Accuracy vs K" repeats it for several K and draws test
accuracy against K, which shows where transfer helps most (and where it stops
helping). Controls come from TransferConfig, so they match the CLI, and each
is a named parameter of `/transfer` and `/transfer_curve`: e.g.
`client.predict(shots=5, epochs=10, api_name="/transfer")`. Training is a
live job on the engine (ui/engine/): the worker trains and publishes, the
handler draws; Stop keeps the strategies that finished.
"""

import functools

import gradio as gr

from playground import i18n
from playground.errors import UserError
from playground.transfer.config import STRATEGY_NAMES, TransferConfig, parse_shots
from playground.transfer.tasks import TASKS
from playground.ui import engine
from playground.ui.controls import make_controls

KIND = "transfer"  # the engine's name for this tab's live job
DEFAULT_SHOTS_LIST = "1,5,20,100"
# helpers: plain values in, so tests can call them without a browser


def checked_settings(settings: dict) -> dict:
    """The controls' values as TransferConfig settings: the ticked strategies become its comma-separated list."""
    strategies = settings.get("strategies")
    if isinstance(strategies, (list, tuple)):
        if not strategies:
            raise UserError(i18n.t("transfer.error.no_strategy"))
        settings = {**settings, "strategies": ",".join(strategies)}
    return settings


def task_text(name: str) -> str:
    """A task's description in the visitor's language (a task registered without words of its own: as written)."""
    key = f"transfer.task.{name}"
    return i18n.t(key) if key in i18n.catalogue(i18n.DEFAULT) else TASKS[name].description


def strategy_title(name: str) -> str:
    return i18n.t(f"transfer.strategy.{name}.title")


def describe_tasks(source: str, target: str) -> str:
    return i18n.t("transfer.tasks.text", source=source, source_text=task_text(source), target=target,
                  target_text=task_text(target))


def table_headers(lang: str | None = None) -> list[str]:
    return [i18n.t(f"transfer.table.{column}", lang=lang) for column in ("shots", "strategy", "accuracy", "gain")]


def status_of(event, experiment, shots: int) -> str:
    from playground.transfer.run import PRETRAIN_PHASE, ResultEvent

    phase = getattr(event, "strategy", "")
    if isinstance(event, ResultEvent):
        return i18n.t("transfer.status.result", shots=shots, strategy=strategy_title(phase),
                      accuracy=event.test_accuracy)
    if phase == PRETRAIN_PHASE:
        return i18n.t("transfer.status.pretraining", source=experiment.config.source)
    return i18n.t("transfer.status.training", shots=shots, strategy=strategy_title(phase)) if phase else "…"


def closing_status(experiment, job) -> str:
    from playground.transfer.results import verdict

    summary = experiment.summary
    icon = "✅" if summary["status"] == "finished" else i18n.t("transfer.status.stopped")
    source = summary.get("source_test_accuracy")
    pretrained = (i18n.t("transfer.status.backbone", backbone=summary.get("backbone")) if source is None else
                  i18n.t("transfer.status.backbone_scored", backbone=summary.get("backbone"), accuracy=source))
    status = f"{icon} {pretrained}  \n" + "  \n".join(verdict(experiment.results))
    return status + (f"  \n{job.deadline.message()}" if job.expired else "")


# the live job


def work(experiment, job):
    """Runs in the worker thread: train every strategy at every K; publish the line to show, the curves' rows and
    a copy of the results (the experiment's own dict changes as strategies finish)."""
    from playground.transfer.run import ResultEvent

    shots = experiment.shots_list[0]
    job.publish(history=experiment.history, pretrain_history=experiment.pretrain_history, results={}, shots=shots,
                line=i18n.t("transfer.status.starting"))
    for event in experiment.events(job.flag):
        shots = event.shots if isinstance(event, ResultEvent) else (getattr(event, "shots", shots) or shots)
        # pretrain_history: the attribute is replaced when the backbone comes from the cache
        update = {"shots": shots, "line": status_of(event, experiment, shots),
                  "pretrain_history": experiment.pretrain_history}
        if isinstance(event, ResultEvent):
            update["results"] = {k: dict(v) for k, v in experiment.results.items()}
        job.publish(**update)
    return experiment


def views_of(experiment, view: dict, with_curve: bool) -> dict:
    from playground.transfer.plots import accuracy_vs_shots, results_rows, strategy_curves

    shown = {"curves": strategy_curves(view["history"], view["pretrain_history"], view["shots"]),
             "table": {"headers": table_headers(), "data": results_rows(view["results"])}}
    if with_curve:
        shown["shots_plot"] = accuracy_vs_shots(view["results"], 1 / experiment.target.num_classes)
    return shown


def follow(request, experiment, with_curve: bool):
    """Follow the experiment while it trains, then its verdict and CSVs; it keeps its results when stopped."""
    from playground.outputs import new_run_dir
    from playground.transfer.results import write_csvs

    def render(view: dict) -> dict:
        if "shots" not in view:  # nothing published yet (an empty dict is not an update Gradio takes)
            return {"status": i18n.t("transfer.status.starting")}
        return {"status": view["line"], **views_of(experiment, view, with_curve)}

    job = engine.Job(functools.partial(work, experiment), kind=KIND, title="transfer", subject=experiment)
    yield {"status": i18n.t("transfer.status.starting"), "downloads": gr.update(value=None, visible=False)}
    job = yield from engine.follow(request, job, render)
    if not job.ran:  # refused (busy) or stopped while it waited: the status says so already
        return
    if job.state == "failed":
        raise UserError(job.error)
    files = [str(p) for p in write_csvs(experiment, new_run_dir("transfer"))]
    view = {**job.view(), "results": experiment.results,
            "shots": max(experiment.results) if experiment.results else experiment.shots_list[0]}
    yield {"status": closing_status(experiment, job), **views_of(experiment, view, with_curve),
           "downloads": gr.update(value=files, visible=True)}


# handlers


def train(request: gr.Request, **settings):
    """Compare the strategies at one K."""
    from playground.transfer.run import TransferExperiment

    yield from follow(request, TransferExperiment(checked_settings(settings)), with_curve=False)


def train_curve(request: gr.Request, shots_list: str = DEFAULT_SHOTS_LIST, **settings):
    """Compare the strategies at every K in `shots_list` (comma-separated) and draw accuracy against K."""
    from playground.transfer.run import TransferExperiment

    experiment = TransferExperiment(checked_settings(settings), parse_shots(shots_list))
    yield from follow(request, experiment, with_curve=True)


def stop(request: gr.Request):
    engine.stop(request, KIND)


def on_tasks(source, target):
    return {"tasks_text": describe_tasks(source, target)}


def preview(source=TransferConfig.source, target=TransferConfig.target):
    """A few images of each task, side by side, so the shared structure is visible."""
    from playground.transfer.plots import task_preview

    return {"source_preview": task_preview(source, "source"), "target_preview": task_preview(target, "target")}


# layout


def placeholders():
    """The empty charts, saying what will appear there, in the visitor's language (drawn when the page opens)."""
    from playground.transfer.plots import accuracy_vs_shots, strategy_curves

    return {"curves": strategy_curves([], [], None), "shots_plot": accuracy_vs_shots({})}


def empty_table():
    """Page-load hook: the results table before the first run, its headers in the visitor's language (the page
    was built with English ones: a Dataframe's headers are not translated in the browser)."""
    return {"table": {"headers": table_headers(), "data": []}}


def build():
    controls, views = {}, {}  # name -> component: the inputs (= API parameters) and what handlers update
    with gr.Row(elem_id="transfer-tab"):
        with gr.Column(scale=4, min_width=320):
            gr.Markdown(i18n.ui("transfer.intro"))
            with gr.Accordion(i18n.ui("transfer.expect.label"), open=False):
                gr.Markdown(i18n.ui("transfer.expect.text"))
            controls |= make_controls(TransferConfig, only=["source", "target"])
            views["tasks_text"] = gr.Markdown(describe_tasks(TransferConfig.source, TransferConfig.target))
            controls |= make_controls(TransferConfig, only=["shots", "epochs", "pretrain_epochs"])
            controls["strategies"] = gr.CheckboxGroup(
                [(i18n.ui(f"transfer.strategy.{n}.title"), n) for n in STRATEGY_NAMES], value=list(STRATEGY_NAMES),
                label=i18n.ui("transfer.strategies.label"), info=i18n.ui("transfer.strategies.info"))
            gr.Markdown(i18n.ui("transfer.strategies.text"))
            with gr.Accordion(i18n.ui("transfer.settings.label"), open=False):
                controls |= make_controls(TransferConfig, only=["lr", "backbone_lr_scale", "batch_size", "seed",
                                                                "device"])
            with gr.Accordion(i18n.ui("transfer.backbone.label"), open=False):
                gr.Markdown(i18n.ui("transfer.backbone.text"))
                controls |= make_controls(TransferConfig, only=["backbone", "image_size"])
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button(i18n.ui("transfer.train.button"), variant="primary", scale=3)
                stop_button = gr.Button(i18n.ui("transfer.stop.button"), variant="stop", scale=1)
            views["status"] = gr.Markdown(i18n.ui("transfer.status.intro"), elem_id="transfer-status")
            views["curves"] = gr.Plot(label=i18n.ui("transfer.curves.label"))
            views["table"] = gr.Dataframe(headers=table_headers("en"), label=i18n.ui("transfer.table.label"),
                                          elem_id="transfer-table",
                                          interactive=False)
            with gr.Row(equal_height=True):
                shots_list = gr.Textbox(DEFAULT_SHOTS_LIST, label=i18n.ui("transfer.shots_list.label"),
                                        info=i18n.ui("transfer.shots_list.info"), scale=3)
                curve_button = gr.Button(i18n.ui("transfer.curve.button"), variant="secondary", scale=1)
            views["shots_plot"] = gr.Plot(label=i18n.ui("transfer.shots_plot.label"))
            with gr.Row():
                views["source_preview"] = gr.Plot(label=i18n.ui("transfer.source_preview.label"))
                views["target_preview"] = gr.Plot(label=i18n.ui("transfer.target_preview.label"))
            views["downloads"] = gr.File(label=i18n.ui("transfer.downloads.label"), file_count="multiple",
                                         interactive=False, visible=False)
    # the API returns them in this order; admission is the engine's (the training slots every tab shares)
    outputs = {name: views[name] for name in ("status", "curves", "table", "shots_plot", "downloads")}
    pool = dict(concurrency_limit=None)
    engine.listen(train_button.click, train, inputs=controls, outputs=outputs, api_name="transfer", **pool)
    engine.listen(curve_button.click, train_curve, inputs={"shots_list": shots_list, **controls}, outputs=outputs,
                  api_name="transfer_curve", **pool)
    engine.listen(stop_button.click, stop, api_name="transfer_stop", queue=False)
    tasks = {"source": controls["source"], "target": controls["target"]}
    previews = {name: views[name] for name in ("source_preview", "target_preview")}
    for box in tasks.values():
        engine.listen(box.change, on_tasks, inputs=tasks, outputs={"tasks_text": views["tasks_text"]},
                      api_visibility="private")
        engine.listen(box.change, preview, inputs=tasks, outputs=previews, api_visibility="private")
    # the tasks' words (made on the server) and the previews are drawn in the visitor's language when the page opens
    charts = {name: views[name] for name in ("curves", "shots_plot")}
    return [(engine.named(previews)(preview), [], list(previews.values())),
            (engine.named(charts)(placeholders), [], list(charts.values())),
            (engine.named({"table": views["table"]})(empty_table), [], [views["table"]]),
            (engine.named({"tasks_text": views["tasks_text"]})(on_tasks), list(tasks.values()), [views["tasks_text"]])]
