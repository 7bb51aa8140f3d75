"""The Train tab's live job: the work that trains (worker thread) and the painter that draws it (handler).

Train, Step and Continue all make a `train_job` and follow it with the engine
(playground/ui/engine/): the worker trains the run and, after each epoch, records the
2-D data plot's weights or arrays (train_plane.py) or a Transformer's
attention maps for the test example the visitor picked (`job.example`, which
the example box moves while it trains: a replay snapshot) and now and then the
weights' histograms; the painter turns what was published into the status,
the curves, the data plot and the replay slider a few times a second (the
first curve point at once, alone, so it is drawn at once). "Run until I stop"
goes on segment after segment (each as long as the epochs setting, like
pressing Continue) until Stop, the job-time limit or the host's epoch limit.
"""

import functools
import time

import gradio as gr

from playground import i18n, limits
from playground.errors import UserError
from playground.ui import engine, train_attention, train_inside, train_keep, train_plane, train_results, visitors

PLANE_SECONDS = 0.5  # the data plot is redrawn at most this often while training (a grid of colours)
INSIDE_SECONDS = 2.0  # the neuron maps and attention: the worker reads them, the painter draws them, this often
FIRST_STEPS_SECONDS = 0.4  # an epoch this slow shows its steps meanwhile


def check_limits(run, epochs: int | None = None) -> None:
    """The host's limits on one job (PLAYGROUND_MAX_EPOCHS, PLAYGROUND_MAX_PARAMETERS), before it queues."""
    limits.check_training(epochs or run.train_config.epochs, run.parameters)


def title_of(run) -> str:
    title = i18n.t_or(f"model.{run.architecture.name}.title", run.architecture.title)
    return i18n.t("train.status.title", model=title, dataset=run.splits.name, parameters=f"{run.parameters:,}",
                  device=run.device)


def train_job(run, epochs: int | None = None, *, until_stop: bool = False, previous=None,
              example: int = 0, request=None) -> engine.Job:
    """The job that trains `run` for `epochs` more (its setting by default), or on and on with `until_stop`,
    showing test example `example` inside, and the weight histograms live whenever the visitor of `request` has
    the inside panel open (train_inside.watch). Continuing the run of `previous` (an ended job) keeps its replay
    snapshots."""
    job = engine.Job(functools.partial(_work, run, epochs, until_stop), kind="train", slot="train",
                     title=title_of(run), subject=run)
    job.example = example
    job.histograms_live = functools.partial(train_inside.is_open, visitors.session_of(request))  # asked each time
    if previous is not None and previous.subject is run:
        job.snapshots = previous.snapshots
    return job


def _segment(trained: int, wanted: int) -> tuple[int, str]:
    """How many epochs the next segment may have under PLAYGROUND_MAX_EPOCHS (per job), and why fewer."""
    try:
        limits.check("epochs", trained + wanted)
        return wanted, ""
    except UserError:
        most = int(limits.limit("epochs"))
        return max(0, most - trained), i18n.t("train.note.epoch_limit", most=most, env=limits.LIMITS["epochs"].env)


def _snapshot(run, two_d: bool, example: int) -> dict:
    """What the replay keeps of the model now (read here, between epochs): the data plot of 2-D data (its
    weights for a small model, the grid computed when drawn: train_plane.py), and a Transformer's attention for
    test example `example` (the one the visitor picked: a few small arrays, where the weights themselves could
    be millions of numbers an epoch)."""
    record = train_plane.record(run) if two_d else {}
    if train_attention.fits(run):
        record["attention"] = train_attention.read(run, example)
    return record


def look_at(request, example) -> None:
    """The example box moved: the running job's live view and its next replay snapshots follow it."""
    job = engine.current(request, "train")
    if job is not None and job.subject is not None:
        job.example = train_inside.chosen_example(job.subject, example)


def _work(run, epochs, until_stop, job):
    """Runs in the worker thread: train, and publish what the painter needs at each safe point."""
    from playground.training.events import EpochEvent, StepEvent

    two_d = train_results.is_two_d(run.splits)
    if two_d:
        train_plane.prepare(run)
    train_inside.remember_start(run)
    job.publish(history=run.history, steps=run.steps, until_stop=until_stop, limit_note="")
    if (two_d or train_attention.fits(run)) and not run.history:
        job.record(0, **_snapshot(run, two_d, job.example))  # the replay starts from the random net
    trained, last_inside = 0, time.monotonic()  # a short run shows its insides once, when it ends (after_run)
    while True:  # a Stop between two segments is the next segment's to report ("Stopped by you")
        segment, note = _segment(trained, epochs or run.train_config.epochs)
        if segment <= 0:
            job.publish(limit_note=note)
            break
        for event in run.events(job.flag, segment):
            if isinstance(event, StepEvent):
                job.publish(step=event.step, quiet=True)  # drawn at the next tick: no render per step
            elif isinstance(event, EpochEvent):
                trained += 1
                job.record(event.epoch, **_snapshot(run, two_d, job.example))
                if time.monotonic() - last_inside >= INSIDE_SECONDS:
                    job.publish(inside=train_inside.live_state(run, example=job.example,
                                                               histograms=job.histograms_live()))
                    last_inside = time.monotonic()
                job.publish(epoch=event.epoch)
        if not until_stop or run.summary.get("status") != "finished":
            break
        if note:
            job.publish(limit_note=note)
            break
    return run


