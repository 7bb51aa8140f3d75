"""A training run from names and settings: what the CLI and the Train tab both call.

`Run(...)` checks every setting up front (a bad one raises UserError before
anything streams), builds the data and the model, and `events()` trains. After
it, the run holds the trained model, its history and summary, and `save()`
writes the downloads: weights (safetensors), config (JSON), history (CSV).
"""

import csv
import json
import threading
from pathlib import Path

import torch

from playground import config as cfg
from playground.data import load_dataset
from playground.device import pick_device
from playground.models.registry import build_model, get_architecture
from playground.models.summary import layer_table, parameter_count
from playground.training.config import TrainConfig
from playground.training.events import DoneEvent, EpochEvent
from playground.training.trainer import train


class Run:
    def __init__(self, model_name: str, dataset_name: str, *, model_settings: dict | None = None,
                 train_settings: dict | None = None, dataset_options: dict | None = None):
        self.architecture = get_architecture(model_name)
        self.model_config = cfg.build(self.architecture.config_class, model_settings)
        self.train_config = cfg.build(TrainConfig, train_settings)
        self.dataset_options = dataset_options or {}
        self.splits = load_dataset(dataset_name, **self.dataset_options)
        self.device = pick_device(self.train_config.device)
        torch.manual_seed(self.train_config.seed)  # the same seed gives the same initial weights
        self.model = build_model(model_name, self.splits, self.model_config)
        self.history: list[dict] = []
        self.summary: dict = {}

    @property
    def parameters(self) -> int:
        return parameter_count(self.model)

    def layers(self) -> list[dict]:
        return layer_table(self.model, self.splits.input_shape)

    def events(self, stop: threading.Event | None = None):
        """Train, yielding each event; epoch metrics land in `history`, the final ones in `summary`."""
        torch.manual_seed(self.train_config.seed)  # dropout masks repeat too
        for event in train(self.model, self.splits, self.train_config, self.device, stop):
            if isinstance(event, EpochEvent):
                self.history.append(event.to_dict())
            if isinstance(event, DoneEvent):
                self.summary = {**event.to_dict(), "model": self.architecture.name, "dataset": self.splits.name,
                                "parameters": self.parameters}
            yield event

    def settings(self) -> dict:
        return {"model": self.architecture.name, "dataset": self.splits.name,
                "dataset_options": self.dataset_options, "model_settings": cfg.to_dict(self.model_config),
                "train_settings": cfg.to_dict(self.train_config), "classes": self.splits.classes,
                "input_shape": list(self.splits.input_shape)}

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
            columns = ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "seconds"]
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(self.history)
        return paths


def load_weights(run: Run, weights_path: Path) -> None:
    """Load saved weights into a run built with the same settings (safetensors, never pickle)."""
    from safetensors.torch import load_file

    run.model.load_state_dict(load_file(str(weights_path)))
