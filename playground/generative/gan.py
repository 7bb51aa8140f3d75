"""GAN networks and losses (their settings and presets: gan_config.py).

Two architectures share one interface, `Generator(z, labels)` and
`Discriminator(x, labels)`, for any image size divisible by 4:
- `classic`: the small recipe from countless tutorials: Dense -> 128 x 7x7 ->
  ConvTranspose(64) -> ConvTranspose(1) against a Flatten -> Dense(128) -> 1
  discriminator. Kept because it teaches mode collapse: on digits it settles
  on a few classes.
- `dcgan`: the same generator shape with batch norm and resize-then-convolve
  layers (smooth images, no checkerboard), against a small two-layer conv
  discriminator with batch norm (none under WGAN-GP, whose penalty is per image).
`conditional` (the default) feeds the class label to both networks (one-hot),
so you can ask for a chosen class; measured on digits it also learns faster and
sharper than the unconditional model (benchmarks/measure_generative.py).
Samples come from a running average of the generator's weights (`ema`).
"""

import torch
import torch.nn.functional as F
from torch import nn

from playground.generative.gan_config import GANConfig  # torch-free, so the app can read it at start-up


# helpers


def one_hot(labels: torch.Tensor | None, num_classes: int) -> torch.Tensor | None:
    return None if labels is None else F.one_hot(labels, num_classes).float()


# classes


class Generator(nn.Module):
    """z (N, latent_dim) [+ labels] -> images (N, C, size, size) in [-1, 1]."""

    def __init__(self, *, latent_dim: int, channels: int, size: int, num_classes: int, conditional: bool,
                 architecture: str):
        super().__init__()
        assert size % 4 == 0, f"image size {size} must be divisible by 4"
        self.latent_dim, self.num_classes, self.conditional = latent_dim, num_classes, conditional
        base = size // 4
        width = 128 if architecture == "classic" else 64
        inputs = latent_dim + (num_classes if conditional else 0)
        if architecture == "classic":
            self.project = nn.Sequential(nn.Linear(inputs, width * base * base), nn.ReLU())
            self.upsample = nn.Sequential(
                nn.Unflatten(1, (width, base, base)),
                nn.ConvTranspose2d(width, 64, 4, 2, 1), nn.ReLU(),
                nn.ConvTranspose2d(64, channels, 4, 2, 1), nn.Tanh())
        else:  # resize-then-convolve instead of transposed convolutions: no checkerboard to unlearn
            self.project = nn.Sequential(nn.Linear(inputs, width * base * base), nn.BatchNorm1d(width * base * base),
                                         nn.ReLU())
            self.upsample = nn.Sequential(
                nn.Unflatten(1, (width, base, base)),
                nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(width, width // 2, 3, 1, 1),
                nn.BatchNorm2d(width // 2), nn.ReLU(),
                nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(width // 2, channels, 3, 1, 1), nn.Tanh())

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.conditional:
            assert labels is not None, "a conditional generator needs labels"
            z = torch.cat([z, one_hot(labels, self.num_classes)], dim=1)
        return self.upsample(self.project(z))


class Discriminator(nn.Module):
    """images [+ labels] -> one raw score per image (a logit for BCE, a critic value otherwise)."""

    def __init__(self, *, channels: int, size: int, num_classes: int, conditional: bool, architecture: str,
                 loss: str = "bce"):
        super().__init__()
        self.num_classes, self.conditional = num_classes, conditional
        extra = num_classes if conditional else 0
        if architecture == "classic":
            self.net = nn.Sequential(nn.Flatten(), nn.Linear(channels * size * size + extra, 128),
                                     nn.LeakyReLU(0.2), nn.Linear(128, 1))
            self.flat_labels = True
        else:
            base = size // 4
            self.net = nn.Sequential(
                nn.Conv2d(channels + extra, 32, 4, 2, 1), nn.LeakyReLU(0.2),
                nn.Conv2d(32, 64, 4, 2, 1), nn.Identity() if loss == "wgan-gp" else nn.BatchNorm2d(64),
                nn.LeakyReLU(0.2),
                nn.Flatten(), nn.Linear(64 * base * base, 1))
            self.flat_labels = False

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.conditional:
            assert labels is not None, "a conditional discriminator needs labels"
            codes = one_hot(labels, self.num_classes)
            if self.flat_labels:
                return self.net[1:](torch.cat([images.flatten(1), codes], dim=1)).squeeze(1)  # after Flatten
            planes = codes[:, :, None, None].expand(-1, -1, images.shape[2], images.shape[3])
            images = torch.cat([images, planes], dim=1)
        return self.net(images).squeeze(1)


def update_average(averaged: nn.Module, live: nn.Module, decay: float) -> None:
    """averaged <- decay * averaged + (1 - decay) * live; buffers (batch-norm statistics) are copied."""
    with torch.no_grad():
        for mean, current in zip(averaged.parameters(), live.parameters()):
            mean.lerp_(current, 1.0 - decay)
        for mean, current in zip(averaged.buffers(), live.buffers()):
            mean.copy_(current)


def build_networks(config: GANConfig, *, channels: int, size: int, num_classes: int):
    shared = dict(channels=channels, size=size, num_classes=num_classes, conditional=config.conditional,
                  architecture=config.architecture)
    return Generator(latent_dim=config.latent_dim, **shared), Discriminator(loss=config.loss, **shared)


# losses


def discriminator_loss(config: GANConfig, real_scores, fake_scores) -> torch.Tensor:
    if config.loss == "hinge":
        return F.relu(1.0 - real_scores).mean() + F.relu(1.0 + fake_scores).mean()
    if config.loss == "wgan-gp":
        return fake_scores.mean() - real_scores.mean()  # the penalty is added by the loop
    real_target = torch.full_like(real_scores, 1.0 - config.label_smoothing)
    return (F.binary_cross_entropy_with_logits(real_scores, real_target)
            + F.binary_cross_entropy_with_logits(fake_scores, torch.zeros_like(fake_scores)))


def generator_loss(config: GANConfig, fake_scores) -> torch.Tensor:
    if config.loss == "bce":  # non-saturating: maximise log D(G(z)) rather than minimise log(1 - D(G(z)))
        return F.binary_cross_entropy_with_logits(fake_scores, torch.ones_like(fake_scores))
    return -fake_scores.mean()


def gradient_penalty(discriminator, real, fake, labels, generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP: push the critic's gradient norm towards 1 on points between real and fake images."""
    mix = torch.rand(len(real), 1, 1, 1, device=real.device, generator=generator)
    between = (mix * real + (1 - mix) * fake).requires_grad_(True)
    scores = discriminator(between, labels)
    (gradients,) = torch.autograd.grad(scores.sum(), between, create_graph=True)
    return ((gradients.flatten(1).norm(dim=1) - 1.0) ** 2).mean()


def score_summary(config: GANConfig, scores: torch.Tensor) -> torch.Tensor:
    """What the D(real)/D(fake) curves show: a probability for BCE, the raw score otherwise."""
    return (torch.sigmoid(scores) if config.loss == "bce" else scores).detach().mean()
