"""The Transfer tab: pretrain on a source task, learn a target from K examples per class, four strategies side by side.

"Train" compares the strategies at one K with live overlaid curves and a
results table; "Accuracy vs K" repeats it for several K and draws test
accuracy against K, which shows where transfer helps most (and where it stops
helping). Controls come from TransferConfig, so they match the CLI, and each
is a named parameter of `/transfer` and `/transfer_curve`: e.g.
`client.predict(shots=5, epochs=10, api_name="/transfer")`.
"""

import time

import gradio as gr

from playground.errors import UserError
from playground.transfer.config import STRATEGIES, STRATEGY_NAMES, TransferConfig, parse_shots
from playground.transfer.tasks import TASKS
from playground.ui import jobs, sessions
from playground.ui.controls import make_controls
from playground.ui.refusals import refuses

UPDATE_SECONDS = 0.5  # the curves are re-sent whole: at most twice a second
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


def closing_status(experiment, deadline) -> str:
    from playground.transfer.results import verdict

    summary = experiment.summary
    icon = "✅" if summary["status"] == "finished" else "⏹️ Stopped."
    source = summary.get("source_test_accuracy")
    pretrained = f"Backbone: {summary.get('backbone')}" + (f" (source test accuracy {source:.3f})."
                                                           if source is not None else ".")
    status = f"{icon} {pretrained}  \n" + "  \n".join(verdict(experiment.results))
    return status + (f"  \n{deadline.message()}" if deadline.expired else "")


