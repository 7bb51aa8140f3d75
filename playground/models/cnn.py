"""A small convolutional net for images.

The default is the classic recipe: Conv(32, 3x3) -> ReLU -> MaxPool(2) ->
Dense(64) -> classes. More blocks are a comma-separated list of channels.
"""

import torch
from torch import nn

from playground import i18n
from playground.models.configs import CNNConfig  # noqa: F401  (re-exported)
from playground.errors import UserError
from playground.randomness import Dropout  # nn.Dropout drawing from the run's generator


class CNN(nn.Module):
    def __init__(self, *, input_shape: tuple, num_classes: int, config: CNNConfig):
        super().__init__()
        in_channels, height, width = input_shape
        blocks: list[nn.Module] = []
        for out_channels in config.channel_list():
            # 'same' padding keeps the size, so only pooling shrinks the image
            blocks += [nn.Conv2d(in_channels, out_channels, config.kernel_size, padding="same"), nn.ReLU()]
            if config.pooling != "none":
                if min(height, width) < 2:
                    raise UserError(i18n.t("errors.models.too_much_pooling", height=input_shape[1],
                                           width=input_shape[2]))
                blocks.append(nn.MaxPool2d(2) if config.pooling == "max" else nn.AvgPool2d(2))
                height, width = height // 2, width // 2
            in_channels = out_channels
        self.features = nn.Sequential(*blocks)
        flat = in_channels * height * width
        head: list[nn.Module] = [nn.Flatten()]
        if config.dropout > 0:
            head.append(Dropout(config.dropout))
        if config.dense > 0:
            head += [nn.Linear(flat, config.dense), nn.ReLU()]
            flat = config.dense
        head.append(nn.Linear(flat, num_classes))
        self.head = nn.Sequential(*head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))
