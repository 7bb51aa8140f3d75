"""A recurrent classifier: RNN, LSTM or GRU over the time steps, then a linear head.

The last time step's hidden state (both directions when bidirectional) feeds
the classifier.
"""

import torch
from torch import nn

from playground.models.configs import RNNConfig  # noqa: F401  (re-exported)

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


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
