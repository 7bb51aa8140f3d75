"""What a training loop tells the world, as plain objects.

The UI draws them, the CLI prints them (one JSON object per line with
`--json`), the tests assert on them. Every event turns into a flat dict with
an `event` key naming its kind.
"""

from dataclasses import asdict, dataclass, field


@dataclass
class Event:
    def to_dict(self) -> dict:
        return {"event": self.kind, **asdict(self)}

    @property
    def kind(self) -> str:
        return type(self).__name__.removesuffix("Event").lower()


@dataclass
class StepEvent(Event):
    """A few times per epoch: the running training loss, for smooth curves."""

    epoch: int
    step: int
    total_steps: int
    train_loss: float
    position: float  # in epochs, fractional: 2.5 is halfway through epoch 3


@dataclass
class EpochEvent(Event):
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    lr: float
    seconds: float


@dataclass
class DoneEvent(Event):
    """The last event of every run: how it ended and the held-out test metrics of the model as it stands."""

    status: str  # finished | stopped | diverged
    message: str
    epochs_run: int
    seconds: float
    device: str
    metrics: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        flat = {k: v for k, v in asdict(self).items() if k != "metrics"}
        return {"event": "done", **flat, **self.metrics}
