"""A small convolutional net for images.

The default is the classic recipe: Conv(32, 3x3) -> ReLU -> MaxPool(2) ->
Dense(64) -> classes. More blocks are a comma-separated list of channels.
"""

from dataclasses import dataclass

import torch
from torch import nn

from playground.config import param
from playground.errors import UserError


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
            raise UserError(f"Channels must be whole numbers separated by commas, like '32,64'; got '{self.channels}'.")
        if not 1 <= len(channels) <= 5 or not all(1 <= c <= 256 for c in channels):
            raise UserError(f"Channels needs 1 to 5 blocks of 1 to 256 filters each; got '{self.channels}'.")
        return channels


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
                    raise UserError(f"Too many pooling blocks for {input_shape[1]}x{input_shape[2]} images: "
                                    "use fewer channel blocks or pooling 'none'.")
                blocks.append(nn.MaxPool2d(2) if config.pooling == "max" else nn.AvgPool2d(2))
                height, width = height // 2, width // 2
            in_channels = out_channels
        self.features = nn.Sequential(*blocks)
        flat = in_channels * height * width
        head: list[nn.Module] = [nn.Flatten()]
        if config.dropout > 0:
            head.append(nn.Dropout(config.dropout))
        if config.dense > 0:
            head += [nn.Linear(flat, config.dense), nn.ReLU()]
            flat = config.dense
        head.append(nn.Linear(flat, num_classes))
        self.head = nn.Sequential(*head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))
