"""A recurrent classifier: RNN, LSTM or GRU over the time steps, then a linear head.

The last time step's hidden state (both directions when bidirectional) feeds
the classifier. Dropout between stacked layers is ours, not nn.LSTM's: torch
draws that one inside its C++ kernel from the global random generator, which
every thread shares. So in training with dropout the layers run one at a time
(the stacked module's own weights, through a one-layer twin) with
`randomness.Dropout` between them: PyTorch's semantics, the run's generator.
"""

import torch
from torch import nn

from playground.models.configs import RNNConfig  # noqa: F401  (re-exported)
from playground.randomness import Dropout  # nn.Dropout drawing from the run's generator

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class RNNClassifier(nn.Module):
    def __init__(self, *, input_shape: tuple, num_classes: int, config: RNNConfig):
        super().__init__()
        steps, features = input_shape
        cell = CELLS[config.cell]
        self.rnn = cell(features, config.hidden_size, num_layers=config.num_layers, batch_first=True,
                        bidirectional=config.bidirectional)
        directions = 2 if config.bidirectional else 1
        self.between_layers = Dropout(config.dropout if config.num_layers > 1 else 0.0)
        self.dropout = Dropout(config.dropout)
        self.head = nn.Linear(config.hidden_size * directions, num_classes)
        # weightless one-layer twins (not submodules) that run layer k with the stacked module's weights
        widths = [features] + [config.hidden_size * directions] * (config.num_layers - 1)
        self._layers = [cell(width, config.hidden_size, batch_first=True, bidirectional=config.bidirectional,
                             device="meta") for width in widths]

    def _stacked(self, x: torch.Tensor) -> torch.Tensor:
        for layer, twin in enumerate(self._layers):
            if layer:
                x = self.between_layers(x)
            weights = {name: getattr(self.rnn, name.replace("_l0", f"_l{layer}")) for name, _ in
                       twin.named_parameters()}
            x, _ = torch.func.functional_call(twin, weights, (x,))
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.between_layers.p > 0:
            outputs = self._stacked(x)
        else:
            outputs, _ = self.rnn(x)  # (batch, steps, hidden * directions)
        return self.head(self.dropout(outputs[:, -1]))
