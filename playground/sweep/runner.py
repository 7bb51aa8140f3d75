"""A hyperparameter sweep: many ordinary training `Run`s, one after another or a few at once, within a budget.

`Sweep(settings)` checks every value up front and lists the configurations;
`events(stop)` trains them and yields each run's events tagged with its index
(`RunEvent`), a `RunResultEvent` with the run's row when it ends, and leaves
`rows` and `summary`. The budget caps the number of runs (the rest are never
started) and the total time (the run in progress is stopped, the rest skipped).
The best run is the one with the highest *validation* accuracy: the test set
is for reporting, never for choosing.
"""

import queue
import threading
import time
from dataclasses import dataclass

from playground import i18n
from playground import config as cfg
from playground.data import get_dataset
from playground.device import pick_device
from playground.errors import UserError
from playground.models.registry import compatible_architectures, get_architecture
from playground.sweep.space import SweepConfig, configurations, run_settings
from playground.training.config import TrainConfig
from playground.training.events import DoneEvent, EpochEvent, Event
from playground.training.run import Run


@dataclass
class RunEvent(Event):
    """One training event of run number `run` (1-based)."""

    run: int
    inner: Event

    @property
    def kind(self) -> str:
        return self.inner.kind

    def to_dict(self) -> dict:
        return {**self.inner.to_dict(), "run": self.run}


@dataclass
class RunResultEvent(Event):
    row: dict

    def to_dict(self) -> dict:
        return {"event": "run_result", **self.row}


class Budget:
    """A stop flag that is also set once the sweep's time is up; the trainer only calls `is_set()`."""

    def __init__(self, stop, max_seconds: float):
        self.stop, self.deadline = stop, time.monotonic() + max_seconds

    def user_stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def out_of_time(self) -> bool:
        return time.monotonic() >= self.deadline

    def is_set(self) -> bool:
        return self.user_stopped() or self.out_of_time()


class Sweep:
    def __init__(self, settings: dict | SweepConfig | None = None):
        self.config = cfg.validate(settings) if isinstance(settings, SweepConfig) else cfg.build(SweepConfig, settings)
        c = self.config
        pick_device(c.device)  # a missing GPU is refused now
        arch, dataset = get_architecture(c.model), get_dataset(c.dataset)
        if dataset.kind not in arch.kinds:
            raise UserError(i18n.t("errors.models.incompatible", arch=arch.title, kind=dataset.kind, dataset=c.dataset,
                                   fits=', '.join(compatible_architectures(dataset.kind))))
        suggested = dataset.suggested
        self.base = suggested if suggested.get("model", c.model) == c.model else {}
        self.all_configurations = configurations(c)
        self.configurations = self.all_configurations[:c.max_runs]
        for chosen in self.configurations:  # refuse a bad combination now, not halfway through
            model_settings, train_settings = run_settings(c, chosen, self.base)
            cfg.build(arch.config_class, model_settings)
            cfg.build(TrainConfig, train_settings)
        self.rows: list[dict] = [self.row(i, chosen, status="waiting") for i, chosen in enumerate(self.configurations)]
        self.curves: dict[int, list[dict]] = {}  # run -> epoch dicts
        self.status = "finished"
        self.summary: dict = {}

    @property
    def skipped_by_budget(self) -> int:
        return len(self.all_configurations) - len(self.configurations)

    def row(self, index: int, chosen: dict, **metrics) -> dict:
        return {"run": index + 1, **chosen, **{"status": None, "val_accuracy": None, "test_accuracy": None,
                                               "test_loss": None, "epochs_run": 0, "seconds": None}, **metrics}

    def make_run(self, index: int) -> Run:
        model_settings, train_settings = run_settings(self.config, self.configurations[index], self.base)
        return Run(self.config.model, self.config.dataset, model_settings=model_settings,
                   train_settings=train_settings)

    def finish_row(self, index: int, run: Run, done: DoneEvent, budget: Budget) -> dict:
        status = done.status
        if status == "stopped":
            status = "stopped" if budget.user_stopped() else "out of time"
        last = run.history[-1] if run.history else {}
        self.rows[index] = self.row(index, self.configurations[index], status=status,
                                    val_accuracy=last.get("val_accuracy"), val_loss=last.get("val_loss"),
                                    test_accuracy=done.metrics.get("test_accuracy"),
                                    test_loss=done.metrics.get("test_loss"), epochs_run=done.epochs_run,
                                    seconds=round(done.seconds, 2))
        return self.rows[index]

    def events(self, stop: threading.Event | None = None):
        budget = Budget(stop, self.config.max_minutes * 60)
        if self.config.parallel > 1:
            yield from self._parallel(budget)
        else:
            for index in range(len(self.configurations)):
                if budget.is_set():
                    break
                run = self.make_run(index)
                self.rows[index]["status"] = "running"
                for event in run.events(budget):
                    if isinstance(event, EpochEvent):
                        self.curves.setdefault(index + 1, []).append(event.to_dict())
                    yield RunEvent(run=index + 1, inner=event)
                    if isinstance(event, DoneEvent):
                        yield RunResultEvent(self.finish_row(index, run, event, budget))
        self._close(budget)

    def _parallel(self, budget: Budget):
        """Up to `parallel` runs in threads; their events come back through one queue, in arrival order."""
        events: queue.Queue = queue.Queue()
        pending = list(range(len(self.configurations)))
        active = 0
        runs: dict[int, Run] = {}

        def work(index: int, run: Run):
            try:
                for event in run.events(budget):
                    events.put((index, event))
            except Exception as error:  # a bug in one run must not hang the sweep
                events.put((index, error))
            events.put((index, None))

        while pending or active:
            while pending and active < self.config.parallel and not budget.is_set():
                index = pending.pop(0)
                runs[index] = self.make_run(index)  # each run owns its generators: parallel runs keep their seeds
                self.rows[index]["status"] = "running"
                threading.Thread(target=work, args=(index, runs[index]), daemon=True).start()
                active += 1
            if not active:
                break
            index, event = events.get()
            if event is None:
                active -= 1
            elif isinstance(event, Exception):
                raise event
            else:
                if isinstance(event, EpochEvent):
                    self.curves.setdefault(index + 1, []).append(event.to_dict())
                yield RunEvent(run=index + 1, inner=event)
                if isinstance(event, DoneEvent):
                    yield RunResultEvent(self.finish_row(index, runs[index], event, budget))

    def _close(self, budget: Budget) -> None:
        for row in self.rows:
            if row["status"] in ("waiting", "running"):
                row["status"] = "skipped (stopped)" if budget.user_stopped() else "skipped (out of time)"
        self.status = "stopped" if budget.user_stopped() else "out of time" if budget.out_of_time() else "finished"
        from playground.sweep.results import best_row

        best = best_row(self.rows)
        self.summary = {"event": "summary", "status": self.status, "model": self.config.model,
                        "dataset": self.config.dataset, "search": self.config.search,
                        "configurations": len(self.all_configurations),
                        "runs_started": sum(not r["status"].startswith("skipped") for r in self.rows),
                        "skipped_by_max_runs": self.skipped_by_budget, "runs": self.rows, "best": best,
                        "device": str(pick_device(self.config.device))}