class TransferTab:
    """The Transfer tab's components (built by `layout`) and its handlers."""

    # handlers

    @refuses
    def train(self, request: gr.Request, **settings):
        """Compare the strategies at one K."""
        from playground.transfer.run import TransferExperiment

        experiment = TransferExperiment(checked_settings(settings))
        yield from self.admitted(request, experiment, with_curve=False)

    @refuses
    def train_curve(self, request: gr.Request, shots_list, **settings):
        """Compare the strategies at every K in `shots_list` (comma-separated) and draw accuracy against K."""
        from playground.transfer.run import TransferExperiment

        experiment = TransferExperiment(checked_settings(settings), parse_shots(shots_list))
        yield from self.admitted(request, experiment, with_curve=True)

    def admitted(self, request, experiment, with_curve: bool):
        # the training slots every tab that trains shares
        yield from jobs.limited("train", lambda note: {self.status: note})(self.stream)(request, experiment,
                                                                                         with_curve)

    def stream(self, request, experiment, with_curve: bool):
        """Train and stream status, curves, table (and accuracy against K), throttled; then the CSVs.

        Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping its results.
        """
        from playground.outputs import new_run_dir
        from playground.transfer.plots import accuracy_vs_shots, results_rows, strategy_curves
        from playground.transfer.results import write_csvs
        from playground.transfer.run import ResultEvent

        chance = 1 / experiment.target.num_classes

        def views(shots) -> dict:
            shown = {self.curves: strategy_curves(experiment.history, experiment.pretrain_history, shots),
                     self.table: results_rows(experiment.results)}
            return shown | ({self.shots_plot: accuracy_vs_shots(experiment.results, chance)} if with_curve else {})

        with sessions.job(request, "transfer") as (flag, deadline):
            last, current = 0.0, experiment.shots_list[0]
            yield {self.status: "Starting…", self.downloads: gr.update(value=None, visible=False)}
            for event in experiment.events(flag):
                if isinstance(event, ResultEvent):
                    current = event.shots
                elif time.monotonic() - last < UPDATE_SECONDS:
                    continue
                last = time.monotonic()
                shots = getattr(event, "shots", current) or current
                yield {self.status: status_of(event, experiment, shots), **views(shots)}
        last_shots = max(experiment.results) if experiment.results else experiment.shots_list[0]
        files = [str(p) for p in write_csvs(experiment, new_run_dir("transfer"))]
        yield {self.status: closing_status(experiment, deadline), **views(last_shots),
               self.downloads: gr.update(value=files, visible=True)}

    def stop(self, request: gr.Request):
        sessions.stop(request, "transfer")

    def on_tasks(self, source, target):
        return {self.tasks_text: describe_tasks(source, target)}

    def preview(self, source, target):
        """A few images of each task, side by side, so the shared structure is visible."""
        from playground.transfer.plots import task_preview

        return {self.source_preview: task_preview(source, "source"), self.target_preview: task_preview(target,
                                                                                                      "target")}

    # layout

    def layout(self):
        from playground.transfer.plots import accuracy_vs_shots, strategy_curves

        with gr.Row(elem_id="transfer-tab"):
            with gr.Column(scale=4, min_width=320):
                gr.Markdown(INTRO)
                with gr.Accordion("What to expect (measured)", open=False):
                    gr.Markdown(MEASURED)
                controls = make_controls(TransferConfig, only=["source", "target"])
                self.tasks_text = gr.Markdown(describe_tasks(TransferConfig.source, TransferConfig.target))
                controls |= make_controls(TransferConfig, only=["shots", "epochs", "pretrain_epochs"])
                controls["strategies"] = gr.CheckboxGroup(
                    [(STRATEGIES[n].title, n) for n in STRATEGY_NAMES], value=list(STRATEGY_NAMES),
                    label="Strategies", info="Same K-shot images, epochs and learning rate for each; only the "
                                             "starting point and what may learn differ.")
                gr.Markdown("\n".join(f"- **{s.title}**: {s.description}" for s in STRATEGIES.values()))
                with gr.Accordion("Training settings", open=False):
                    controls |= make_controls(TransferConfig, only=["lr", "backbone_lr_scale", "batch_size", "seed",
                                                                    "device"])
                with gr.Accordion("Pretrained backbone from Hugging Face (optional)", open=False):
                    gr.Markdown("A model id such as `microsoft/resnet-18` or `google/vit-base-patch16-224`, or a "
                                "local folder: its pretrained weights replace the small CNN and the source task. "
                                "Needs the model downloaded or the internet; it is slow on a CPU at full image "
                                "size.")
                    controls |= make_controls(TransferConfig, only=["backbone", "image_size"])
                self.controls = controls
            with gr.Column(scale=7):
                with gr.Row():
                    self.train_button = gr.Button("Train all strategies", variant="primary", scale=3)
                    self.stop_button = gr.Button("Stop", variant="stop", scale=1)
                self.status = gr.Markdown("Press **Train all strategies** to compare them at one K, or **Accuracy "
                                          "vs K** below to see where transfer helps most.", elem_id="transfer-status")
                self.curves = gr.Plot(strategy_curves([], [], None), label="Live curves")
                self.table = gr.Dataframe(headers=["K", "strategy", "test accuracy", "vs scratch"], label="Results",
                                          interactive=False)
                with gr.Row(equal_height=True):
                    self.shots_list = gr.Textbox(DEFAULT_SHOTS_LIST, label="K values for the chart",
                                                 info="Comma-separated shots per class, 1 to 100 (1,5,20,100 takes "
                                                      "a few minutes on a CPU).", scale=3)
                    self.curve_button = gr.Button("Accuracy vs K", variant="secondary", scale=1)
                self.shots_plot = gr.Plot(accuracy_vs_shots({}), label="Test accuracy against K")
                with gr.Row():
                    self.source_preview = gr.Plot(label="Source task")
                    self.target_preview = gr.Plot(label="Target task")
                self.downloads = gr.File(label="Downloads: results and curves (CSV)", file_count="multiple",
                                         interactive=False, visible=False)

    def wire(self):
        outputs = [self.status, self.curves, self.table, self.shots_plot, self.downloads]
        pool = dict(concurrency_limit=None)  # admission is jobs.limited's (stream)
        train_event = self.train_button.click(self.train, None, outputs, inputs_kwargs=self.controls,
                                              api_name="transfer", **pool)
        curve_event = self.curve_button.click(self.train_curve, [self.shots_list], outputs,
                                              inputs_kwargs=self.controls, api_name="transfer_curve", **pool)
        self.stop_button.click(self.stop, None, None, api_name="transfer_stop", cancels=[train_event, curve_event],
                               queue=False)
        tasks = [self.controls["source"], self.controls["target"]]
        for box in tasks:
            box.change(self.on_tasks, tasks, self.tasks_text, api_visibility="private")
            box.change(self.preview, tasks, [self.source_preview, self.target_preview], api_visibility="private")


def build():
    tab = TransferTab()
    tab.layout()
    tab.wire()
    previews = [tab.source_preview, tab.target_preview]
    return [(lambda: tab.preview(TransferConfig.source, TransferConfig.target), [], previews)]
