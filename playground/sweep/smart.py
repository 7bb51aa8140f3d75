"""Smart search: Optuna's TPE picks each run from the ones before, a pruner stops poor runs early, and any
number of workers share one study.

`SmartSweep(settings, smart)` checks everything before anything trains: the
space (sweep/space.py), the storage and the study (sweep/study.py).
`events(stop, processes=0)` runs the workers, `parallel` threads in this
process or `processes` worker processes (`python -m playground.sweep.worker`),
and yields what a grid sweep yields: each run's events tagged with its number
(threads only) and a `RunResultEvent` per run once it ends. Rows always come
from the study, so a run that another worker, on this machine or another,
trained appears as soon as it ends; `watch(stop)` does only that, for a study
that other workers fill. The budget in runs is the study's; the minutes are
this command's. The best run is chosen on validation accuracy among the runs
that finished (never a pruned one), the test set only reports.
"""

import queue
import threading
import time

import optuna

from playground import i18n
from playground import config as cfg
from playground.data import get_dataset
from playground.device import pick_device
from playground.errors import UserError
from playground.models.registry import compatible_architectures, get_architecture
from playground.sweep import study as studies
from playground.sweep.runner import Budget, RunEvent, RunResultEvent
from playground.sweep.smart_config import SmartConfig
from playground.sweep.space import SweepConfig, run_settings, search_space
from playground.sweep.trials import pruner, sampler, work
from playground.training.config import TrainConfig
from playground.training.events import EpochEvent

POLL_SECONDS = 0.5  # how often the study is read for runs other workers finished
optuna.logging.set_verbosity(optuna.logging.WARNING)  # our events say what happened; Optuna's log lines repeat it


class Flags:
    """Set when any of its flags is: the visitor's Stop and the sweep's own halt (its generator was closed)."""

    def __init__(self, *flags):
        self.flags = [f for f in flags if f is not None]

    def is_set(self) -> bool:
        return any(f.is_set() for f in self.flags)


