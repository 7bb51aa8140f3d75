"""The settings of each architecture, kept apart from the torch modules.

The UI and the CLI need these (defaults, bounds, tooltips) long before any
network is built, and they load without importing torch, so the app starts fast.
"""

from dataclasses import dataclass

from playground import i18n
from playground.config import param
from playground.errors import UserError

ACTIVATION_NAMES = ("relu", "tanh", "sigmoid", "gelu")
CELL_NAMES = ("rnn", "lstm", "gru")
POSITION_NAMES = ("learned", "sinusoidal")
READOUT_NAMES = ("cls", "mean")
NORM_NAMES = ("pre", "post")


@dataclass
class MLPConfig:
    hidden_layers: int = param(2, "How many hidden layers: more layers can bend the boundary more.", low=0, high=8)
    width: int = param(64, "Neurons in each hidden layer.", low=1, high=1024)
    activation: str = param("relu", "The non-linearity after each hidden layer.", choices=ACTIVATION_NAMES)
    dropout: float = param(0.0, "Fraction of neurons switched off at random while training (fights overfitting).",
                           low=0.0, high=0.9, step=0.05)
    batch_norm: bool = param(False, "Normalise each layer's activations over the batch: often trains faster.")


@dataclass
class CNNConfig:
    channels: str = param("32", "Filters per conv block, comma-separated: '32' is one block, '32,64' two.")
    kernel_size: int = param(3, "Width of each square filter in pixels.", low=1, high=7)
    pooling: str = param("max", "Downsampling after each block (halves the image).", choices=("max", "avg", "none"))
    dense: int = param(64, "Neurons in the dense layer before the output (0: none).", low=0, high=1024)
    dropout: float = param(0.0, "Dropout before the dense head.", low=0.0, high=0.9, step=0.05)

    def channel_list(self) -> list[int]:
        try:
            channels = [int(c) for c in self.channels.replace(" ", "").split(",") if c]
        except ValueError:
            raise UserError(i18n.t("errors.models.channels_not_whole", value=self.channels))
        if not 1 <= len(channels) <= 5 or not all(1 <= c <= 256 for c in channels):
            raise UserError(i18n.t("errors.models.channels_range", value=self.channels))
        return channels


@dataclass
class RNNConfig:
    cell: str = param("lstm", "The recurrent cell: plain RNN forgets fast; LSTM and GRU have gates that remember.",
                      choices=CELL_NAMES)
    hidden_size: int = param(50, "Size of the hidden state carried from step to step.", low=1, high=512)
    num_layers: int = param(1, "Recurrent layers stacked on top of each other.", low=1, high=4)
    bidirectional: bool = param(False, "Also read the sequence backwards and join both readings.")
    dropout: float = param(0.0, "Dropout between stacked layers and before the head.", low=0.0, high=0.9, step=0.05)


@dataclass
class TransformerConfig:
    layers: int = param(2, "Encoder layers stacked on top of each other: each one lets every token look at all "
                        "the others once more.", low=1, high=6, label="Encoder layers")
    heads: int = param(4, "Attention heads per layer: each head learns its own idea of where to look. "
                       "They share the model width, so it must divide the width.", low=1, high=16)
    dim: int = param(64, "Model width: the size of every token's vector.", low=4, high=512, label="Model width")
    ff_dim: int = param(128, "Width of the feed-forward net inside each layer.", low=4, high=2048,
                        label="Feed-forward width")
    dropout: float = param(0.0, "Dropout after attention and inside the feed-forward net (never on the attention "
                           "weights, so the maps you see are the ones used).", low=0.0, high=0.9, step=0.05)
    positions: str = param("learned", "How a token knows where it is: a learned vector per position, or the fixed "
                           "sine waves of the original paper.", choices=POSITION_NAMES, label="Positional encoding")
    readout: str = param("cls", "What the classifier reads: an extra [CLS] token that attends to the rest, or the "
                         "mean of all tokens.", choices=READOUT_NAMES, label="Pooling")
    norm: str = param("pre", "LayerNorm before each sub-layer (pre-norm, steadier) or after the residual sum "
                      "(post-norm, the 2017 original).", choices=NORM_NAMES, label="Norm placement")
    patch_size: int = param(0, "Images only: side of each square patch in pixels; it must divide the image. "
                            "0 picks the smallest that gives at most 16 patches.", low=0, high=64,
                            label="Patch size (images)")
    max_positions: int = param(64, "Size of the positional table: the most tokens (steps or patches, plus [CLS]) "
                               "a sequence may have.", low=2, high=1024, label="Positional table")
