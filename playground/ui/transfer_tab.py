"""The Transfer tab: pretrain on a source task, learn a target from K examples per class, four strategies side by side.

"Train" compares the strategies at one K with live overlaid curves and a
results table; "Accuracy vs K" repeats it for several K and draws test
accuracy against K, which shows where transfer helps most (and where it stops
helping). Controls come from TransferConfig, so they match the CLI.
"""

import csv
import time

import gradio as gr

from playground import config as cfg
from playground.errors import UserError
from playground.transfer.config import STRATEGIES, STRATEGY_NAMES, TransferConfig, parse_shots
from playground.transfer.tasks import TASKS
from playground.ui import jobs, sessions
from playground.ui.controls import make_controls

UPDATE_SECONDS = 0.5  # the curves are re-sent whole: at most twice a second
FIELDS = [f.name for f in cfg.fields(TransferConfig)]
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


def default_values() -> list:
    """Every control's default, in input order (what a fresh page submits)."""
    return [list(STRATEGY_NAMES) if f.name == "strategies" else f.default for f in cfg.fields(TransferConfig)]


def settings_from(values) -> dict:
    settings = dict(zip(FIELDS, values))
    strategies = settings.get("strategies")
    if isinstance(strategies, (list, tuple)):
        if not strategies:
            raise UserError("Tick at least one strategy to compare.")
        settings["strategies"] = ",".join(strategies)
    return settings


def preview(source: str, target: str):
    """A few images of each task, side by side, so the shared structure is visible."""
    from playground.plots.data_preview import image_grid
    from playground.transfer.tasks import load_task

    figures = []
    for role, name in (("source", source), ("target", target)):
        task = load_task(name)
        figure = image_grid(task.x_train, task.y_train, task.classes, per_class=6, title=f"{role}: {name}")
        figure.update_layout(height=300)
        figures.append(figure)
    return figures


def describe_tasks(source: str, target: str) -> str:
    return f"**Source** {source}: {TASKS[source].description}  \n**Target** {target}: {TASKS[target].description}"


def write_downloads(experiment) -> list[str]:
    from playground.outputs import new_run_dir

    folder = new_run_dir("transfer")
    results, history = folder / "transfer_results.csv", folder / "transfer_history.csv"
    with open(results, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["shots", "strategy", "test_accuracy"])
        for shots, by_strategy in sorted(experiment.results.items()):
            writer.writerows([shots, name, accuracy] for name, accuracy in by_strategy.items())
    with open(history, "w", newline="") as handle:
        columns = ["strategy", "shots", "epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy"]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(experiment.pretrain_history + experiment.history)
    return [str(results), str(history)]


def verdict(experiment) -> str:
    """One line per K: does transfer beat scratch here, and by how much?"""
    lines = []
    for shots, by_strategy in sorted(experiment.results.items()):
        if "scratch" not in by_strategy or len(by_strategy) < 2:
            continue
        best = max((n for n in by_strategy if n != "scratch"), key=by_strategy.get)
        gain = by_strategy[best] - by_strategy["scratch"]
        word = "beats" if gain > 0.005 else "does not beat" if gain < -0.005 else "ties with"
        lines.append(f"K={shots}: {STRATEGIES[best].title.lower()} {word} scratch "
                     f"({by_strategy[best]:.3f} vs {by_strategy['scratch']:.3f}, {gain:+.3f}).")
    return "  \n".join(lines)


# handlers


