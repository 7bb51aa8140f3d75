"""The GAN tab's live job: the work that trains (worker thread) and the painter that draws it (handler).

The worker trains the run and publishes its steps, the latest fixed-noise
picture and the judge's checks; at the end of each epoch (between steps, so
never on weights mid-step) it records that epoch's fixed-noise samples for the
replay slider. The painter turns what was published into the status, the
samples, the curves and the judge's readout a few times a second; `follow`
adds the results once the job ends.
"""

import functools

import gradio as gr

from playground.errors import UserError
from playground.ui import engine

ICONS = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}
KIND = "gan"  # the engine's name for this tab's live job


# helpers


def readout(quality: dict, num_classes: int) -> str:
    text = (f"**Judge on 1,000 samples** (epoch {quality['epoch']}): mean confidence "
            f"**{quality['sample_confidence']:.2f}**, classes seen **{quality['class_coverage']} of {num_classes}**")
    if quality.get("conditional_accuracy") is not None:
        text += f", requested class produced **{quality['conditional_accuracy']:.0%}** of the time"
    if quality["class_coverage"] <= num_classes // 3:
        text += ". Few classes at high confidence: **mode collapse**."
    return text


def title_of(run) -> str:
    kind = "conditional " if run.config.conditional else ""
    return (f"**{kind}{run.config.architecture.upper()}** ({run.config.loss}) on **{run.data.name}**: "
            f"G {run.parameters['generator']:,} / D {run.parameters['discriminator']:,} parameters, {run.device}")


def curves_of(run, steps: list[dict], quality: list[dict], upto: int | None = None):
    from playground.generative import plots

    if upto is not None:
        steps, quality = [s for s in steps if s["epoch"] <= upto], [q for q in quality if q["epoch"] <= upto]
    return plots.gan_curves(steps, quality, run.data.num_classes, run.config.loss)


def judged(run, quality: dict) -> dict:
    from playground.generative import plots

    return {"quality": readout(quality, run.data.num_classes),
            "histogram": plots.class_histogram(quality["class_counts"], run.data.classes)}


# the live job


def work(run, job):
    """Runs in the worker thread: train, publish steps, pictures and the judge's checks, record each epoch's
    fixed-noise samples for the replay (made here, between steps)."""
    from playground.generative.events import GanEpochEvent, GanStepEvent, PictureEvent, QualityEvent

    steps, quality = [], []
    job.publish(steps=steps, quality=quality, picture=None)
    job.record(0, picture=run.fixed_picture())  # the untrained generator: where the replay starts
    for event in run.events(job.flag):
        if isinstance(event, GanStepEvent):
            steps.append(event.to_dict())
            job.publish(step=event.step)
        elif isinstance(event, PictureEvent):
            job.publish(picture=event.picture)
        elif isinstance(event, QualityEvent):
            quality.append(event.to_dict())
            job.publish(judged=len(quality))
        elif isinstance(event, GanEpochEvent):
            job.record(event.epoch, picture=run.fixed_picture())
    return run


class Painter:
    """Draws the live view; a picture or a judge's readout goes out only when it is new."""

    def __init__(self, run):
        self.run, self.picture, self.judged = run, None, 0

    def __call__(self, view: dict) -> dict:
        run, steps, quality = self.run, view.get("steps", []), view.get("quality", [])
        latest, viewing = view.get("recorded") or 0, view.get("viewing")
        update = {"replay": gr.update(maximum=max(1, latest), visible=True,
                                      **({} if viewing is not None else {"value": latest}))}
        if steps:
            last = steps[-1]
            progress = (f"epoch {last['epoch']}/{run.config.epochs} · step {last['step']}/{last['total_steps']} · "
                        f"G {last['g_loss']:.3f} · D {last['d_loss']:.3f}")
        else:
            progress = "training the judge (once per dataset) and starting…"
        if viewing is not None:
            update["status"] = (f"{view['title']}: {progress}; replaying epoch {viewing} (drag the slider to its "
                                f"end to follow the training)")
            return update
        update |= {"status": f"{view['title']}: {progress}", "curves": curves_of(run, steps, quality)}
        if view.get("picture") is not None and view["picture"] is not self.picture:
            update["live"] = self.picture = view["picture"]
        if len(quality) > self.judged:
            self.judged = len(quality)
            update |= judged(run, quality[-1])
        return update


def follow(request, run):
    """Follow the job while it trains, then the results: status, samples, curves, readout, files, the run."""
    from playground.outputs import new_run_dir

    job = engine.Job(functools.partial(work, run), kind=KIND, title=title_of(run), subject=run)
    yield {"status": f"{job.title}: training the judge (once per dataset) and starting…"}
    job = yield from engine.follow(request, job, Painter(run))
    if not job.ran:  # refused (busy) or stopped while it waited: the status says so already
        return
    if job.state == "failed":
        raise UserError(job.error)
    view, s = job.view(), run.summary
    note = f"{s['message']} {job.deadline.message()}" if job.expired else s["message"]
    latest = max(job.snapshots.epochs())
    final = {"curves": curves_of(run, view["steps"], view["quality"]), "run": run,
             "replay": gr.update(maximum=max(1, latest), value=latest, visible=True),
             "live": view["picture"] if view["picture"] is not None else job.snapshots.at(latest)[1]["picture"]}
    if s["status"] == "diverged" or not view["quality"]:
        yield final | {"status": f"{ICONS[s['status']]} {note}"}
        return
    files = [str(p) for p in run.save(new_run_dir("gan")).values()]
    n = run.data.num_classes
    status = (f"{ICONS[s['status']]} {note} {job.title}: sample confidence **{s['sample_confidence']:.3f}**, "
              f"**{s['class_coverage']} of {n}** classes in 1,000 samples (the judge scores "
              f"{s['judge_test_accuracy']:.3f} on real test images); {s['epochs_run']} epochs in "
              f"{s['seconds']:.1f} s.")
    yield final | {"status": status, **judged(run, view["quality"][-1]), "downloads": files}
