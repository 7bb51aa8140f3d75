"""Where a smart sweep's trials live: an Optuna study in memory, in a SQLite file or in PostgreSQL.

A study holds the sweep's settings (a user attribute), so a worker on another
machine joins with only the storage URL and the study's name, and a watcher
can draw the runs without being told what was swept. Each trial keeps the
configuration it trained and, once it ends, its result (status, validation
and test scores, epochs run); its per-epoch validation accuracies are the
trial's intermediate values. `rows(study)` turns all of that back into the
same rows a grid sweep has, whichever worker ran each trial.
"""

import time

import optuna
from optuna.trial import TrialState

from playground import i18n
from playground.errors import UserError, shorten

SETTINGS = "playground_sweep"  # the study's user attribute with the sweep's settings
PER_WORKER = ("device", "parallel", "max_minutes")  # settings each worker may choose for itself
STATES = {TrialState.RUNNING: "running", TrialState.WAITING: "waiting", TrialState.COMPLETE: "finished",
          TrialState.PRUNED: "pruned", TrialState.FAIL: "failed"}
FINAL = ("finished", "pruned", "diverged", "stopped", "out of time", "failed", "lost")


def normalise_url(url: str) -> str:
    """PostgreSQL through psycopg 3 (the driver we install), whichever spelling the host used."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def shown_url(url: str) -> str:
    """The URL as a message may quote it: the password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return shorten(url, 60)


def open_storage(url: str):
    """An Optuna storage for `url` ('' is in memory); an unreachable or unknown one is refused in one sentence."""
    if not url:
        return optuna.storages.InMemoryStorage()
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    url = normalise_url(url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("sqlite", "postgresql"):
        raise UserError(i18n.t("errors.study.bad_url", url=shorten(url, 60)))
    # a locked SQLite file waits (workers write at once); an unreachable PostgreSQL host fails in seconds
    connect = {"timeout": 60} if backend == "sqlite" else {"connect_timeout": 10}
    try:
        return optuna.storages.RDBStorage(url, engine_kwargs={"connect_args": connect, "pool_pre_ping": True})
    except Exception as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0].rstrip(".")
        raise UserError(i18n.t("errors.study.unreachable", url=shown_url(url), reason=shorten(reason, 120))) from None


def comparable(settings: dict) -> dict:
    return {k: v for k, v in settings.items() if k not in PER_WORKER}


def prepare(storage, url: str, name: str, settings: dict, *, join: bool) -> tuple[str, dict]:
    """(study name, the study's settings): create the study, or join it when it exists with the same settings;
    with `join`, only an existing one is taken, and its own settings win."""
    if join:
        try:
            study_id = storage.get_study_id_from_name(name)
        except KeyError:
            names = optuna.get_all_study_names(storage)
            there = (i18n.t("errors.study.its_studies", names=', '.join(names)) if names
                     else i18n.t("errors.study.no_studies"))
            raise UserError(i18n.t("errors.study.missing", name=shorten(name, 60), url=shown_url(url),
                                   there=there)) from None
        return name, _stored_settings(storage, study_id, name)
    try:
        study_id = storage.create_new_study([optuna.study.StudyDirection.MAXIMIZE], name or None)
        storage.set_study_user_attr(study_id, SETTINGS, settings)
        return storage.get_study_name_from_id(study_id), settings
    except optuna.exceptions.DuplicatedStudyError:
        study_id = storage.get_study_id_from_name(name)
    stored = _stored_settings(storage, study_id, name)
    if comparable(stored) != comparable(settings):
        differ = sorted(k for k in comparable(settings) if stored.get(k) != settings[k])
        raise UserError(i18n.t("errors.study.other_settings", name=shorten(name, 60), differ=', '.join(differ)))
    return name, stored


def _stored_settings(storage, study_id: int, name: str) -> dict:
    for _ in range(20):  # a worker that created the study a moment ago may not have written its settings yet
        stored = storage.get_study_user_attrs(study_id).get(SETTINGS)
        if stored is not None:
            return stored
        time.sleep(0.25)
    raise UserError(i18n.t("errors.study.not_ours", name=shorten(name, 60)))


# rows


def counted(trials) -> list:
    """The trials that are runs: a trial opened after the budget was spent (two workers asking at once) is not."""
    return [t for t in trials if not t.user_attrs.get("over_budget")]


def row(trial) -> dict:
    """A trial as a sweep row: run number, settings, status, scores; `state` reads 'pruned at epoch 3'."""
    result = trial.user_attrs.get("result", {})
    status = result.get("status") or STATES.get(trial.state, trial.state.name.lower())
    curve = sorted(trial.intermediate_values.items())
    pruned_at = result.get("pruned_at_epoch")
    return {"run": trial.number + 1, **trial.user_attrs.get("settings", trial.params), "status": status,
            "state": f"pruned at epoch {pruned_at}" if pruned_at else status,
            "val_accuracy": result.get("val_accuracy", curve[-1][1] if curve else None),
            "val_loss": result.get("val_loss"), "test_accuracy": result.get("test_accuracy"),
            "test_loss": result.get("test_loss"), "epochs_run": result.get("epochs_run", len(curve)),
            "pruned_at_epoch": pruned_at, "seconds": result.get("seconds"), "worker": trial.user_attrs.get("worker")}


def rows(study) -> list[dict]:
    return [row(t) for t in counted(study.get_trials(deepcopy=False))]


def curves(study) -> dict[int, list[dict]]:
    """Run -> the validation accuracy of each epoch so far (as a grid sweep's curves)."""
    return {t.number + 1: [{"epoch": step, "val_accuracy": value} for step, value in
                           sorted(t.intermediate_values.items())]
            for t in counted(study.get_trials(deepcopy=False)) if t.intermediate_values}
