"""What a sweep tries: the settings, the values of each, grid, random or smart search, and the budget.

Values are comma-separated text ("0.001,0.01,0.1"), so the CLI, the UI and a
test all write them the same way; each value is checked against the bounds of
the field it sets (TrainConfig's learning rate, the model's dropout, ...), so a
sweep accepts exactly what a single training run accepts. Smart search
(sweep/smart.py) reads the same lists as a space to sample: the learning rate
log-uniform between the smallest and largest given, every other setting one
of its values.
"""

import itertools
import math
import random
from dataclasses import dataclass

from playground import i18n
from playground import config as cfg
from playground.config import param
from playground.errors import UserError
from playground.models.registry import ARCHITECTURES, get_architecture
from playground.training.config import OPTIMIZERS, TrainConfig

HIDDEN_FIELDS = ("width", "hidden_size", "dense", "dim")  # what "hidden size" means for each architecture's config
SWEPT = ("lr", "optimizer", "batch_size", "dropout", "hidden_size")


@dataclass
class SweepConfig:
    model: str = param("mlp", "The architecture every run trains.", choices=tuple(ARCHITECTURES))
    dataset: str = param("moons", "The dataset every run trains on (see `python -m playground datasets`).")
    lr: str = param("0.001,0.01,0.1", "Learning rates to try, comma-separated.", label="Learning rates")
    optimizer: str = param("adam", f"Optimizers to try, comma-separated ({', '.join(OPTIMIZERS)}).",
                           label="Optimizers")
    batch_size: str = param("", "Batch sizes to try, comma-separated (empty: the dataset's usual one).",
                            label="Batch sizes")
    dropout: str = param("", "Dropout rates to try, comma-separated (empty: the model's default).",
                         label="Dropout rates")
    hidden_size: str = param("", "Hidden sizes to try, comma-separated: the MLP's width, the RNN's hidden state, "
                             "the CNN's dense layer, the Transformer's model width (empty: the default).",
                             label="Hidden sizes")
    search: str = param("grid", "Grid tries every combination; random draws configurations (the learning rate "
                        "log-uniformly between the smallest and largest given); smart lets Optuna's TPE choose "
                        "each run from the ones before, stopping poor runs early (max runs is its budget).",
                        choices=("grid", "random", "smart"))
    samples: int = param(8, "Random search only: how many configurations to draw.", low=1, high=200)
    epochs: int = param(10, "Epochs for every run.", low=1, high=500, label="Epochs per run")
    max_runs: int = param(20, "Budget: at most this many runs.", low=1, high=500, label="Max runs")
    max_minutes: float = param(10.0, "Budget: stop the sweep after this many minutes in all.", low=0.05,
                               high=1440.0, label="Max minutes")
    parallel: int = param(1, "Runs trained at once (threads): more than 1 helps on a GPU or many CPU cores.",
                          low=1, high=8)
    seed: int = param(0, "Seed of every run (and of the random search's draws).", low=0, high=2**31 - 1)
    device: str = param("auto", "Where to train: 'auto' takes the GPU when there is one.",
                        choices=("auto", "cpu", "cuda", "mps"))


def hidden_field(model: str) -> str | None:
    names = {f.name for f in cfg.fields(get_architecture(model).config_class)}
    return next((name for name in HIDDEN_FIELDS if name in names), None)


def _field(config_class, name):
    return next(f for f in cfg.fields(config_class) if f.name == name)


def parse_values(text: str, field, what: str) -> list:
    """'0.001, 0.01' -> checked values for `field`; empty text -> []. `what` is a catalogue key naming them."""
    parts = [p.strip() for p in str(text or "").split(",") if p.strip()]
    values = [cfg.check_value(field, p) for p in parts]
    if len(values) > 50:
        raise UserError(i18n.t("errors.sweep.too_many_values", what=i18n.t(what), count=len(values)))
    return list(dict.fromkeys(values))


def value_lists(config: SweepConfig) -> dict[str, list]:
    """Setting -> values to try, only for the settings that were given (learning rate and optimizer always)."""
    arch = get_architecture(config.model)
    lists = {"lr": parse_values(config.lr, _field(TrainConfig, "lr"), "errors.sweep.what.lr"),
             "optimizer": parse_values(config.optimizer, _field(TrainConfig, "optimizer"),
                                        "errors.sweep.what.optimizer"),
             "batch_size": parse_values(config.batch_size, _field(TrainConfig, "batch_size"),
                                         "errors.sweep.what.batch_size")}
    if not lists["lr"]:
        raise UserError(i18n.t("errors.sweep.no_lr"))
    if not lists["optimizer"]:
        raise UserError(i18n.t("errors.sweep.no_optimizer", choices=', '.join(OPTIMIZERS)))
    if config.dropout.strip():
        lists["dropout"] = parse_values(config.dropout, _field(arch.config_class, "dropout"),
                                         "errors.sweep.what.dropout")
    if config.hidden_size.strip():
        name = hidden_field(config.model)
        if name is None:
            raise UserError(i18n.t("errors.sweep.no_hidden", arch=arch.title))
        lists["hidden_size"] = parse_values(config.hidden_size, _field(arch.config_class, name),
                                             "errors.sweep.what.hidden_size")
    return {k: v for k, v in lists.items() if v}


def grid(lists: dict[str, list]) -> list[dict]:
    names = list(lists)
    return [dict(zip(names, combo)) for combo in itertools.product(*(lists[n] for n in names))]


def random_configs(lists: dict[str, list], samples: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    low, high = min(lists["lr"]), max(lists["lr"])
    configs = []
    for _ in range(samples):
        chosen = {name: rng.choice(values) for name, values in lists.items()}
        if high > low:  # the classic advice: search the learning rate on a log scale
            chosen["lr"] = float(f"{math.exp(rng.uniform(math.log(low), math.log(high))):.3g}")
        configs.append(chosen)
    return configs


def search_space(config: SweepConfig) -> dict[str, tuple]:
    """What smart search samples: setting -> ("log", low, high) for a learning-rate range, ("choice", values)
    for a setting with several values, ("fixed", value) for one given once; refused when nothing varies."""
    space = {}
    for name, values in value_lists(config).items():
        if name == "lr" and len(values) > 1:
            space[name] = ("log", min(values), max(values))
        else:
            space[name] = ("choice", values) if len(values) > 1 else ("fixed", values[0])
    if all(kind == "fixed" for kind, *_ in space.values()):
        raise UserError(i18n.t("errors.sweep.smart_nothing"))
    return space


def configurations(config: SweepConfig) -> list[dict]:
    """Every configuration the search would try, before the budget (grid and random; smart chooses as it goes)."""
    if config.search == "smart":
        raise UserError(i18n.t("errors.sweep.smart_not_listed"))
    lists = value_lists(config)
    return grid(lists) if config.search == "grid" else random_configs(lists, config.samples, config.seed)


def run_settings(config: SweepConfig, chosen: dict, base: dict) -> tuple[dict, dict]:
    """(model settings, train settings) for one configuration, on top of the dataset's suggested `base`."""
    model_settings = dict(base.get("model_settings", {}))
    train_settings = {**base.get("train_settings", {}), "epochs": config.epochs, "seed": config.seed,
                      "device": config.device}
    for name, value in chosen.items():
        if name == "hidden_size":
            model_settings[hidden_field(config.model)] = value
        elif name == "dropout":
            model_settings["dropout"] = value
        else:
            train_settings[name] = value
    return model_settings, train_settings
