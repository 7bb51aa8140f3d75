"""A multilayer perceptron: the network behind TensorFlow Playground, and more.

Works on any input: images and sequences are flattened first.
"""

import math
from dataclasses import dataclass

import torch
from torch import nn

from playground.config import param

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}


@dataclass
class MLPConfig:
    hidden_layers: int = param(2, "How many hidden layers: more layers can bend the boundary more.", low=0, high=8)
    width: int = param(64, "Neurons in each hidden layer.", low=1, high=1024)
    activation: str = param("relu", "The non-linearity after each hidden layer.", choices=tuple(ACTIVATIONS))
    dropout: float = param(0.0, "Fraction of neurons switched off at random while training (fights overfitting).",
                           low=0.0, high=0.9, step=0.05)
    batch_norm: bool = param(False, "Normalise each layer's activations over the batch: often trains faster.")


class MLP(nn.Module):
    def __init__(self, *, input_shape: tuple, num_classes: int, config: MLPConfig):
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]
        width_in = math.prod(input_shape)
        for _ in range(config.hidden_layers):
            layers.append(nn.Linear(width_in, config.width))
            if config.batch_norm:
                layers.append(nn.BatchNorm1d(config.width))
            layers.append(ACTIVATIONS[config.activation]())
            if config.dropout > 0:
                layers.append(nn.Dropout(config.dropout))
            width_in = config.width
        layers.append(nn.Linear(width_in, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
