"""A class's task: one bundled dataset, the architectures allowed and the settings locked, and how runs score on it.

Checked once when the teacher creates the class (`make`: every name against
the Train tab's own registries, every locked value through the same
validation the Train tab uses), then against each run a student finishes
(`refusal`: the sentence saying why a run does not count, or None). A run
counts when it is a Train run on the class's dataset with the dataset's
options as the class has them (a moons run with the noise turned to 0 would
be an easier task), an allowed architecture and every locked setting as
locked; a locked epoch count is also a ceiling on epochs trained with
"continue".

The score is the run's held-out *test* score in the dataset's task's own
terms (training/tasks.py): test accuracy for classification, test R² for
regression (1 is perfect, 0 no better than the mean; higher is better in
both, so one board sorts both). The validation curve of the same score is
what the board overlays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from playground import config as cfg, i18n
from playground.data import DATASETS
from playground.data.registry import _check_option
from playground.errors import UserError, shown
from playground.models.registry import ARCHITECTURES, compatible_architectures
from playground.training.config import TrainConfig

TRAIN_FIELDS = {f.name: f for f in cfg.fields(TrainConfig)}
SCORES = {"classification": ("accuracy", "accuracy"), "regression": ("r2", "R²")}  # = tasks.TASKS' score, score_name
# (tasks.py imports torch; tests/test_classroom_task.py checks the two agree)


@dataclass(frozen=True)
class Task:
    dataset: str
    architectures: tuple[str, ...]
    locked: dict = field(default_factory=dict)  # a TrainConfig field or a dataset option -> its value

    @property
    def score(self) -> str:
        """The history's column suffix: 'accuracy' or 'r2'."""
        return SCORES[DATASETS[self.dataset].task][0]

    @property
    def score_name(self) -> str:
        """How the score reads on the board, in the visitor's language: 'test accuracy', 'test R²'."""
        return i18n.t(f"classroom.score.{self.score}")

    def options(self) -> dict:
        """The dataset options every run must have: the dataset's defaults, with any the teacher locked."""
        defaults = DATASETS[self.dataset].options
        return {**defaults, **{k: v for k, v in self.locked.items() if k in defaults}}


def make(dataset, architectures=(), locked=None) -> Task:
    """The checked task, or a UserError sentence naming what is wrong."""
    if dataset not in DATASETS:
        raise UserError(i18n.t("classroom.error.dataset", names=", ".join(DATASETS), got=shown(dataset)))
    data = DATASETS[dataset]
    fits = compatible_architectures(data.kind)
    chosen = [str(a) for a in (architectures or ())]
    wrong = [a for a in chosen if a not in fits]
    if wrong:
        raise UserError(i18n.t("classroom.error.architectures", wrong=", ".join(map(shown, wrong)), kind=data.kind,
                               dataset=dataset, fits=", ".join(fits)))
    locked = dict(locked or {})
    checked = {}
    for name, value in locked.items():
        if name in TRAIN_FIELDS:
            checked[name] = cfg.check_value(TRAIN_FIELDS[name], value)
        elif name in data.options:
            checked[name] = _check_option(dataset, name, data.options[name], value)
        else:
            known = sorted(TRAIN_FIELDS) + sorted(data.options)
            raise UserError(i18n.t("classroom.error.locked", name=shown(name), known=", ".join(known)))
    return Task(dataset, tuple(dict.fromkeys(chosen)) or tuple(fits), checked)


def _differs(wanted, got) -> bool:
    if isinstance(wanted, float) or isinstance(got, float):
        try:
            return not math.isclose(float(wanted), float(got), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return True
    return wanted != got


def score_of(task: Task, record: dict) -> float | None:
    value = (record.get("metrics") or {}).get(f"test_{task.score}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def refusal(task: Task, record: dict) -> str | None:
    """Why this finished run does not count for the class (one sentence), or None when it does."""
    settings = record.get("settings") or {}
    if record.get("kind") != "train":
        return i18n.t("classroom.refusal.kind")
    if settings.get("dataset") != task.dataset:
        return i18n.t("classroom.refusal.dataset", wanted=task.dataset, got=settings.get("dataset"))
    if settings.get("model") not in task.architectures:
        allowed = ", ".join(ARCHITECTURES[a].title for a in task.architectures)
        return i18n.t("classroom.refusal.model", allowed=allowed, got=settings.get("model"))
    options = {**DATASETS[task.dataset].options, **(settings.get("dataset_options") or {})}
    for name, wanted in task.options().items():
        if _differs(wanted, options.get(name)):
            return i18n.t("classroom.refusal.option", name=name, wanted=wanted, got=options.get(name))
    trained = settings.get("train_settings") or {}
    for name, wanted in task.locked.items():
        if name in TRAIN_FIELDS and _differs(wanted, trained.get(name)):
            return i18n.t("classroom.refusal.locked", name=cfg.label_of(TRAIN_FIELDS[name]), wanted=wanted,
                          got=trained.get(name))
    if "epochs" in task.locked and (settings.get("epochs_run") or 0) > task.locked["epochs"]:
        return i18n.t("classroom.refusal.continued", wanted=task.locked["epochs"], got=settings.get("epochs_run"))
    if score_of(task, record) is None:
        return i18n.t("classroom.refusal.no_score", score_name=task.score_name)
    return None
