"""Variational autoencoder and plain autoencoder, MLP or convolutional (their settings: vae_config.py).

One module does both: `variational=True` makes the encoder return a mean and
a log-variance, samples z = mean + sigma * noise (the reparameterisation trick,
so gradients flow through the sampling), and the loss adds beta * KL(q(z|x) ||
N(0, I)). Without it the encoder returns one code and the loss is the
reconstruction alone: the plain autoencoder, whose latent space has holes
between the classes that the KL term of a VAE fills in. The `autoencoder`
preset is the classic 784-20-10-20-784 net.
"""

import torch
import torch.nn.functional as F
from torch import nn

from playground.generative.vae_config import VAEConfig  # torch-free, so the app can read it at start-up


# classes


class AutoEncoder(nn.Module):
    """Images (N, C, S, S) in [0, 1] -> code -> reconstruction logits of the same shape."""

    def __init__(self, *, channels: int, size: int, config: VAEConfig):
        super().__init__()
        assert size % 4 == 0, f"image size {size} must be divisible by 4"
        self.variational, self.latent_dim = config.variant == "vae", config.latent_dim
        pixels, hidden, base = channels * size * size, config.hidden, size // 4
        codes = config.latent_dim * (2 if self.variational else 1)
        self.noise: torch.Generator | None = None  # the run's generator for z's noise (None: torch's global one)
        if config.architecture == "mlp":
            self.encoder = nn.Sequential(nn.Flatten(), nn.Linear(pixels, hidden), nn.ReLU(), nn.Linear(hidden, codes))
            self.decoder = nn.Sequential(nn.Linear(config.latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, pixels),
                                         nn.Unflatten(1, (channels, size, size)))
        else:
            self.encoder = nn.Sequential(
                nn.Conv2d(channels, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(), nn.Flatten(),
                nn.Linear(64 * base * base, hidden), nn.ReLU(), nn.Linear(hidden, codes))
            self.decoder = nn.Sequential(
                nn.Linear(config.latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, 64 * base * base), nn.ReLU(),
                nn.Unflatten(1, (64, base, base)), nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(),
                nn.ConvTranspose2d(32, channels, 4, 2, 1))

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The code's mean and log-variance (None for a plain autoencoder)."""
        out = self.encoder(images)
        if not self.variational:
            return out, None
        mean, log_variance = out.chunk(2, dim=1)
        return mean, log_variance.clamp(-12.0, 8.0)  # keeps exp() finite when a run goes wild

    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """Reconstruction logits; `torch.sigmoid` of them are pixels in [0, 1]."""
        return self.decoder(codes)

    def forward(self, images: torch.Tensor):
        mean, log_variance = self.encode(images)
        if log_variance is not None and self.training:
            noise = torch.randn_like(mean, generator=self.noise)
            codes = mean + torch.exp(0.5 * log_variance) * noise  # reparameterisation
        else:
            codes = mean
        return self.decode(codes), mean, log_variance


def build_model(config: VAEConfig, *, channels: int, size: int) -> AutoEncoder:
    return AutoEncoder(channels=channels, size=size, config=config)


# losses (per image, averaged over the batch)


def reconstruction_loss(logits: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over the pixels of each image."""
    return F.binary_cross_entropy_with_logits(logits, images, reduction="none").flatten(1).sum(1).mean()


def kl_divergence(mean: torch.Tensor, log_variance: torch.Tensor | None) -> torch.Tensor:
    """KL(N(mean, exp(log_variance)) || N(0, I)) in nats per image; zero for a plain autoencoder."""
    if log_variance is None:
        return torch.zeros((), device=mean.device)
    return (-0.5 * (1 + log_variance - mean.pow(2) - log_variance.exp())).sum(1).mean()
