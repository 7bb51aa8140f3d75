"""A recurrent classifier: RNN, LSTM or GRU over the time steps, then a linear head.

The last time step's hidden state (both directions when bidirectional) feeds
the classifier.
"""

from dataclasses import dataclass

import torch
from torch import nn

from playground.config import param

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


@dataclass
class RNNConfig:
    cell: str = param("lstm", "The recurrent cell: plain RNN forgets fast; LSTM and GRU have gates that remember.",
                      choices=tuple(CELLS))
    hidden_size: int = param(50, "Size of the hidden state carried from step to step.", low=1, high=512)
    num_layers: int = param(1, "Recurrent layers stacked on top of each other.", low=1, high=4)
    bidirectional: bool = param(False, "Also read the sequence backwards and join both readings.")
    dropout: float = param(0.0, "Dropout between stacked layers and before the head.", low=0.0, high=0.9, step=0.05)


class RNNClassifier(nn.Module):
    def __init__(self, *, input_shape: tuple, num_classes: int, config: RNNConfig):
        super().__init__()
        steps, features = input_shape
        self.rnn = CELLS[config.cell](
            features, config.hidden_size, num_layers=config.num_layers, batch_first=True,
            bidirectional=config.bidirectional, dropout=config.dropout if config.num_layers > 1 else 0.0)
        directions = 2 if config.bidirectional else 1
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size * directions, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.rnn(x)  # (batch, steps, hidden * directions)
        return self.head(self.dropout(outputs[:, -1]))
