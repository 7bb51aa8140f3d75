"""Events of the GAN and VAE loops, on top of the foundation's `Event`.

Each is a plain dataclass with `to_dict()`. Events that carry pictures or
points (samples, reconstructions, latent codes) keep them out of `to_dict()`,
so `--json` lines stay small; the UI reads the attributes directly.
"""

from dataclasses import dataclass, field

import numpy as np

from playground.training.events import Event


@dataclass
class GanStepEvent(Event):
    """A few times per epoch: running means since the last one."""

    epoch: int
    step: int
    total_steps: int
    g_loss: float
    d_loss: float
    d_real: float  # mean D(real): a probability for BCE, a raw score for hinge and WGAN-GP
    d_fake: float


@dataclass
class GanEpochEvent(Event):
    epoch: int
    epochs: int
    g_loss: float
    d_loss: float
    d_real: float
    d_fake: float
    seconds: float


@dataclass
class QualityEvent(Event):
    """The judge's verdict on 1,000 fresh samples."""

    epoch: int
    step: int
    sample_confidence: float
    class_coverage: int
    class_counts: list
    conditional_accuracy: float | None = None


@dataclass
class VaeStepEvent(Event):
    epoch: int
    step: int
    total_steps: int
    loss: float
    recon: float
    kl: float


@dataclass
class VaeEpochEvent(Event):
    epoch: int
    epochs: int
    train_loss: float
    train_recon: float
    train_kl: float
    val_loss: float
    val_recon: float
    val_kl: float
    seconds: float


@dataclass
class PictureEvent(Event):
    """A picture to show now: `name` says which (samples, reconstructions); `picture` is (H, W, 3) uint8."""

    name: str
    epoch: int
    step: int
    picture: np.ndarray = field(repr=False)

    def to_dict(self) -> dict:
        return {"event": self.kind, "name": self.name, "epoch": self.epoch, "step": self.step,
                "shape": list(self.picture.shape)}


@dataclass
class LatentEvent(Event):
    """Latent means of the test set, projected to 2-D when larger (`projected`), with their labels."""

    epoch: int
    points: np.ndarray = field(repr=False)  # (N, 2)
    labels: np.ndarray = field(repr=False)
    projected: bool = False

    def to_dict(self) -> dict:
        return {"event": self.kind, "epoch": self.epoch, "points": len(self.points), "projected": self.projected}
