"""The Sweep tab: train one model many times over learning rates, optimizers, batch sizes, dropout, hidden sizes.

Runs go one after another (or a few at once), with every run's validation
curve overlaid live, a sortable results table with the best run highlighted,
a parallel-coordinates chart and a CSV download. A budget caps the number of
runs and the minutes. Controls come from SweepConfig, so they match the CLI.
"""

import time

import gradio as gr

from playground import config as cfg
from playground import limits
from playground.data import DATASETS, get_dataset
from playground.errors import UserError
from playground.models.registry import compatible_architectures
from playground.sweep.space import SweepConfig
from playground.training.config import OPTIMIZERS
from playground.ui import data_upload, jobs, sessions
from playground.ui.controls import make_controls

UPDATE_SECONDS = 0.5
FIELDS = [f.name for f in cfg.fields(SweepConfig)]
INTRO = """**The learning rate decides everything.** Pick a model and a dataset, list the values to try, and
press **Run sweep**: every configuration trains with the same epochs and seed, and the best one is picked on
*validation* accuracy (the test set only reports)."""


# helpers


def default_values() -> list:
    """Every control's default, in input order (what a fresh page submits)."""
    return [[f.default] if f.name == "optimizer" else f.default for f in cfg.fields(SweepConfig)]


def settings_from(values) -> dict:
    settings = dict(zip(FIELDS, values))
    optimizers = settings.get("optimizer")
    if isinstance(optimizers, (list, tuple)):
        if not optimizers:
            raise UserError("Tick at least one optimizer.")
        settings["optimizer"] = ",".join(optimizers)
    return settings


def table(rows: list[dict]):
    """The results as a DataFrame, the best run highlighted (a Styler: Gradio shows its colours)."""
    import pandas as pd

    from playground.sweep.results import best_row, columns, rounded

    frame = pd.DataFrame(rounded(rows), columns=columns(rows))
    best = best_row(rows)

    def highlight(row):
        is_best = best is not None and row["run"] == best["run"]
        return ["background-color: #dcfce7; font-weight: 600" if is_best else ""] * len(row)

    styler = frame.style.apply(highlight, axis=1).format(precision=4, na_rep="")
    return styler.format("{:g}", subset=[c for c in ("lr", "dropout") if c in frame.columns], na_rep="")


def on_dataset(dataset_name):
    models = compatible_architectures(get_dataset(dataset_name).kind)
    return gr.update(choices=models, value=models[0])


# handlers


def sweep(request: gr.Request, *values):
    """Run the sweep; yield [status, curves, table, parallel coordinates, CSV], throttled."""
    from playground.sweep.runner import Sweep

    try:
        runner = Sweep(settings_from(values))
        limits.check("epochs", runner.config.epochs)
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    yield from stream(request, runner)


@jobs.limited("train", jobs.note_in_status(5))  # the training slots every tab that trains shares
def stream(request: gr.Request, runner):
    """Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping finished runs."""
    from playground.outputs import new_run_dir
    from playground.sweep.results import curves_figure, label, parallel_coordinates, write_csv
    from playground.sweep.runner import RunResultEvent

    c = runner.config
    capped = (f" (max runs keeps {len(runner.configurations)} of {len(runner.all_configurations)})"
              if runner.skipped_by_budget else "")
    title = f"{c.search} search, {len(runner.configurations)} runs of **{c.model}** on **{c.dataset}**{capped}"
    with sessions.job(request, "sweep") as (flag, deadline):
        last = 0.0
        yield [f"{title}: starting…", gr.skip(), table(runner.rows), gr.skip(), gr.update(value=None, visible=False)]
        for event in runner.events(flag):
            if not isinstance(event, RunResultEvent) and time.monotonic() - last < UPDATE_SECONDS:
                continue
            last = time.monotonic()
            done = sum(r["status"] not in ("waiting", "running") for r in runner.rows)
            running = [label(r) for r in runner.rows if r["status"] == "running"]
            yield [f"{title}: {done}/{len(runner.rows)} done; training {', '.join(running) or '…'}",
                   curves_figure(runner.curves, runner.rows), table(runner.rows),
                   parallel_coordinates(runner.rows) if isinstance(event, RunResultEvent) else gr.skip(), gr.skip()]
    summary = runner.summary
    best = summary["best"]
    csv_path = write_csv(runner.rows, new_run_dir("sweep") / "sweep.csv")
    icon = {"finished": "✅", "stopped": "⏹️ Stopped.", "out of time": "⏱️ Out of time."}[summary["status"]]
    if best is None:
        result = "No run finished, so there is no best run."
    else:
        result = (f"Best: **{label(best)}**, validation accuracy {best['val_accuracy']:.3f}, test accuracy "
                  f"**{best['test_accuracy']:.3f}** (highlighted).")
    if deadline.expired:
        result += f" {deadline.message()}"
    yield [f"{icon} {title}. {result}", curves_figure(runner.curves, runner.rows), table(runner.rows),
           parallel_coordinates(runner.rows), gr.update(value=str(csv_path), visible=True)]


def stop(request: gr.Request):
    sessions.stop(request, "sweep")


# layout


def build():
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
            controls |= make_controls(SweepConfig, only=["batch_size", "dropout", "hidden_size", "search", "samples",
                                                         "epochs"])
            with gr.Accordion("Budget and hardware", open=True):
                controls |= make_controls(SweepConfig, only=["max_runs", "max_minutes", "parallel", "seed",
                                                             "device"])
        with gr.Column(scale=7):
            with gr.Row():
                run_button = gr.Button("Run sweep", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            status = gr.Markdown("List the values to try and press **Run sweep**.", elem_id="sweep-status")
            curves_plot = gr.Plot(empty("Every run's validation curve appears here as it trains."),
                                  label="Validation accuracy per run")
            results = gr.Dataframe(label="Results (click a column to sort; best run highlighted)", interactive=False)
            coordinates = gr.Plot(empty("The parallel-coordinates chart appears when runs finish."),
                                  label="Parallel coordinates")
            download = gr.File(label="Results (CSV)", interactive=False, visible=False)
    inputs = [controls[name] for name in FIELDS]
    controls["dataset"].change(on_dataset, controls["dataset"], controls["model"], api_visibility="private")
    run_event = run_button.click(sweep, inputs, [status, curves_plot, results, coordinates, download],
                                 api_name="sweep", concurrency_limit=None)  # admission: jobs.limited
    stop_button.click(stop, None, None, api_name="sweep_stop", cancels=[run_event], queue=False)
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets(), [controls["dataset"]], [controls["dataset"]], "select")]