@jobs.limited("train", jobs.note_in_status(5))  # the training slots every tab that trains shares
def stream(request, experiment, with_curve: bool):
    """Train and yield [status, curves, table, accuracy-vs-K, downloads], throttled.

    Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping its results.
    """
    from playground.transfer.plots import accuracy_vs_shots, results_rows, strategy_curves
    from playground.transfer.run import PRETRAIN_PHASE, ResultEvent

    with sessions.job(request, "transfer") as (flag, deadline):
        chance = 1 / experiment.target.num_classes
        last = 0.0
        current = experiment.shots_list[0]
        yield ["Starting…", gr.skip(), gr.skip(), gr.skip(), gr.update(value=None, visible=False)]
        for event in experiment.events(flag):
            if isinstance(event, ResultEvent):
                current = event.shots
            elif time.monotonic() - last < UPDATE_SECONDS:
                continue
            last = time.monotonic()
            phase = getattr(event, "strategy", "")
            shots = getattr(event, "shots", current) or current
            if isinstance(event, ResultEvent):
                status = (f"K={shots}: **{STRATEGIES[phase].title}** reached test accuracy "
                          f"{event.test_accuracy:.3f}…")
            elif phase == PRETRAIN_PHASE:
                status = f"Pretraining on **{experiment.config.source}**…"
            elif phase:
                status = f"K={shots}: training **{STRATEGIES[phase].title}**…"
            else:
                status = "…"
            yield [status, strategy_curves(experiment.history, experiment.pretrain_history, shots),
                   results_rows(experiment.results),
                   accuracy_vs_shots(experiment.results, chance) if with_curve else gr.skip(), gr.skip()]
    summary = experiment.summary
    icon = "✅" if summary["status"] == "finished" else "⏹️ Stopped."
    source = summary.get("source_test_accuracy")
    pretrained = (f"Backbone: {summary.get('backbone')}" + (f" (source test accuracy {source:.3f})." if source
                                                             is not None else "."))
    status = f"{icon} {pretrained}  \n{verdict(experiment)}"
    if deadline.expired:
        status += f"  \n{deadline.message()}"
    last_shots = max(experiment.results) if experiment.results else experiment.shots_list[0]
    yield [status, strategy_curves(experiment.history, experiment.pretrain_history, last_shots),
           results_rows(experiment.results),
           accuracy_vs_shots(experiment.results, chance) if with_curve else gr.skip(),
           gr.update(value=write_downloads(experiment), visible=True)]


def train(request: gr.Request, *values):
    """Compare the strategies at one K."""
    from playground.transfer.run import TransferExperiment

    try:
        experiment = TransferExperiment(settings_from(values))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    yield from stream(request, experiment, with_curve=False)


def train_curve(request: gr.Request, shots_text, *values):
    """Compare the strategies at every K in `shots_text` and draw accuracy against K."""
    from playground.transfer.run import TransferExperiment

    try:
        experiment = TransferExperiment(settings_from(values), parse_shots(shots_text))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    yield from stream(request, experiment, with_curve=True)


def stop(request: gr.Request):
    sessions.stop(request, "transfer")


# layout


def build():
    from playground.transfer.plots import accuracy_vs_shots, strategy_curves

    with gr.Row(elem_id="transfer-tab"):
        with gr.Column(scale=4, min_width=320):
            gr.Markdown(INTRO)
            with gr.Accordion("What to expect (measured)", open=False):
                gr.Markdown(MEASURED)
            controls = make_controls(TransferConfig, only=["source", "target"])
            tasks_text = gr.Markdown(describe_tasks(TransferConfig.source, TransferConfig.target))
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
            status = gr.Markdown("Press **Train all strategies** to compare them at one K, or **Accuracy vs K** "
                                 "below to see where transfer helps most.", elem_id="transfer-status")
            curves_plot = gr.Plot(strategy_curves([], [], None), label="Live curves")
            table = gr.Dataframe(headers=["K", "strategy", "test accuracy", "vs scratch"], label="Results",
                                 interactive=False)
            with gr.Row(equal_height=True):
                shots_list = gr.Textbox(DEFAULT_SHOTS_LIST, label="K values for the chart",
                                        info="Comma-separated shots per class, 1 to 100 (1,5,20,100 takes a few "
                                             "minutes on a CPU).", scale=3)
                curve_button = gr.Button("Accuracy vs K", variant="secondary", scale=1)
            shots_plot = gr.Plot(accuracy_vs_shots({}), label="Test accuracy against K")
            with gr.Row():
                source_preview = gr.Plot(label="Source task")
                target_preview = gr.Plot(label="Target task")
            downloads = gr.File(label="Downloads: results and curves (CSV)", file_count="multiple",
                                interactive=False, visible=False)
    inputs = [controls[name] for name in FIELDS]
    outputs = [status, curves_plot, table, shots_plot, downloads]
    pool = dict(concurrency_limit=None)  # admission is jobs.limited's (stream)
    train_event = train_button.click(train, inputs, outputs, api_name="transfer", **pool)
    curve_event = curve_button.click(train_curve, [shots_list, *inputs], outputs, api_name="transfer_curve",
                                     **pool)
    stop_button.click(stop, None, None, api_name="transfer_stop", cancels=[train_event, curve_event], queue=False)
    for box in (controls["source"], controls["target"]):
        box.change(describe_tasks, [controls["source"], controls["target"]], tasks_text, api_visibility="private")
        box.change(preview, [controls["source"], controls["target"]], [source_preview, target_preview],
                   api_visibility="private")
    return [(lambda: preview(TransferConfig.source, TransferConfig.target), [], [source_preview, target_preview])]
