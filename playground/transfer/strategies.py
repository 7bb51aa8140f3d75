"""The four ways to learn a target task, and the network they share: a backbone and a linear head.

- scratch: the same architecture, randomly initialised, everything trained;
- frozen: the pretrained backbone as a fixed feature extractor, only a new head trained;
- finetune: the pretrained backbone and a new head, everything trained at one rate;
- finetune_low_lr: the same, but the backbone learns at a fraction of the rate, so a
  few noisy examples can't wreck what pretraining found.

The network exposes `param_groups()`, which the generic trainer turns into
per-part learning rates; nothing else about transfer leaks into the trainer.
A frozen backbone is run once over the data and only the head is trained on
the features it gives: the same maths as freezing it inside the net, much faster.
"""

import torch
from torch import nn

from playground.data.registry import Splits
from playground.models.cnn import CNN, CNNConfig
from playground.transfer.config import Strategy  # the four are described torch-free in config.py


class TransferNet(nn.Module):
    """Images -> backbone -> features -> linear head -> class scores."""

    def __init__(self, *, backbone: nn.Module, feature_dim: int, num_classes: int, backbone_lr_scale: float = 1.0):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(feature_dim, num_classes)
        self.backbone_lr_scale = backbone_lr_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))

    def param_groups(self) -> list[dict]:
        """The head first (its rate is the one the trainer reports), then the trainable backbone."""
        groups = [{"params": list(self.head.parameters())}]
        backbone = [p for p in self.backbone.parameters() if p.requires_grad]
        if backbone:
            groups.append({"params": backbone, "lr_scale": self.backbone_lr_scale})
        return groups


# the small CNN pretrained on a source task

SMALL_CNN = CNNConfig(channels="16,32,64", kernel_size=3, pooling="max", dense=128, dropout=0.0)


def small_cnn(input_shape: tuple, num_classes: int) -> TransferNet:
    """The project's CNN, cut before its output layer: conv blocks + dense layer are the backbone."""
    cnn = CNN(input_shape=input_shape, num_classes=num_classes, config=SMALL_CNN)
    backbone = nn.Sequential(cnn.features, *list(cnn.head)[:-1])
    return TransferNet(backbone=backbone, feature_dim=cnn.head[-1].in_features, num_classes=num_classes)


class CNNBackbone:
    """Fresh copies of the small CNN's backbone: with the pretrained weights, or newly initialised."""

    def __init__(self, pretrained_net: TransferNet, input_shape: tuple, description: str):
        self.state = {k: v.detach().cpu().clone() for k, v in pretrained_net.backbone.state_dict().items()}
        self.feature_dim = pretrained_net.head.in_features
        self.input_shape = tuple(input_shape)
        self.description = description

    def make(self, pretrained: bool) -> nn.Module:
        backbone = small_cnn(self.input_shape, 2).backbone
        if pretrained:
            backbone.load_state_dict(self.state)
        return backbone


# building and preparing each strategy


def build_net(strategy: Strategy, backbone, num_classes: int, *, backbone_lr_scale: float, seed: int) -> TransferNet:
    from playground import randomness

    # drawn from generators of the seed's own (never torch's global one, which other visitors share); the
    # head gets a fresh one, so every strategy starts from the same head
    with randomness.drawing_from(randomness.seeded(seed)):
        body = backbone.make(pretrained=strategy.pretrained)
    with randomness.drawing_from(randomness.seeded(seed)):
        net = TransferNet(backbone=body, feature_dim=backbone.feature_dim, num_classes=num_classes,
                          backbone_lr_scale=backbone_lr_scale if strategy.low_lr else 1.0)
    if strategy.freeze:
        net.backbone.requires_grad_(False)
    return net


@torch.no_grad()
def extract_features(backbone: nn.Module, x: torch.Tensor, device, batch_size: int = 256) -> torch.Tensor:
    """Run a fixed backbone once over a split (eval mode: no dropout, batch norm uses its running stats)."""
    backbone.to(device).eval()
    parts = [backbone(x[i:i + batch_size].to(device)).float().cpu() for i in range(0, len(x), batch_size)]
    return torch.cat(parts) if parts else torch.empty(0)


def feature_splits(backbone: nn.Module, splits: Splits, device) -> Splits:
    """The same splits seen through a frozen backbone: what the new head learns from."""
    features = {name: extract_features(backbone, getattr(splits, name), device)
                for name in ("x_train", "x_val", "x_test")}
    return Splits(name=f"{splits.name} (features)", kind="tabular", y_train=splits.y_train, y_val=splits.y_val,
                  y_test=splits.y_test, classes=splits.classes, **features)
