"""The Transfer tab: pretrain on a source task, learn a target from K examples per class, four strategies side by side.

"Train" compares the strategies at one K with live overlaid curves and a
results table; "Accuracy vs K" repeats it for several K and draws test
accuracy against K, which shows where transfer helps most (and where it stops
helping). Controls come from TransferConfig, so they match the CLI, and each
is a named parameter of `/transfer` and `/transfer_curve`: e.g.
`client.predict(shots=5, epochs=10, api_name="/transfer")`. Training is a
live job on the engine (engine.py): the worker trains and publishes, the
handler draws; Stop keeps the strategies that finished.
"""

import functools

import gradio as gr

from playground.errors import UserError
from playground.transfer.config import STRATEGIES, STRATEGY_NAMES, TransferConfig, parse_shots
from playground.transfer.tasks import TASKS
from playground.ui import engine
from playground.ui.controls import make_controls

KIND = "transfer"  # the engine's name for this tab's live job
DEFAULT_SHOTS_LIST = "1,5,20,100"
INTRO = """**Does a pretrained network learn a new task from a handful of examples?** A small CNN is pretrained on
the *source* task; then each strategy learns the *target* task from only K labelled images per class, with the
same images, epochs and learning rate. Defaults: pretrained on circles, squares, triangles, crosses and rings;
tested on diamonds, bars, x's and frames it has never seen."""
MEASURED = """Mean test accuracy over seeds 0, 1, 2 with these defaults (`benchmarks/transfer_study.py`):

| K | scratch | frozen | fine-tune | slower backbone |
|---|---|---|---|---|
| 1 | 0.236 | **0.646** | 0.356 | 0.618 |
| 5 | 0.371 | 0.812 | 0.729 | **0.824** |
| 20 | 0.889 | 0.884 | **0.973** | 0.958 |
| 100 | 0.995 | 0.926 | **0.997** | 0.993 |

Transfer helps most with few examples and stops mattering by K=100. On the 8x8 digits (0-4 -> 5-9) it does
**not** help: scratch wins at K=1 (0.648 vs 0.530) and K=5 (0.859 vs 0.809); those images are too easy and
the features too shallow for pretraining to matter."""


# helpers: plain values in, so tests can call them without a browser


def checked_settings(settings: dict) -> dict:
    """The controls' values as TransferConfig settings: the ticked strategies become its comma-separated list."""
    strategies = settings.get("strategies")
    if isinstance(strategies, (list, tuple)):
        if not strategies:
            raise UserError("Tick at least one strategy to compare.")
        settings = {**settings, "strategies": ",".join(strategies)}
    return settings


def describe_tasks(source: str, target: str) -> str:
    return f"**Source** {source}: {TASKS[source].description}  \n**Target** {target}: {TASKS[target].description}"


def status_of(event, experiment, shots: int) -> str:
    from playground.transfer.run import PRETRAIN_PHASE, ResultEvent

    phase = getattr(event, "strategy", "")
    if isinstance(event, ResultEvent):
        return f"K={shots}: **{STRATEGIES[phase].title}** reached test accuracy {event.test_accuracy:.3f}…"
    if phase == PRETRAIN_PHASE:
        return f"Pretraining on **{experiment.config.source}**…"
    return f"K={shots}: training **{STRATEGIES[phase].title}**…" if phase else "…"


def closing_status(experiment, job) -> str:
    from playground.transfer.results import verdict

    summary = experiment.summary
    icon = "✅" if summary["status"] == "finished" else "⏹️ Stopped."
    source = summary.get("source_test_accuracy")
    pretrained = f"Backbone: {summary.get('backbone')}" + (f" (source test accuracy {source:.3f})."
                                                           if source is not None else ".")
    status = f"{icon} {pretrained}  \n" + "  \n".join(verdict(experiment.results))
    return status + (f"  \n{job.deadline.message()}" if job.expired else "")


# the live job


