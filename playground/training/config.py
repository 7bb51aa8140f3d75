"""How to train: optimizer, schedule, regularisation, seed and device, with bounds in one place.

Torch-free on purpose: the app builds its controls from these classes at start-up,
and importing torch there would slow every server start by seconds.
"""

from dataclasses import dataclass

from playground.config import param
from playground.device import DEVICE_CHOICES
from playground.precision import TRAIN_PRECISION_CHOICES

OPTIMIZERS = ("sgd", "adam", "adamw", "adagrad", "rmsprop")
SCHEDULES = ("none", "step", "cosine")
REGRESSION_LOSS_NAMES = ("mse", "mae")  # tasks.py maps each to its torch function


@dataclass
class TrainConfig:
    optimizer: str = param("adam", "How weights move: SGD (with momentum) is simple; Adam adapts each step size.",
                           choices=OPTIMIZERS)
    lr: float = param(0.01, "Learning rate: the size of each step. Too high diverges, too low crawls.",
                      low=1e-6, high=10.0, log=True, label="Learning rate")
    momentum: float = param(0.9, "SGD only: how much of the previous step carries over.", low=0.0, high=0.99,
                            step=0.01)
    batch_size: int = param(32, "Examples per weight update: small batches are noisy but update often.",
                            low=1, high=4096)
    epochs: int = param(20, "Passes over the training data.", low=1, high=500)
    weight_decay: float = param(0.0, "L2 penalty: pulls every weight towards zero a little each step.",
                                low=0.0, high=1.0, step=0.0001, label="Weight decay (L2)")
    l1: float = param(0.0, "L1 penalty on the weights: pushes unhelpful weights to exactly zero.",
                      low=0.0, high=1.0, step=0.0001, label="L1 penalty")
    schedule: str = param("none", "Learning-rate schedule: 'step' halves it every third of the run, 'cosine' "
                          "glides it to zero.", choices=SCHEDULES, label="LR schedule")
    warmup: float = param(0.0, "Learning-rate warm-up: over this many epochs at the start the rate climbs in a "
                          "straight line from almost zero to the one set, then the schedule above runs over the "
                          "rest. Transformers are usually trained with one: full-size first steps, taken before "
                          "Adam has measured the gradients, can be too big. A continued run doesn't warm up again.",
                          low=0.0, high=100.0, step=0.5, label="Warm-up epochs")
    seed: int = param(0, "Random seed: the same seed gives the same curves and the same final numbers.",
                      low=0, high=2**31 - 1)
    device: str = param("auto", "Where to train: 'auto' takes the GPU when there is one.", choices=DEVICE_CHOICES)
    precision: str = param("auto", "Number format of the matrix products: bfloat16 autocast trains image nets up "
                           "to about twice as fast where the CPU or GPU computes bf16 natively; auto uses it there "
                           "for images of 16x16 pixels or more (smaller ones, like the 8x8 digits, train faster in "
                           "float32), and float32 elsewhere.", choices=TRAIN_PRECISION_CHOICES,
                           label="Training precision")
    channels_last: bool = param(True, "Image nets only: keep images channels-last in memory, the layout fast "
                                "convolutions want (same results, less time).", label="Channels-last images")


@dataclass
class RegressionConfig:
    loss: str = param("mse", "Regression loss: mean squared error punishes big misses hard; mean absolute error "
                      "shrugs off outliers.", choices=REGRESSION_LOSS_NAMES, label="Regression loss")