class SmartSweep:
    def __init__(self, settings: dict | SweepConfig | None = None, smart: dict | SmartConfig | None = None, *,
                 watch: bool = False):
        """`watch=True`: `events()` only follows the study (other workers train it), as `watch()` does."""
        self.watching = watch
        smart = cfg.validate(smart) if isinstance(smart, SmartConfig) else cfg.build(SmartConfig, smart)
        given = cfg.to_dict(settings if isinstance(settings, SweepConfig) else cfg.build(SweepConfig, settings))
        given["search"] = "smart"
        if smart.join and not (smart.study and smart.storage):
            raise UserError(i18n.t("errors.sweep.join_needs"))
        self.url = studies.normalise_url(smart.storage)
        self.storage = studies.open_storage(self.url)
        if smart.join:
            name, stored = studies.prepare(self.storage, self.url, smart.study, {}, join=True)
            settings = {**stored, **{k: given[k] for k in studies.PER_WORKER}}
        else:
            settings = {**given, "pruner": smart.pruner}
            self._check(cfg.build(SweepConfig, {k: v for k, v in settings.items() if k != "pruner"}))
            name, stored = studies.prepare(self.storage, self.url, smart.study, settings, join=False)
        self.pruner = settings.pop("pruner", "median")
        self.config = cfg.build(SweepConfig, settings)
        self.space, self.base = self._check(self.config)
        self.study = optuna.load_study(study_name=name, storage=self.storage, sampler=sampler(self.config),
                                       pruner=pruner(self.pruner, self.config))
        self.rows: list[dict] = studies.rows(self.study)
        self.curves: dict[int, list[dict]] = studies.curves(self.study)
        self.status = "finished"
        self.summary: dict = {}

    @property
    def name(self) -> str:
        return self.study.study_name

    @property
    def title(self) -> str:
        """What the Sweep tab's status line calls this sweep."""
        c = self.config
        if self.watching:
            return i18n.t("sweep.title.watching", study=self.name, runs=c.max_runs, model=c.model, dataset=c.dataset)
        return i18n.t("sweep.title.smart", pruner=self.pruner, runs=c.max_runs, model=c.model, dataset=c.dataset)

    def _check(self, c: SweepConfig) -> tuple[dict, dict]:
        """(search space, the dataset's suggested settings); a combination that can't train is refused now."""
        pick_device(c.device)
        arch, dataset = get_architecture(c.model), get_dataset(c.dataset)
        if dataset.kind not in arch.kinds:
            raise UserError(i18n.t("errors.models.incompatible", arch=arch.title, kind=dataset.kind, dataset=c.dataset,
                                   fits=', '.join(compatible_architectures(dataset.kind))))
        if dataset.task != "classification":
            raise UserError(i18n.t("errors.sweep.smart_classification", dataset=c.dataset, task=dataset.task))
        space = search_space(c)
        base = dataset.suggested if dataset.suggested.get("model", c.model) == c.model else {}
        for pick in (0, -1):  # the lowest and the highest of every setting
            chosen = {n: (spec[pick + 1] if kind == "log" else spec[0][pick] if kind == "choice" else spec[0])
                      for n, (kind, *spec) in space.items()}
            model_settings, train_settings = run_settings(c, chosen, base)
            cfg.build(arch.config_class, model_settings)
            cfg.build(TrainConfig, train_settings)
        return space, base

    # running

    def events(self, stop: threading.Event | None = None, processes: int = 0):
        """Train with `parallel` threads here, or `processes` worker processes; yield as a grid sweep does."""
        if self.watching:
            yield from self.watch(stop)
            return
        halt = threading.Event()
        budget = Budget(Flags(stop, halt), self.config.max_minutes * 60)
        inbox: queue.Queue = queue.Queue()
        if processes:
            from playground.sweep.worker import start_workers

            workers = start_workers(self, processes)
        else:
            workers = [threading.Thread(target=self._thread, args=(budget, inbox), daemon=True)
                       for _ in range(self.config.parallel)]
            for thread in workers:
                thread.start()

        def running() -> bool:
            for worker in workers if processes else []:
                worker.check()  # a worker process that failed says why, and the others are stopped below
            return any(w.is_alive() for w in workers)

        try:
            yield from self._follow(inbox, running)
            running()
        finally:
            halt.set()
            if processes:
                from playground.sweep.worker import fail_lost_trials, stop_workers

                stop_workers(workers)
                fail_lost_trials(self.study, workers)
            for worker in workers if not processes else []:
                worker.join(timeout=60)
        self._close(stop, budget)

    def watch(self, stop: threading.Event | None = None):
        """Follow a study other workers fill: a `RunResultEvent` as each run ends, until the budget is spent."""
        budget = Budget(stop, self.config.max_minutes * 60)
        yield from self._follow(queue.Queue(), lambda: not budget.is_set() and not self._complete())
        self._close(stop, budget)

    def _thread(self, budget, inbox) -> None:
        try:
            work(self.study, self.config, self.space, self.base, budget,
                 emit=lambda run, event: inbox.put(("event", run, event)))
        except Exception as error:  # a bug in one worker must not hang the sweep
            inbox.put(("error", None, error))
        inbox.put(("told", None, None))

    def _follow(self, inbox, running):
        """Relay the local workers' events; read the study for every run that ended, until `running()` is false."""
        reported: set[int] = set()
        last_read = 0.0
        while True:
            alive = running()
            try:
                kind, run, item = inbox.get(timeout=POLL_SECONDS)
            except queue.Empty:
                kind = "poll"
            if kind == "error":
                raise item
            if kind == "event":
                if isinstance(item, EpochEvent):
                    self.curves.setdefault(run, []).append({"epoch": item.epoch, "val_accuracy": item.val_accuracy})
                yield RunEvent(run=run, inner=item)
            if time.monotonic() - last_read >= POLL_SECONDS or not alive:
                last_read = time.monotonic()
                yield from self._refresh(reported)
            if not alive and inbox.empty():
                return

    def _refresh(self, reported: set[int]):
        self.rows = studies.rows(self.study)
        self.curves = {**self.curves, **studies.curves(self.study)}
        for row in self.rows:
            if row["status"] in studies.FINAL and row["run"] not in reported:
                reported.add(row["run"])
                yield RunResultEvent(row)

    def _complete(self) -> bool:
        rows = studies.rows(self.study)
        return len(rows) >= self.config.max_runs and all(r["status"] in studies.FINAL for r in rows)

    def _close(self, stop, budget) -> None:
        from playground.sweep.importance import importances
        from playground.sweep.results import best_row

        self.rows = studies.rows(self.study)
        stopped = stop is not None and stop.is_set()
        self.status = "stopped" if stopped else "out of time" if budget.out_of_time() else "finished"
        started = [r for r in self.rows if r["status"] != "waiting"]
        pruned = [r for r in self.rows if r["status"] == "pruned"]
        asked = self.config.epochs * len(started)
        saved = sum(self.config.epochs - r["epochs_run"] for r in pruned)
        self.summary = {"event": "summary", "status": self.status, "model": self.config.model,
                        "dataset": self.config.dataset, "search": "smart", "pruner": self.pruner,
                        "study": self.name, "storage": studies.shown_url(self.url) if self.url else "memory",
                        "max_runs": self.config.max_runs, "runs_started": len(started), "pruned": len(pruned),
                        "epochs_asked": asked, "epochs_run": asked - saved,
                        "epochs_saved_share": round(saved / asked, 4) if asked else 0.0,
                        "runs": self.rows, "best": best_row(self.rows), "importances": importances(self.study),
                        "device": str(pick_device(self.config.device))}
