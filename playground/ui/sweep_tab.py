"""The Sweep tab: train one model many times over learning rates, optimizers, batch sizes, dropout, hidden sizes.

Runs go one after another (or a few at once), with every run's validation
curve overlaid live, a sortable results table with the best run highlighted,
a parallel-coordinates chart and a CSV download. A budget caps the number of
runs and the minutes. Controls come from SweepConfig, so they match the CLI,
and each is a named parameter of `/sweep`: e.g.
`client.predict(lr="0.001,0.01,0.1", epochs=3, api_name="/sweep")`. The sweep
is a live job on the engine (ui/engine/): the worker trains and publishes
copies of the rows and curves, the handler draws them. Smart search (ui/sweep_smart.py) greys the runs it
pruned, draws which settings mattered, and can watch a study that command-line workers fill.
"""

import functools

import gradio as gr

from playground import i18n, limits
from playground.data import DATASETS, get_dataset
from playground.errors import UserError
from playground.models.registry import compatible_architectures
from playground.sweep.smart_config import SmartConfig
from playground.sweep.space import SweepConfig
from playground.training.config import OPTIMIZERS
from playground.ui import data_upload, engine, sweep_smart
from playground.ui.controls import make_controls

KIND = "sweep"  # the engine's name for this tab's live job
ICONS = {"finished": "✅", "stopped": "⏹️", "out_of_time": "⏱️"}  # by status; but for finished, sweep.status.<status>


# helpers


def checked_settings(settings: dict) -> dict:
    """The controls' values as SweepConfig settings: the ticked optimizers become its comma-separated list."""
    optimizers = settings.get("optimizer")
    if isinstance(optimizers, (list, tuple)):
        if not optimizers:
            raise UserError(i18n.t("sweep.error.no_optimizer"))
        settings = {**settings, "optimizer": ",".join(optimizers)}
    return settings


def title_of(runner) -> str:
    if hasattr(runner, "title"):  # a smart sweep says what it does (its runs are chosen as it goes)
        return runner.title
    c = runner.config
    capped = (i18n.t("sweep.title.capped", kept=len(runner.configurations), total=len(runner.all_configurations))
              if runner.skipped_by_budget else "")
    return i18n.t("sweep.title.text", search=c.search, runs=len(runner.configurations), model=c.model,
                  dataset=c.dataset, capped=capped)


def result_of(runner, job) -> str:
    from playground.sweep.results import label

    best = runner.summary["best"]
    if best is None:
        result = i18n.t("sweep.result.none")
    else:
        result = i18n.t("sweep.result.best", label=label(best), val=best["val_accuracy"],
                        test=best["test_accuracy"])
    return result + (f" {job.deadline.message()}" if job.expired else "")


# the live job


def work(runner, job):
    """Runs in the worker thread: the sweep's runs one after another (or a few at once); after each event it
    publishes copies of the rows and curves (the runner changes its own as runs go)."""
    from playground.sweep.runner import RunResultEvent

    finished = 0
    for event in runner.events(job.flag):
        finished += isinstance(event, RunResultEvent)
        curves = list(runner.curves.items())
        job.publish(rows=[dict(r) for r in runner.rows], curves={k: list(v) for k, v in curves}, finished=finished)
    return runner


class Painter:
    """Draws the live view; the parallel-coordinates chart only when another run has finished."""

    def __init__(self, runner):
        self.runner, self.finished = runner, 0

    def __call__(self, view: dict) -> dict:
        from playground.sweep.results import curves_figure, label, parallel_coordinates, styled_table

        if "rows" not in view:  # an empty dict is not an update Gradio takes
            return {"status": i18n.t("sweep.status.starting", title=view["title"])}
        rows = view["rows"]
        done = sum(r["status"] not in ("waiting", "running") for r in rows)
        running = [label(r) for r in rows if r["status"] == "running"]
        update = {"status": i18n.t("sweep.status.progress", title=view["title"], done=done, runs=len(rows),
                                   running=", ".join(running) or "…"),
                  "curves": curves_figure(view["curves"], rows), "results": styled_table(rows)}
        if view["finished"] > self.finished:
            self.finished = view["finished"]
            update["coordinates"] = parallel_coordinates(rows)
        return update


def follow(request, runner):
    """Follow the sweep while it trains, then the best run and the CSV; finished runs stay when it is stopped."""
    from playground.outputs import new_run_dir
    from playground.sweep.results import curves_figure, parallel_coordinates, styled_table, write_csv

    job = engine.Job(functools.partial(work, runner), kind=KIND, title=title_of(runner), subject=runner)
    yield {"status": i18n.t("sweep.status.starting", title=job.title), "results": styled_table(runner.rows),
           "download": gr.update(value=None, visible=False)}
    job = yield from engine.follow(request, job, Painter(runner))
    if not job.ran:  # refused (busy) or stopped while it waited: the status says so already
        return
    if job.state == "failed":
        raise UserError(job.error)
    csv_path = write_csv(runner.rows, new_run_dir("sweep") / "sweep.csv")
    status = runner.summary["status"].replace(" ", "_")
    said = i18n.t(f"sweep.status.{status}")
    icon = ICONS[status] if status == "finished" else f"{ICONS[status]} {said}"
    yield {"status": i18n.t("sweep.status.result", icon=icon, title=job.title, result=result_of(runner, job)),
           "curves": curves_figure(runner.curves, runner.rows), "results": styled_table(runner.rows),
           "coordinates": parallel_coordinates(runner.rows), "importance": sweep_smart.importance_plot(runner),
           "download": gr.update(value=str(csv_path), visible=True)}


