"""A training run from names and settings: what the CLI and the Train tab both call.

`Run(...)` checks every setting up front (a bad one raises UserError before
anything streams), builds the data and the model, and `events()` trains.
Calling `events(epochs=n)` again continues from where the last call ended:
same optimizer state, same shuffling and dropout random streams, so 3 + 2
epochs land where 5 would have. Those streams are the run's own generators
(`playground.randomness`), never torch's global one, so the same seed gives
the same run whatever else the app is running. After it, the run holds the trained model, its
history (`history`: one row per epoch; `steps`: the running loss a few times
per epoch, for smooth curves) and summary, and `save()` writes the downloads: weights
(safetensors), config (JSON), history (CSV).
"""

import csv
import json
import threading
from pathlib import Path

from playground import i18n
from playground import config as cfg
from playground import randomness
from playground.data import load_dataset
from playground.device import pick_device
from playground.errors import UserError
from playground.models.registry import build_model, get_architecture
from playground.models.summary import layer_table, parameter_count
from playground.training import distributed
from playground.training.config import RegressionConfig, TrainConfig
from playground.training.events import DoneEvent, EpochEvent, StepEvent
from playground.training.tasks import make_task
from playground.training.trainer import Trainer

class Run:
    def __init__(self, model_name: str, dataset_name: str, *, model_settings: dict | None = None,
                 train_settings: dict | None = None, dataset_options: dict | None = None,
                 task_settings: dict | None = None):
        self.architecture = get_architecture(model_name)
        self.model_config = cfg.build(self.architecture.config_class, model_settings)
        self.train_config = cfg.build(TrainConfig, train_settings)
        self.dataset_options = dataset_options or {}
        self.splits = load_dataset(dataset_name, **self.dataset_options)
        self.task_settings = _task_settings(self.splits, task_settings)
        self.problem = make_task(self.splits, self.task_settings)  # what is learnt, and how it reads (tasks.py)
        self.device = distributed.local_device(pick_device(self.train_config.device))  # a GPU per process
        self.random = randomness.generators(self.train_config.seed, self.device)
        self.model = build_model(model_name, self.splits, self.model_config)
        randomness.initialise(self.model, self.random.weights)  # the same seed gives the same initial weights
        randomness.attach(self.model, self.random.dropout)  # and the same dropout masks
        self.history: list[dict] = []  # EpochEvent dicts, over every call of events()
        self.steps: list[dict] = []  # StepEvent dicts: the running training loss within epochs
        self.summary: dict = {}
        self.trainer: Trainer | None = None
        self.segments: list[int] = []  # whole epochs trained by each call of events() (for the exported script)

    @property
    def task(self) -> str:
        return self.splits.task

    @property
    def parameters(self) -> int:
        return parameter_count(self.model)

    @property
    def epochs_run(self) -> int:
        return self.trainer.epoch if self.trainer else 0

    def layers(self) -> list[dict]:
        return layer_table(self.model, self.splits.input_shape)

    def events(self, stop: threading.Event | None = None, epochs: int | None = None):
        """Train (the configured epochs, or `epochs` more), yielding each event; `history` and `summary` follow."""
        if self.trainer is None:
            self.trainer = Trainer(self.model, self.splits, self.train_config, self.device, task=self.problem,
                                   shuffle=self.random.shuffle)
        epochs_before = self.trainer.epoch
        try:
            for event in self.trainer.run(epochs, stop):
                if isinstance(event, StepEvent):
                    self.steps.append(event.to_dict())
                elif isinstance(event, EpochEvent):
                    self.history.append(event.to_dict())
                if isinstance(event, DoneEvent):
                    self.summary = {**event.to_dict(), "model": self.architecture.name, "dataset": self.splits.name,
                                    "task": self.task, "parameters": self.parameters}
                yield event
        finally:
            if self.trainer.epoch > epochs_before:
                self.segments.append(self.trainer.epoch - epochs_before)

    def settings(self) -> dict:
        return {"model": self.architecture.name, "dataset": self.splits.name, "task": self.task,
                "dataset_options": self.dataset_options, "model_settings": cfg.to_dict(self.model_config),
                "train_settings": cfg.to_dict(self.train_config), "task_settings": self.task_settings,
                "classes": self.splits.classes, "input_shape": list(self.splits.input_shape),
                "epochs_run": self.epochs_run, "segments": self.segments}

    def save(self, folder: Path) -> dict[str, Path]:
        """Write weights.safetensors, config.json and history.csv into `folder`."""
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"weights": folder / "weights.safetensors", "config": folder / "config.json",
                 "history": folder / "history.csv"}
        state = {k: v.detach().cpu().contiguous() for k, v in self.model.state_dict().items()}
        save_file(state, str(paths["weights"]))
        paths["config"].write_text(json.dumps({**self.settings(), "summary": self.summary}, indent=2, default=str))
        with open(paths["history"], "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.problem.history_columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.history)
        return paths


def _task_settings(splits, settings: dict | None) -> dict:
    """Regression settings, checked; refused with a sentence on a classification dataset."""
    settings = {k: v for k, v in (settings or {}).items() if v is not None}
    if splits.task != "regression":
        if settings:
            raise UserError(i18n.t("errors.training.regression_on_classes", name=splits.name))
        return {}
    return cfg.to_dict(cfg.build(RegressionConfig, settings))


def load_weights(run: Run, weights_path: Path) -> None:
    """Load saved weights into a run built with the same settings (safetensors, never pickle)."""
    from safetensors.torch import load_file

    run.model.load_state_dict(load_file(str(weights_path)))
