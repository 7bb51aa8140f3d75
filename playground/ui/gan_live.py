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

from playground import i18n
from playground.ui import engine

ICONS = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}
KIND = "gan"  # the engine's name for this tab's live job


# helpers


def readout(quality: dict, num_classes: int) -> str:
    text = i18n.t("gan.readout.text", epoch=quality["epoch"], confidence=quality["sample_confidence"],
                  coverage=quality["class_coverage"], classes=num_classes)
    if quality.get("conditional_accuracy") is not None:
        text += i18n.t("gan.readout.conditional", accuracy=quality["conditional_accuracy"])
    if quality["class_coverage"] <= num_classes // 3:
        text += i18n.t("gan.readout.collapse")
    return text


def title_of(run) -> str:
    key = "gan.title.conditional" if run.config.conditional else "gan.title.text"
    return i18n.t(key, architecture=run.config.architecture.upper(), loss=run.config.loss, dataset=run.data.name,
                  generator=run.parameters["generator"], discriminator=run.parameters["discriminator"],
                  device=run.device)


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
            job.publish(step=event.step, quiet=True)  # drawn at the next tick: no render per step
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
            progress = i18n.t("gan.status.progress", epoch=last["epoch"], epochs=run.config.epochs,
                              step=last["step"], steps=last["total_steps"], g_loss=last["g_loss"],
                              d_loss=last["d_loss"])
        else:
            progress = i18n.t("gan.status.starting")
        if viewing is not None:
            update["status"] = i18n.t("generative.status.replaying", title=view["title"], progress=progress,
                                      epoch=viewing)
            return update
        update |= {"status": i18n.t("generative.status.line", title=view["title"], progress=progress),
                   "curves": curves_of(run, steps, quality)}
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
    job = yield from engine.follow_to_end(request, job, Painter(run), first={
        "status": i18n.t("generative.status.line", title=job.title, progress=i18n.t("gan.status.starting"))})
    if job is None:  # refused (busy) or stopped while it waited: the status says so already
        return
    view, s = job.view(), run.summary
    note = f"{s['message']} {job.limit_note()}".strip()
    latest = max(job.snapshots.epochs())
    final = {"curves": curves_of(run, view["steps"], view["quality"]), "run": run,
             "replay": gr.update(maximum=max(1, latest), value=latest, visible=True),
             "live": view["picture"] if view["picture"] is not None else job.snapshots.at(latest)[1]["picture"]}
    if s["status"] == "diverged" or not view["quality"]:
        yield final | {"status": f"{ICONS[s['status']]} {note}"}
        return
    files = [str(p) for p in run.save(new_run_dir("gan")).values()]
    n = run.data.num_classes
    status = i18n.t("gan.status.result", icon=ICONS[s["status"]], note=note, title=job.title,
                    confidence=s["sample_confidence"], coverage=s["class_coverage"], classes=n,
                    judge=s["judge_test_accuracy"], epochs=s["epochs_run"], seconds=s["seconds"])
    yield final | {"status": status, **judged(run, view["quality"][-1]), "downloads": files}
