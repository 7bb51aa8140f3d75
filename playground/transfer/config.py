"""Everything a transfer experiment can be told, with its bounds: the CLI flags and the Transfer tab read this.

The defaults were chosen by the study in benchmarks/transfer_study.py, with one
learning rate for every strategy so scratch gets the same tuning as the rest.
Torch-free, strategies' descriptions included, so the app can build the tab
without loading torch; the networks that carry a strategy out live in strategies.py.
"""

from dataclasses import dataclass

from playground import i18n
from playground.config import param
from playground.device import DEVICE_CHOICES
from playground.errors import UserError, shown
from playground.transfer.tasks import TASKS


@dataclass(frozen=True)
class Strategy:
    name: str
    title: str
    description: str
    pretrained: bool
    freeze: bool = False
    low_lr: bool = False


STRATEGIES = {
    "scratch": Strategy("scratch", "From scratch", "Random initial weights; everything learns from the K examples.",
                        pretrained=False),
    "frozen": Strategy("frozen", "Frozen features + new head", "Pretrained backbone kept fixed; only a new "
                       "output layer learns.", pretrained=True, freeze=True),
    "finetune": Strategy("finetune", "Full fine-tuning", "Pretrained backbone and a new head; everything "
                         "learns at the same rate.", pretrained=True),
    "finetune_low_lr": Strategy("finetune_low_lr", "Fine-tuning, slower backbone", "Pretrained backbone learns "
                                "at a fraction of the head's rate.", pretrained=True, low_lr=True),
}
STRATEGY_NAMES = tuple(STRATEGIES)


@dataclass
class TransferConfig:
    source: str = param("shapes_a", "The task the network is pretrained on (ignored with a Hugging Face backbone).",
                        choices=tuple(TASKS))
    target: str = param("shapes_b", f"The new task, learnt from only a few labelled examples. Tasks: "
                        f"{', '.join(TASKS)}.", choices=tuple(TASKS))
    shots: int = param(5, "Labelled training examples per class of the target task (K).", low=1, high=100,
                       label="Shots per class (K)")
    epochs: int = param(40, "Passes over the K-shot training set; every strategy gets the same number.",
                        low=1, high=500, label="Target epochs")
    pretrain_epochs: int = param(8, "Passes over the source task when pretraining the network.", low=1, high=100)
    lr: float = param(0.003, "Learning rate of every strategy (the head's, for the low-rate fine-tuning).",
                      low=1e-6, high=1.0, log=True, label="Learning rate")
    backbone_lr_scale: float = param(0.1, "Fine-tuning with a lower rate: the backbone learns at this fraction of "
                                     "the learning rate.", low=0.0, high=1.0, step=0.01, label="Backbone LR factor")
    batch_size: int = param(32, "Examples per weight update.", low=1, high=1024)
    strategies: str = param(",".join(STRATEGY_NAMES), "Which strategies to compare, comma-separated.")
    backbone: str = param("", "Optional: a Hugging Face image model id (microsoft/resnet-18) or local folder to use "
                          "as the pretrained backbone instead of the small CNN.", label="Pretrained backbone")
    image_size: int = param(0, "Hugging Face backbone only: resize images to this size (0: the model's own).",
                            low=0, high=512)
    seed: int = param(0, "Seed for the K-shot draw, the initial weights and the batch order.", low=0, high=2**31 - 1)
    device: str = param("auto", "Where to train: 'auto' takes the GPU when there is one.", choices=DEVICE_CHOICES)

    def strategy_list(self) -> list[str]:
        names = [s.strip() for s in self.strategies.split(",") if s.strip()]
        unknown = [s for s in names if s not in STRATEGY_NAMES]
        if unknown or not names:
            raise UserError(i18n.t("errors.transfer.strategies", choices=', '.join(STRATEGY_NAMES),
                                   value=self.strategies))
        return list(dict.fromkeys(names))


def parse_shots(text: str, *, low: int = 1, high: int = 100) -> list[int]:
    """'1, 5, 20' -> [1, 5, 20], refusing anything that is not a whole number in range."""
    try:
        values = [int(v) for v in str(text).replace(" ", "").split(",") if v]
    except ValueError:
        raise UserError(i18n.t("errors.transfer.shots_not_whole", value=shown(text))) from None
    if not values or not all(low <= v <= high for v in values):
        raise UserError(i18n.t("errors.transfer.shots_range", low=low, high=high, value=shown(text)))
    return sorted(set(values))
