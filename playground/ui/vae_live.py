"""The VAE tab's live job: the work that trains (worker thread) and the painter that draws it (handler).

The worker trains the run and publishes its steps and epochs; the trainer
encodes the test set and reconstructs a few images at the end of each epoch
(between steps), and the worker records both for the replay slider. The
painter turns what was published into the status, the curves, the latent map
and the reconstructions a few times a second; `follow` adds the manifold,
samples, files and the runs table once the job ends.
"""

import functools

import gradio as gr

from playground import i18n
from playground.ui import engine

ICONS = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}
KIND = "vae"  # the engine's name for this tab's live job


# helpers


def title_of(run) -> str:
    return i18n.t("vae.title", variant=run.config.variant.upper(), architecture=run.config.architecture,
                  latent=run.config.latent_dim, dataset=run.data.name, parameters=run.parameters, device=run.device)


def progress_of(run, epoch_row: dict) -> str:
    return i18n.t("vae.status.progress", epoch=epoch_row["epoch"], epochs=run.config.epochs,
                  loss=epoch_row["val_loss"], recon=epoch_row["val_recon"], kl=epoch_row["val_kl"],
                  pace=epoch_row["seconds"] / epoch_row["epoch"])


def result_of(run) -> str:
    s = run.summary
    kl = "" if s["test_kl"] is None else i18n.t("vae.result.kl", kl=s["test_kl"])
    return i18n.t("vae.result.text", mse=s["test_recon_mse"], baseline=s["baseline_mse"], kl=kl,
                  knn=s["latent_knn_accuracy"], epochs=s["epochs_run"], seconds=s["seconds"])


def comparison_headers(lang: str | None = None) -> list[str]:
    """The runs table's column names (vae_config.COMPARISON_COLUMNS) in the visitor's language."""
    from playground.generative.vae_config import COMPARISON_COLUMNS

    return [i18n.t(f"vae.runs.column.{column.replace(' ', '_')}", lang=lang) for column in COMPARISON_COLUMNS]


def curves_of(run, steps: list[dict], history: list[dict], upto: int | None = None):
    from playground.generative import plots

    if upto is not None:
        steps, history = [s for s in steps if s["epoch"] <= upto], [h for h in history if h["epoch"] <= upto]
    return plots.vae_curves(steps, history, run.model.variational)


def latent_plot(run, record: dict):
    from playground.generative import plots

    return plots.latent_scatter(record["points"], record["labels"], run.data.classes, record["projected"])


# the live job


def work(run, job):
    """Runs in the worker thread: train, publish the steps and epochs, and record each epoch's reconstructions
    and latent map (the trainer makes both at the end of the epoch, between steps)."""
    from playground.generative.events import LatentEvent, PictureEvent, VaeStepEvent

    steps, picture = [], None
    job.publish(steps=steps, history=run.history)
    for event in run.events(job.flag):
        if isinstance(event, VaeStepEvent):
            steps.append(event.to_dict())
            job.publish(step=event.step, quiet=True)  # drawn at the next tick: no render per step
        elif isinstance(event, PictureEvent):
            picture = event.picture
        elif isinstance(event, LatentEvent):  # each epoch ends with its reconstructions, then its latent points
            job.record(event.epoch, reconstructions=picture, points=event.points, labels=event.labels,
                       projected=event.projected)
    return run


class Painter:
    """Draws the live view; the latent map and the reconstructions go out once per new epoch."""

    def __init__(self, run):
        self.run, self.drawn = run, None

    def __call__(self, view: dict) -> dict:
        run, history, viewing = self.run, view.get("history", []), view.get("viewing")
        latest = view.get("recorded")
        if not history:
            return {"status": i18n.t("generative.status.line", title=view["title"],
                                     progress=i18n.t("vae.status.starting"))}
        status = i18n.t("generative.status.line", title=view["title"], progress=progress_of(run, history[-1]))
        update = {"replay": gr.update(maximum=max(1, latest or 1), visible=latest is not None,
                                      **({} if viewing is not None else {"value": latest or 1}))}
        if viewing is not None:
            return update | {"status": i18n.t("generative.status.replaying", title=view["title"],
                                              progress=progress_of(run, history[-1]), epoch=viewing)}
        update |= {"status": status, "curves": curves_of(run, view.get("steps", []), history)}
        if latest is not None and latest != self.drawn:
            _, record = view["snapshots"].at(latest)
            update |= {"latent": latent_plot(run, record), "reconstructions": record["reconstructions"]}
            self.drawn = latest
        return update


def follow(request, run, rows):
    """Follow the job while it trains, then the results: manifold, samples, files, the runs table."""
    from playground.outputs import new_run_dir

    job = engine.Job(functools.partial(work, run), kind=KIND, title=title_of(run), subject=run)
    job = yield from engine.follow_to_end(request, job, Painter(run), first={
        "status": i18n.t("generative.status.line", title=job.title, progress=i18n.t("vae.status.starting"))})
    if job is None:  # refused (busy) or stopped while it waited: the status says so already
        return
    s = run.summary
    note = f"{s['message']} {job.limit_note()}".strip()
    if s["status"] == "diverged" or not run.history:
        yield {"status": f"{ICONS[s['status']]} {note}"}
        return
    view, (latest, record) = job.view(), job.snapshots.at(run.history[-1]["epoch"])
    files = [str(p) for p in run.save(new_run_dir("vae")).values()]
    rows = [*(rows or []), run.comparison_row()]
    yield {"status": i18n.t("vae.status.result", icon=ICONS[s["status"]], note=note, title=job.title,
                            result=result_of(run)),
           "curves": curves_of(run, view["steps"], view["history"]), "reconstructions": record["reconstructions"],
           "latent": latent_plot(run, record), "replay": gr.update(maximum=max(1, latest), value=latest, visible=True),
           "manifold": run.manifold(), "samples": run.sample(seed=0), "downloads": files, "run": run,
           "runs": {"headers": comparison_headers(), "data": rows},
           "rows": rows}
