"""One smart-search worker: ask the study for a configuration, train it, report each epoch, stop it if pruned.

`work(...)` is the loop every worker runs, a thread of the app or the CLI
or a process on another machine: it asks Optuna for a trial, trains an
ordinary `Run` with the suggested settings, reports the validation accuracy
of every epoch (`trial.report`), stops the run when the pruner says so, and
tells the study how it ended. The budget in runs is the study's: a worker asks
for no trial once `max_runs` exist, whoever made them.
"""

import os
import socket
import threading

import optuna
from optuna.trial import TrialState

from playground.sweep.space import SweepConfig, run_settings
from playground.sweep.study import counted
from playground.training.events import DoneEvent, EpochEvent
from playground.training.run import Run


class TrialSeededTPE(optuna.samplers.TPESampler):
    """TPE whose random draws for trial n depend only on the seed and n: one worker repeats a sweep exactly,
    and two workers never draw alike (one seed each would repeat each other's first configurations)."""

    def __init__(self, *, seed: int, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.base_seed = seed

    def before_trial(self, study, trial) -> None:
        draw = (self.base_seed * 1_000_003 + trial.number) % 2**32
        self._rng.rng.seed(draw)  # optuna 5.0 keeps both generators here; pinned in requirements.txt
        self._random_sampler._rng.rng.seed(draw)
        super().before_trial(study, trial)


def sampler(config: SweepConfig) -> optuna.samplers.BaseSampler:
    # a quarter of the budget (2 to 10 runs) drawn at random before TPE models the good and the bad ones
    return TrialSeededTPE(seed=config.seed, n_startup_trials=min(10, max(2, config.max_runs // 4)))


def pruner(kind: str, config: SweepConfig) -> optuna.pruners.BasePruner:
    if kind == "median":  # judge from the second epoch on, once three runs have finished
        return optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=min(2, config.epochs))
    if kind == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    return optuna.pruners.NopPruner()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10_000}"


class RunFlag:
    """The trainer's stop flag for one run: the sweep's budget, or this run's pruning."""

    def __init__(self, budget):
        self.budget, self.pruned = budget, False

    def is_set(self) -> bool:
        return self.pruned or self.budget.is_set()


def suggest(trial, space: dict) -> dict:
    chosen = {}
    for name, (kind, *spec) in space.items():
        if kind == "log":
            chosen[name] = trial.suggest_float(name, spec[0], spec[1], log=True)
        elif kind == "choice":
            chosen[name] = trial.suggest_categorical(name, spec[0])
        else:
            chosen[name] = spec[0]
    return chosen


def work(study, config: SweepConfig, space: dict, base: dict, budget, emit=None) -> int:
    """Train trials until the study has `max_runs` or the budget stops us; returns how many this worker ran.
    `emit(run, event)` sees every training event (the app draws live curves from them)."""
    ran, name = 0, worker_name()
    while not budget.is_set() and len(counted(study.get_trials(deepcopy=False))) < config.max_runs:
        trial = study.ask()
        if trial.number >= config.max_runs:  # another worker took the last run a moment before us
            trial.set_user_attr("over_budget", True)
            study.tell(trial, state=TrialState.FAIL)
            break
        try:
            run_trial(study, trial, config, space, base, budget, emit, name)
        except BaseException:
            study.tell(trial, state=TrialState.FAIL)  # the trial must not wait for a worker that is gone
            raise
        ran += 1
    return ran


def run_trial(study, trial, config, space, base, budget, emit, name: str) -> None:
    chosen = suggest(trial, space)
    trial.set_user_attr("settings", chosen)
    trial.set_user_attr("worker", name)
    model_settings, train_settings = run_settings(config, chosen, base)
    run = Run(config.model, config.dataset, model_settings=model_settings, train_settings=train_settings)
    flag, pruned_at, done = RunFlag(budget), None, None
    for event in run.events(flag):
        if emit is not None:
            emit(trial.number + 1, event)
        if isinstance(event, EpochEvent):
            trial.report(event.val_accuracy, event.epoch)
            if event.epoch < config.epochs and trial.should_prune():
                flag.pruned, pruned_at = True, event.epoch
        elif isinstance(event, DoneEvent):
            done = event
    status = "pruned" if pruned_at else done.status
    if status == "stopped":
        status = "stopped" if budget.user_stopped() else "out of time"
    last = run.history[-1] if run.history else {}
    trial.set_user_attr("result", {
        "status": status, "pruned_at_epoch": pruned_at, "val_accuracy": last.get("val_accuracy"),
        "val_loss": last.get("val_loss"), "test_accuracy": done.metrics.get("test_accuracy"),
        "test_loss": done.metrics.get("test_loss"), "epochs_run": done.epochs_run, "seconds": round(done.seconds, 2)})
    if status == "finished":
        study.tell(trial, last["val_accuracy"])
    elif status == "pruned":
        study.tell(trial, state=TrialState.PRUNED)
    else:  # diverged, stopped, out of time: no score TPE should learn from
        study.tell(trial, state=TrialState.FAIL)
