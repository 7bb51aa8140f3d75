"""What the Train tab draws: curves, the data plot at an epoch, the status line and the results once a run ends.

Every difference between classification and regression is asked of the run's
task object (`run.problem`, training/tasks.py): its score, its headline, its
picture of 2-D data and its final plots. The live functions here draw from
plain values (the history, a snapshot's arrays or weights: train_plane.py),
never from the training model, so the handler can call them while the worker
trains; only `final_outputs` reads the model, once training has ended.
"""

import gradio as gr
import pandas as pd

from playground import i18n
from playground.plots import curves


def is_two_d(splits) -> bool:
    return splits.kind == "tabular" and splits.input_shape == (2,)


def preview(splits):
    from playground.training.tasks import TASKS

    return TASKS[splits.task].preview(splits)


def training_curves(run, history: list[dict], steps: list[dict], upto: int | None = None):
    """Loss and score per epoch (and the running loss within epochs), up to epoch `upto` if given."""
    if upto is not None:
        history = [h for h in history if h["epoch"] <= upto]
        steps = [s for s in steps if s["position"] <= upto]
    return curves.training_curves(history, steps, score=run.problem.score)


def score_text(run, history: list[dict], upto: int | None = None, until_stop: bool = False,
               steps: list[dict] | None = None) -> str:
    """'epoch 3/20 · validation accuracy 0.950' for the last epoch (or epoch `upto`); within the first epoch,
    its running training loss."""
    rows = [h for h in history if upto is None or h["epoch"] <= upto]
    if not rows:
        if upto is None and steps:
            return i18n.t("train.score.first_steps", step=steps[-1]["step"], steps=steps[-1]["total_steps"],
                          loss=f"{steps[-1]['train_loss']:.3f}")
        return i18n.t("train.score.before") if upto == 0 else i18n.t("train.score.first_epoch")
    last, problem = rows[-1], run.problem
    of = i18n.t("train.score.until_stop") if until_stop else f"/{last['epochs']}"
    score = i18n.t_or(f"train.score.name.{problem.score}", problem.score_name)
    return i18n.t("train.score.epoch", epoch=last["epoch"], of=of, score=score,
                  value=f"{last['val_' + problem.score]:.3f}")


def plane_at(run, snapshots, epoch: int | None = None):
    """The data plot (2-D data only) recorded nearest to `epoch` (the newest when None), or None."""
    from playground.ui import train_plane

    found = snapshots.at(epoch if epoch is not None else max(snapshots.epochs(), default=0)) if snapshots else None
    plane = train_plane.plane(run, found[1]) if found is not None else None
    if plane is None:
        return None
    recorded = found[0]
    name = i18n.t_or(f"train.plane.{run.task}", run.problem.plane_name)
    title = i18n.t("train.plane.before", name=name) if recorded == 0 else \
        i18n.t("train.plane.after", name=name, epoch=recorded)
    return run.problem.draw_plane(plane, run.splits, title=title)


def headline(run) -> str:
    return run.problem.headline(run.summary)


def final_outputs(run) -> dict:
    """{'metrics', 'second', 'mistakes'} updates once the run has ended (reads the trained model)."""
    plots = run.problem.final_plots(run.model, run.splits, run.summary)
    label, second = plots["second"]
    mistakes = plots["mistakes"]
    table = pd.DataFrame(plots["metrics"], columns=[i18n.t("train.metrics.metric"), i18n.t("train.metrics.value")])
    return {"metrics": gr.update(value=table, visible=True),
            "second": gr.update(value=second, visible=True, label=i18n.t_or(f"train.second.{run.task}", label)),
            "mistakes": gr.update(value=mistakes, visible=mistakes is not None)}
