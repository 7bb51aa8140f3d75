"""GAN runs (and what VAE runs share) from names and settings: what the CLI and the tabs call.

Like the classifier's `Run`, a run checks every setting up front (a bad one
raises UserError before anything streams), builds the data and networks,
`events(stop)` trains, and afterwards it holds `history` and `summary`, can
sample, interpolate and draw, and `save()` writes the downloads (weights as
safetensors, config JSON, history CSV, PNG pictures).
"""

import copy
import csv
import json
import threading
from pathlib import Path

import numpy as np
import torch

from playground import i18n
from playground import config as cfg
from playground import randomness
from playground.device import pick_device
from playground.errors import UserError
from playground.generative import gan, gan_config
from playground.generative.events import GanEpochEvent
from playground.generative.images import image_grid, load_images, save_png
from playground.training.events import DoneEvent


def _settings(presets: dict, preset: str, settings: dict | None, config_class):
    if preset not in presets:
        raise UserError(i18n.t("errors.generative.unknown_preset", preset=preset, choices=', '.join(presets)))
    return cfg.build(config_class, {**presets[preset], **{k: v for k, v in (settings or {}).items()
                                                           if v is not None}})


def _write_history(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="") as handle:
        columns = [key for key in (rows[0] if rows else {}) if key != "event"]
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _save_weights(module: torch.nn.Module, path: Path) -> None:
    from safetensors.torch import save_file

    save_file({k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}, str(path))


def slerp(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """Points on the great circle from a to b (Gaussian noise lives near a sphere, not on the straight line)."""
    t = torch.linspace(0.0, 1.0, steps)[:, None]
    omega = torch.arccos(torch.clamp((a / a.norm()) @ (b / b.norm()), -1.0, 1.0))
    if omega.abs() < 1e-4:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


class _Base:
    kind = ""

    def _record(self, event, epoch_class, extra: dict):
        if isinstance(event, epoch_class):
            self.history.append(event.to_dict())
        if isinstance(event, DoneEvent):
            self.summary = {**event.to_dict(), "model": self.kind, "dataset": self.data.name, **extra}

    def settings(self) -> dict:
        return {"model": self.kind, "preset": self.preset, "dataset": self.data.name,
                "settings": cfg.to_dict(self.config), "classes": self.data.classes,
                "image_shape": [self.data.channels, self.data.size, self.data.size]}

    def _save_common(self, folder: Path) -> dict[str, Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"config": folder / "config.json", "history": folder / "history.csv"}
        paths["config"].write_text(json.dumps({**self.settings(), "summary": self.summary}, indent=2, default=str))
        _write_history(paths["history"], self.history)
        return paths


class GanRun(_Base):
    kind = "gan"

    def __init__(self, dataset_name: str, *, settings: dict | None = None, preset: str = "conditional"):
        self.preset = preset
        self.config = _settings(gan_config.PRESETS, preset, settings, gan_config.GANConfig)
        self.data = load_images(dataset_name)
        self.device = pick_device(self.config.device)
        self.random = randomness.generators(self.config.seed, self.device)  # the run's own: nothing global
        self.generator, self.discriminator = gan.build_networks(
            self.config, channels=self.data.channels, size=self.data.size, num_classes=self.data.num_classes)
        randomness.initialise(self.generator, self.random.weights)
        randomness.initialise(self.discriminator, self.random.weights)
        # with weight averaging on, samples and the saved generator come from the running average
        self.averaged = copy.deepcopy(self.generator) if self.config.ema > 0 else None
        self.history: list[dict] = []
        self.summary: dict = {}

    @property
    def sampler(self) -> torch.nn.Module:
        return self.averaged if self.averaged is not None else self.generator

    @property
    def parameters(self) -> dict:
        return {"generator": sum(p.numel() for p in self.generator.parameters()),
                "discriminator": sum(p.numel() for p in self.discriminator.parameters())}

    def events(self, stop: threading.Event | None = None):
        from playground.generative.gan_train import train_gan
        from playground.generative.judge import get_judge

        judge = get_judge(self.data.name)  # trained once per dataset (seconds), then cached
        for event in train_gan(self.generator, self.discriminator, self.data, self.config, self.device, judge, stop,
                               averaged=self.averaged, random=self.random):
            self._record(event, GanEpochEvent, {"preset": self.preset, "conditional": self.config.conditional,
                                                "parameters": self.parameters})
            yield event

    def _labels(self, label: int | None, count: int) -> torch.Tensor | None:
        if label is None:
            return None
        if not self.config.conditional:
            raise UserError(i18n.t("errors.generative.unconditional"))
        if not 0 <= int(label) < self.data.num_classes:
            raise UserError(i18n.t("errors.generative.class_range", high=self.data.num_classes - 1, label=label))
        return torch.full((count,), int(label), dtype=torch.long)

    def sample_images(self, seed: int = 0, count: int = 80, label: int | None = None) -> torch.Tensor:
        from playground.generative.gan_train import generate

        return generate(self.sampler, count, seed=int(seed), labels=self._labels(label, count), device=self.device)

    def sample(self, seed: int = 0, count: int = 80, label: int | None = None, columns: int = 10) -> np.ndarray:
        return image_grid(self.sample_images(seed, count, label), columns)

    def fixed_picture(self) -> np.ndarray:
        """The grid the training shows live: samples from its fixed noise, each class in turn when conditional."""
        from playground.generative.gan_train import FIXED_NOISE_SEED, GRID_COLUMNS, GRID_ROWS, generate

        device = next(self.sampler.parameters()).device  # still the CPU before training has moved it
        images = generate(self.sampler, GRID_COLUMNS * GRID_ROWS, seed=FIXED_NOISE_SEED, device=device)
        return image_grid(images, GRID_COLUMNS)

    def interpolate(self, seed_a: int, seed_b: int, steps: int = 10, label: int | None = None) -> np.ndarray:
        """A strip of images whose noise walks from seed_a's to seed_b's."""
        from playground.generative.gan_train import decode_noise

        if not 2 <= steps <= 32:
            raise UserError(i18n.t("errors.generative.steps_range", steps=steps))
        a, b = (torch.randn(self.config.latent_dim, generator=torch.Generator().manual_seed(int(s)))
                for s in (seed_a, seed_b))
        labels = self._labels(label, steps)
        if labels is None and self.config.conditional:
            labels = torch.zeros(steps, dtype=torch.long)
        return image_grid(decode_noise(self.sampler, slerp(a, b, steps), labels=labels, device=self.device), steps)

    def save(self, folder: Path) -> dict[str, Path]:
        paths = self._save_common(folder)
        paths["generator"], paths["discriminator"] = (Path(folder) / f"{n}.safetensors"
                                                      for n in ("generator", "discriminator"))
        _save_weights(self.sampler, paths["generator"])
        _save_weights(self.discriminator, paths["discriminator"])
        paths["samples"] = save_png(self.sample(seed=0), Path(folder) / "samples.png")
        return paths