class Painter:
    """Draws a live job's view; remembers what it last sent so the heavier plots go out a few times a second."""

    def __init__(self, run):
        self.run, self.created = run, time.monotonic()
        # the first update carries only the status and the first curve point, so the page draws it at once;
        # the data plot follows at the next tick
        self.plane_epoch, self.plane_sent = None, self.created
        self.inside_sent = None
        self.drawn = False  # whether the curves went out: the first update is the status and the curves alone

    def final(self, view: dict) -> dict:
        """Everything the last view changed (the curves always), once the job has ended, whatever the pace; the
        inside views are after_run's."""
        self.created, self.plane_sent, self.inside_sent = float("-inf"), float("-inf"), view.get("inside")
        self.drawn = True
        update = self(view)
        update.setdefault("curves", train_results.training_curves(self.run, view.get("history", []),
                                                                  view.get("steps", [])))
        return update

    def __call__(self, view: dict) -> dict:
        run, history, steps = self.run, view.get("history", []), view.get("steps", [])
        if not history and (not steps or time.monotonic() - self.created < FIRST_STEPS_SECONDS):
            return {}  # the first epoch's curve point goes out the moment it is there; a slow epoch shows its steps
        latest = history[-1]["epoch"] if history else 0
        viewing = view.get("viewing")
        text = train_results.score_text(run, history, viewing, view.get("until_stop", False), steps)
        if viewing is not None:
            text = i18n.t("train.status.replaying", text=text)
        update = {"status": f"{view['title']}: {text}"}
        if viewing is None:
            update["curves"] = train_results.training_curves(run, history, steps)
            if not self.drawn:  # the first curve point goes alone: showing the slider re-lays the page out
                self.drawn = True
                return update
        self.drawn = True
        update["replay"] = gr.update(maximum=max(1, latest), visible=True,
                                     **({} if viewing is not None else {"value": latest}))
        if viewing is None:
            recorded, now = view.get("recorded"), time.monotonic()
            if recorded is not None and recorded != self.plane_epoch and now - self.plane_sent >= PLANE_SECONDS:
                plane = train_results.plane_at(run, view["snapshots"], recorded)
                if plane is not None:
                    update["plane"], self.plane_epoch, self.plane_sent = plane, recorded, now
        inside = view.get("inside")
        if inside is not None and inside is not self.inside_sent:
            # the live picture inside (neuron maps, attention), and the histograms while the panel is open
            drawn = train_inside.draw_live(run, inside)
            if viewing is not None:  # the replayed epoch's attention stays on the page
                drawn.pop("inside", None)
            update.update(drawn)
            self.inside_sent = inside
        return update


def no_curves_yet() -> dict:
    """The curves' panels, empty, when the page opens (in the visitor's words). The browser then lays the plot
    out (axes, titles, legend: its costliest draw) before the first Train, so the first curve point is only a
    redraw: under load that first layout took the page 0.5-4 s after the click (a CPU profile of Chromium)."""
    from playground.plots import curves

    return {"curves": curves.training_curves([], [], score="accuracy")}


def follow(request, job, run):
    """Yield the job's updates while it trains, then the results: status, curves, data plot, table, files, run."""
    from playground.outputs import new_run_dir

    painter = Painter(run)
    job = yield from engine.follow_to_end(request, job, painter, first={
        "status": i18n.t("train.status.starting", title=job.title), "run": run})
    if job is None:  # refused (busy) or stopped while it waited: the status says so already
        return
    view = job.view()
    summary = run.summary
    files = [str(p) for p in run.save(new_run_dir("train")).values()]
    icon = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}[summary["status"]]
    notes = " ".join(n for n in (job.limit_note(), view.get("limit_note", "")) if n)
    status = i18n.t("train.status.done", icon=icon, message=summary["message"], title=job.title,
                    headline=train_results.headline(run), epochs=summary["epochs_run"],
                    seconds=f"{summary['seconds']:.1f}", notes=notes).strip()
    job.viewing = view["viewing"] = None  # the end of a run shows its end
    final = {**painter.final(view), "status": status, **train_results.final_outputs(run), "downloads": files,
             "run": run}
    yield final


def replay(request, epoch):
    """The curves up to `epoch`, and the data plot and attention maps recorded at it; while training, the page
    stays at that epoch until the slider is back at its end."""
    job = engine.current(request, "train")
    run = job.subject if job is not None else None
    if run is None:
        raise UserError(i18n.t("train.refusal.nothing_to_replay"))
    history = list(run.history)
    latest = history[-1]["epoch"] if history else 0
    epoch = int(min(max(int(epoch or 0), 0), latest))
    job.viewing = None if epoch >= latest else epoch
    update = {"status": f"{job.title}: {train_results.score_text(run, history, epoch)}",
              "curves": train_results.training_curves(run, history, list(run.steps), upto=epoch)}
    plane = train_results.plane_at(run, job.snapshots, epoch)
    if plane is not None:
        update["plane"] = plane
    attention = train_attention.replayed(job.snapshots, epoch)
    if attention is not None:
        update["inside"] = attention
    return update


def after_run(run, saved, example):
    """When a run ends: remember it, compare it, and show the view from inside for the chosen example."""
    saved = train_keep.remember(saved, run)
    return {"saved": saved, "saved_plot": train_keep.compare_figure(saved),
            "inside": train_inside.look_inside(run, example),
            "histograms": train_inside.histograms(run) if run is not None else gr.skip()}
