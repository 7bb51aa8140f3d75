"""The Train tab's streaming: one generator for Train, Step and Continue, and what runs when a run ends.

It re-sends the plots a few times a second at most, so the browser keeps up
however fast the epochs go, and posts the views from inside the network to
the visitor's live board (live.py) for the watcher event to forward.
"""

import time

import gradio as gr

from playground import limits
from playground.errors import UserError
from playground.ui import jobs, live, sessions, train_inside, train_keep, train_results

UPDATE_SECONDS = 0.4  # live plots are re-sent at most this often
BOUNDARY_SECONDS = 1.0  # the decision boundary costs a grid of predictions: less often
INSIDE_SECONDS = 1.5  # histograms and neuron maps for the watcher


def check_limits(run, epochs: int | None = None) -> None:
    """The host's limits on one job (PLAYGROUND_MAX_EPOCHS, PLAYGROUND_MAX_PARAMETERS), before it queues."""
    try:
        limits.check_training(epochs or run.train_config.epochs, run.parameters)
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)


@jobs.limited("train", jobs.note_in_status(8))  # one set of training slots for every tab that trains
def stream(request: gr.Request, run, epochs: int | None = None):
    """Train `run` (or go on `epochs` more) and stream: status, curves, data plot, then results and files.

    Called once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping what it learnt.
    """
    from playground.outputs import new_run_dir
    from playground.training.events import DoneEvent, StepEvent

    with sessions.job(request, "train") as (flag, deadline):
        live.begin(request)
        train_inside.remember_start(run)
        steps: list[dict] = []
        last_update = last_boundary = last_inside = 0.0
        title = f"**{run.architecture.title}** on **{run.splits.name}** ({run.parameters:,} parameters, {run.device})"
        yield [f"{title}: starting…", gr.skip(), gr.skip(), *[gr.update(visible=False)] * 3, None, run]
        try:
            for event in run.events(flag, epochs):
                if isinstance(event, StepEvent):
                    steps.append(event.to_dict())
                if isinstance(event, DoneEvent):
                    break
                now = time.monotonic()
                if now - last_inside >= INSIDE_SECONDS:
                    live.post(request, train_inside.live_figures(run))
                    last_inside = now
                if now - last_update < UPDATE_SECONDS and len(run.history) != 1:
                    continue
                last_update = now
                data_plot = gr.skip()
                if now - last_boundary >= BOUNDARY_SECONDS:
                    data_plot, last_boundary = train_results.live_data_plot(run) or gr.skip(), now
                yield [f"{title}: {train_results.score_text(run)}", train_results.training_curves(run, steps),
                       data_plot, *[gr.skip()] * 3, gr.skip(), gr.skip()]
        finally:
            live.end(request, train_inside.live_figures(run))
    summary = run.summary
    files = [str(p) for p in run.save(new_run_dir("train")).values()]
    icon = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}[summary["status"]]
    status = (f"{icon} {summary['message']} {title}: {train_results.headline(summary)}, "
              f"{summary['epochs_run']} epochs in {summary['seconds']:.1f} s.")
    if deadline.expired:
        status += f" {deadline.message()}"
    yield [status, train_results.training_curves(run, steps), train_results.live_data_plot(run) or gr.skip(),
           *train_results.final_outputs(run), files, run]


def watch(request: gr.Request):
    yield from live.watch(request)


def after_run(run, saved, example):
    """When a run ends: remember it, compare it, and show the view from inside for the chosen example."""
    saved = train_keep.remember(saved, run)
    histograms = train_inside.histograms(run) if run is not None else gr.skip()
    return saved, train_keep.compare_figure(saved), train_inside.look_inside(run, example), histograms
