"""The Sweep tab: train one model many times over learning rates, optimizers, batch sizes, dropout, hidden sizes.

Runs go one after another (or a few at once), with every run's validation
curve overlaid live, a sortable results table with the best run highlighted,
a parallel-coordinates chart and a CSV download. A budget caps the number of
runs and the minutes. Controls come from SweepConfig, so they match the CLI,
and each is a named parameter of `/sweep`: e.g.
`client.predict(lr="0.001,0.01,0.1", epochs=3, api_name="/sweep")`.
"""

import time

import gradio as gr

from playground import limits
from playground.data import DATASETS, get_dataset
from playground.errors import UserError
from playground.models.registry import compatible_architectures
from playground.sweep.space import SweepConfig
from playground.training.config import OPTIMIZERS
from playground.ui import data_upload, jobs, sessions
from playground.ui.controls import make_controls
from playground.ui.refusals import refuses

UPDATE_SECONDS = 0.5
INTRO = """**The learning rate decides everything.** Pick a model and a dataset, list the values to try, and
press **Run sweep**: every configuration trains with the same epochs and seed, and the best one is picked on
*validation* accuracy (the test set only reports)."""
ICONS = {"finished": "✅", "stopped": "⏹️ Stopped.", "out of time": "⏱️ Out of time."}


# helpers


def checked_settings(settings: dict) -> dict:
    """The controls' values as SweepConfig settings: the ticked optimizers become its comma-separated list."""
    optimizers = settings.get("optimizer")
    if isinstance(optimizers, (list, tuple)):
        if not optimizers:
            raise UserError("Tick at least one optimizer.")
        settings = {**settings, "optimizer": ",".join(optimizers)}
    return settings


def title_of(runner) -> str:
    c = runner.config
    capped = (f" (max runs keeps {len(runner.configurations)} of {len(runner.all_configurations)})"
              if runner.skipped_by_budget else "")
    return f"{c.search} search, {len(runner.configurations)} runs of **{c.model}** on **{c.dataset}**{capped}"


def result_of(runner, deadline) -> str:
    from playground.sweep.results import label

    best = runner.summary["best"]
    if best is None:
        result = "No run finished, so there is no best run."
    else:
        result = (f"Best: **{label(best)}**, validation accuracy {best['val_accuracy']:.3f}, test accuracy "
                  f"**{best['test_accuracy']:.3f}** (highlighted).")
    return result + (f" {deadline.message()}" if deadline.expired else "")


class SweepTab:
    """The Sweep tab's components (built by `layout`) and its handlers."""

    # handlers

    def on_dataset(self, dataset):
        models = compatible_architectures(get_dataset(dataset).kind)
        return {self.controls["model"]: gr.update(choices=models, value=models[0])}

    @refuses
    def sweep(self, request: gr.Request, **settings):
        """Run the sweep; stream status, curves, table and parallel coordinates, throttled; then the CSV."""
        from playground.sweep.runner import Sweep

        runner = Sweep(checked_settings(settings))
        limits.check("epochs", runner.config.epochs)
        # the training slots every tab that trains shares
        yield from jobs.limited("train", lambda note: {self.status: note})(self.stream)(request, runner)

    def stream(self, request: gr.Request, runner):
        """Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping finished runs."""
        from playground.outputs import new_run_dir
        from playground.sweep.results import curves_figure, label, parallel_coordinates, styled_table, write_csv
        from playground.sweep.runner import RunResultEvent

        title = title_of(runner)
        with sessions.job(request, "sweep") as (flag, deadline):
            last = 0.0
            yield {self.status: f"{title}: starting…", self.results: styled_table(runner.rows),
                   self.download: gr.update(value=None, visible=False)}
            for event in runner.events(flag):
                finished_one = isinstance(event, RunResultEvent)
                if not finished_one and time.monotonic() - last < UPDATE_SECONDS:
                    continue
                last = time.monotonic()
                done = sum(r["status"] not in ("waiting", "running") for r in runner.rows)
                running = [label(r) for r in runner.rows if r["status"] == "running"]
                update = {self.status: f"{title}: {done}/{len(runner.rows)} done; training "
                                       f"{', '.join(running) or '…'}",
                          self.curves: curves_figure(runner.curves, runner.rows),
                          self.results: styled_table(runner.rows)}
                yield update | ({self.coordinates: parallel_coordinates(runner.rows)} if finished_one else {})
        csv_path = write_csv(runner.rows, new_run_dir("sweep") / "sweep.csv")
        yield {self.status: f"{ICONS[runner.summary['status']]} {title}. {result_of(runner, deadline)}",
               self.curves: curves_figure(runner.curves, runner.rows), self.results: styled_table(runner.rows),
               self.coordinates: parallel_coordinates(runner.rows),
               self.download: gr.update(value=str(csv_path), visible=True)}

    def stop(self, request: gr.Request):
        sessions.stop(request, "sweep")

    # layout

    def layout(self):
        from playground.plots.style import empty

        with gr.Row(elem_id="sweep-tab"):
            with gr.Column(scale=4, min_width=320):
                gr.Markdown(INTRO)
                controls = {
                    "dataset": gr.Dropdown(list(DATASETS), value=SweepConfig.dataset, label="Dataset",
                                           info="Any dataset of the Train tab."),
                    "model": gr.Dropdown(compatible_architectures(DATASETS[SweepConfig.dataset].kind),
                                         value=SweepConfig.model, label="Model",
                                         info="The architectures that fit this dataset."),
                }
                controls |= make_controls(SweepConfig, only=["lr"])
                controls["optimizer"] = gr.CheckboxGroup(list(OPTIMIZERS), value=[SweepConfig.optimizer],
                                                         label="Optimizers", info="Each ticked optimizer is tried.")
                controls |= make_controls(SweepConfig, only=["batch_size", "dropout", "hidden_size", "search",
                                                             "samples", "epochs"])
                with gr.Accordion("Budget and hardware", open=True):
                    controls |= make_controls(SweepConfig, only=["max_runs", "max_minutes", "parallel", "seed",
                                                                 "device"])
                self.controls = controls
            with gr.Column(scale=7):
                with gr.Row():
                    self.run_button = gr.Button("Run sweep", variant="primary", scale=3)
                    self.stop_button = gr.Button("Stop", variant="stop", scale=1)
                self.status = gr.Markdown("List the values to try and press **Run sweep**.", elem_id="sweep-status")
                self.curves = gr.Plot(empty("Every run's validation curve appears here as it trains."),
                                      label="Validation accuracy per run")
                self.results = gr.Dataframe(label="Results (click a column to sort; best run highlighted)",
                                            interactive=False)
                self.coordinates = gr.Plot(empty("The parallel-coordinates chart appears when runs finish."),
                                           label="Parallel coordinates")
                self.download = gr.File(label="Results (CSV)", interactive=False, visible=False)

    def wire(self):
        dataset = self.controls["dataset"]
        dataset.change(self.on_dataset, dataset, self.controls["model"], api_visibility="private")
        run_event = self.run_button.click(
            self.sweep, None, [self.status, self.curves, self.results, self.coordinates, self.download],
            inputs_kwargs=self.controls, api_name="sweep", concurrency_limit=None)  # admission: jobs.limited
        self.stop_button.click(self.stop, None, None, api_name="sweep_stop", cancels=[run_event], queue=False)


def build():
    tab = SweepTab()
    tab.layout()
    tab.wire()
    # offer the datasets this visitor uploaded in the Train tab
    dataset = tab.controls["dataset"]
    return [(data_upload.refresh_datasets(), [dataset], [dataset], "select")]