def work(experiment, job):
    """Runs in the worker thread: train every strategy at every K; publish the line to show, the curves' rows and
    a copy of the results (the experiment's own dict changes as strategies finish)."""
    from playground.transfer.run import ResultEvent

    shots = experiment.shots_list[0]
    job.publish(history=experiment.history, pretrain_history=experiment.pretrain_history, results={}, shots=shots,
                line="Starting…")
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
             "table": results_rows(view["results"])}
    if with_curve:
        shown["shots_plot"] = accuracy_vs_shots(view["results"], 1 / experiment.target.num_classes)
    return shown


def follow(request, experiment, with_curve: bool):
    """Follow the experiment while it trains, then its verdict and CSVs; it keeps its results when stopped."""
    from playground.outputs import new_run_dir
    from playground.transfer.results import write_csvs

    def render(view: dict) -> dict:
        if "shots" not in view:  # nothing published yet (an empty dict is not an update Gradio takes)
            return {"status": "Starting…"}
        return {"status": view["line"], **views_of(experiment, view, with_curve)}

    job = engine.Job(functools.partial(work, experiment), kind=KIND, title="transfer", subject=experiment)
    yield {"status": "Starting…", "downloads": gr.update(value=None, visible=False)}
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


def build():
    from playground.transfer.plots import accuracy_vs_shots, strategy_curves

    controls, views = {}, {}  # name -> component: the inputs (= API parameters) and what handlers update
    with gr.Row(elem_id="transfer-tab"):
        with gr.Column(scale=4, min_width=320):
            gr.Markdown(INTRO)
            with gr.Accordion("What to expect (measured)", open=False):
                gr.Markdown(MEASURED)
            controls |= make_controls(TransferConfig, only=["source", "target"])
            views["tasks_text"] = gr.Markdown(describe_tasks(TransferConfig.source, TransferConfig.target))
            controls |= make_controls(TransferConfig, only=["shots", "epochs", "pretrain_epochs"])
            controls["strategies"] = gr.CheckboxGroup(
                [(STRATEGIES[n].title, n) for n in STRATEGY_NAMES], value=list(STRATEGY_NAMES), label="Strategies",
                info="Same K-shot images, epochs and learning rate for each; only the starting point and what may "
                     "learn differ.")
            gr.Markdown("\n".join(f"- **{s.title}**: {s.description}" for s in STRATEGIES.values()))
            with gr.Accordion("Training settings", open=False):
                controls |= make_controls(TransferConfig, only=["lr", "backbone_lr_scale", "batch_size", "seed",
                                                                "device"])
            with gr.Accordion("Pretrained backbone from Hugging Face (optional)", open=False):
                gr.Markdown("A model id such as `microsoft/resnet-18` or `google/vit-base-patch16-224`, or a local "
                            "folder: its pretrained weights replace the small CNN and the source task. Needs the "
                            "model downloaded or the internet; it is slow on a CPU at full image size.")
                controls |= make_controls(TransferConfig, only=["backbone", "image_size"])
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train all strategies", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            views["status"] = gr.Markdown("Press **Train all strategies** to compare them at one K, or **Accuracy vs "
                                          "K** below to see where transfer helps most.", elem_id="transfer-status")
            views["curves"] = gr.Plot(strategy_curves([], [], None), label="Live curves")
            views["table"] = gr.Dataframe(headers=["K", "strategy", "test accuracy", "vs scratch"], label="Results",
                                          interactive=False)
            with gr.Row(equal_height=True):
                shots_list = gr.Textbox(DEFAULT_SHOTS_LIST, label="K values for the chart",
                                        info="Comma-separated shots per class, 1 to 100 (1,5,20,100 takes a few "
                                             "minutes on a CPU).", scale=3)
                curve_button = gr.Button("Accuracy vs K", variant="secondary", scale=1)
            views["shots_plot"] = gr.Plot(accuracy_vs_shots({}), label="Test accuracy against K")
            with gr.Row():
                views["source_preview"] = gr.Plot(label="Source task")
                views["target_preview"] = gr.Plot(label="Target task")
            views["downloads"] = gr.File(label="Downloads: results and curves (CSV)", file_count="multiple",
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
    return [(engine.named(previews)(preview), [], list(previews.values()))]