# handlers


def on_dataset(dataset):
    models = compatible_architectures(get_dataset(dataset).kind)
    return {"model": gr.update(choices=models, value=models[0])}


def sweep(request: gr.Request, **settings):
    """Run the sweep; stream status, curves, table and parallel coordinates; then the CSV."""
    runner = sweep_smart.make_runner(checked_settings(settings))
    limits.check("epochs", runner.config.epochs)
    yield from follow(request, runner)


def watch(request: gr.Request, study: str):
    """Follow a study in the host's storage that command-line workers fill: its runs appear as they end."""
    yield from follow(request, sweep_smart.watcher(study))


def stop(request: gr.Request):
    engine.stop(request, KIND)


# layout


def placeholders():
    """The empty charts, saying what will appear there, and the empty results table's headers, in the visitor's
    language (drawn when the page opens)."""
    from playground.plots.style import empty

    from playground.sweep.results import empty_headers

    return {**{name: empty(i18n.t(f"sweep.{name}.empty")) for name in ("curves", "coordinates", "importance")},
            "results": {"headers": empty_headers(), "data": []}}  # a Dataframe's headers aren't translated in the page


def build():
    views = {}  # name -> component: what handlers update
    with gr.Row(elem_id="sweep-tab"):
        with gr.Column(scale=4, min_width=320):
            gr.Markdown(i18n.ui("sweep.intro"))
            controls = {  # name -> component: the inputs (= API parameters)
                "dataset": gr.Dropdown(list(DATASETS), value=SweepConfig.dataset, label=i18n.ui("sweep.dataset.label"),
                                       info=i18n.ui("sweep.dataset.info")),
                "model": gr.Dropdown(compatible_architectures(DATASETS[SweepConfig.dataset].kind),
                                     value=SweepConfig.model, label=i18n.ui("sweep.model.label"),
                                     info=i18n.ui("sweep.model.info")),
            }
            controls |= make_controls(SweepConfig, only=["lr"])
            controls["optimizer"] = gr.CheckboxGroup(list(OPTIMIZERS), value=[SweepConfig.optimizer],
                                                     label=i18n.ui("sweep.optimizer.label"),
                                                     info=i18n.ui("sweep.optimizer.info"))
            controls |= make_controls(SweepConfig, only=["batch_size", "dropout", "hidden_size", "search", "samples",
                                                         "epochs"])
            controls |= make_controls(SmartConfig, only=["pruner"])
            with gr.Accordion(i18n.ui("sweep.budget.label"), open=True):
                controls |= make_controls(SweepConfig, only=["max_runs", "max_minutes", "parallel", "seed",
                                                             "device"])
            with gr.Accordion(i18n.ui("sweep.watch.panel"), open=False):
                study_box = gr.Textbox(label=i18n.ui("sweep.study.label"), info=i18n.ui("sweep.study.info"))
                watch_button = gr.Button(i18n.ui("sweep.watch.button"))
        with gr.Column(scale=7):
            with gr.Row():
                run_button = gr.Button(i18n.ui("sweep.run.button"), variant="primary", scale=3)
                stop_button = gr.Button(i18n.ui("sweep.stop.button"), variant="stop", scale=1)
            views["status"] = gr.Markdown(i18n.ui("sweep.status.intro"), elem_id="sweep-status")
            views["curves"] = gr.Plot(label=i18n.ui("sweep.curves.label"))
            views["results"] = gr.Dataframe(label=i18n.ui("sweep.results.label"), interactive=False)
            views["coordinates"] = gr.Plot(label=i18n.ui("sweep.coordinates.label"))
            views["importance"] = gr.Plot(label=i18n.ui("sweep.importance.label"))
            views["download"] = gr.File(label=i18n.ui("sweep.download.label"), interactive=False, visible=False)
    engine.listen(controls["dataset"].change, on_dataset, inputs={"dataset": controls["dataset"]},
                  outputs={"model": controls["model"]}, api_visibility="private")
    # the API returns them in this order; admission is the engine's (the training slots every tab shares)
    engine.listen(run_button.click, sweep, inputs=controls, outputs=views, api_name="sweep", concurrency_limit=None)
    engine.listen(watch_button.click, watch, inputs={"study": study_box}, outputs=views, api_name="sweep_watch",
                  concurrency_limit=None)
    engine.listen(stop_button.click, stop, api_name="sweep_stop", queue=False)
    # offer the datasets this visitor uploaded in the Train tab
    empty_views = {name: views[name] for name in ("curves", "coordinates", "importance", "results")}
    return [(data_upload.refresh_datasets(), [controls["dataset"]], [controls["dataset"]], "select"),
            (engine.named(empty_views)(placeholders), [], list(empty_views.values()))]
