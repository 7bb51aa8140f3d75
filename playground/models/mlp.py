"""A multilayer perceptron: the network behind TensorFlow Playground, and more.

Works on any input: images and sequences are flattened first.
"""

import math

import torch
from torch import nn

from playground.models.configs import MLPConfig  # noqa: F401  (re-exported)
from playground.randomness import Dropout  # nn.Dropout drawing from the run's generator

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}


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
                layers.append(Dropout(config.dropout))
            width_in = config.width
        layers.append(nn.Linear(width_in, num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
