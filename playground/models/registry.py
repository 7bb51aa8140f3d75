"""The architecture registry: name -> config class, builder and the data kinds it fits.

The trainer never looks at a model's name; the UI and CLI ask this registry
which architectures fit a dataset and which settings each one has, and which
training settings it wants (`suggested_train`: a Transformer wants a smaller
learning rate). A dataset's own suggestion for the model, and any flag or
share link, win over it.
"""

import importlib
from dataclasses import dataclass, field

from playground import i18n
from playground import config as cfg
from playground.errors import UserError
from playground.models.configs import CNNConfig, MLPConfig, RNNConfig, TransformerConfig


@dataclass(frozen=True)
class Architecture:
    name: str
    title: str
    config_class: type
    module_path: str  # "package.module:Class", imported only when a network is built (torch is slow to import)
    kinds: tuple[str, ...]
    description: str
    suggested_train: dict = field(default_factory=dict)  # training settings it trains well with, e.g. {"lr": 0.001}

    @property
    def module_class(self) -> type:
        module, name = self.module_path.split(":")
        return getattr(importlib.import_module(module), name)


ARCHITECTURES = {
    "mlp": Architecture("mlp", "MLP", MLPConfig, "playground.models.mlp:MLP", ("tabular", "image", "sequence"),
                        "Fully connected layers; images and sequences are flattened."),
    "cnn": Architecture("cnn", "CNN", CNNConfig, "playground.models.cnn:CNN", ("image",),
                        "Convolutions that slide small filters over the image."),
    "rnn": Architecture("rnn", "RNN / LSTM / GRU", RNNConfig, "playground.models.rnn:RNNClassifier", ("sequence",),
                        "Reads a sequence one step at a time, carrying a hidden state."),
    "transformer": Architecture("transformer", "Transformer", TransformerConfig,
                                "playground.models.transformer:Transformer", ("sequence", "image"),
                                "Self-attention: every token (a time step, or an image patch, ViT-style) looks at "
                                "all the others and learns where to look; open *Inside the network* to watch it. It wants a "
                                "smaller learning rate than the others: 0.001 (digits_rows, 20 epochs: 0.99 test "
                                "accuracy at 0.001, 0.91 at 0.01).", suggested_train={"lr": 0.001}),
}


def get_architecture(name: str) -> Architecture:
    if name not in ARCHITECTURES:
        raise UserError(i18n.t("errors.models.unknown", name=name, choices=', '.join(ARCHITECTURES)))
    return ARCHITECTURES[name]


def compatible_architectures(kind: str) -> list[str]:
    return [name for name, arch in ARCHITECTURES.items() if kind in arch.kinds]


def build_model(name: str, splits, model_config=None):
    """Build architecture `name` for the dataset `splits`; refuses a pairing that doesn't fit."""
    arch = get_architecture(name)
    if splits.kind not in arch.kinds:
        fits = ", ".join(compatible_architectures(splits.kind))
        raise UserError(i18n.t("errors.models.incompatible", arch=arch.title, kind=splits.kind, dataset=splits.name,
                               fits=fits))
    model_config = cfg.validate(model_config if model_config is not None else arch.config_class())
    return arch.module_class(input_shape=splits.input_shape, num_classes=splits.num_classes, config=model_config)
