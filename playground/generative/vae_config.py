"""The VAE's settings and named presets, torch-free so the app can build the VAE tab without loading torch.

The networks and losses that read these live in vae.py.
"""

from dataclasses import dataclass

from playground.config import param
from playground.device import DEVICE_CHOICES

VARIANTS = ("vae", "autoencoder")
ARCHITECTURES = ("mlp", "conv")


@dataclass
class VAEConfig:
    variant: str = param("vae", "vae: encodes a distribution and is trained with reconstruction + beta * KL. "
                       "autoencoder: one code per image, reconstruction only.", choices=VARIANTS)
    architecture: str = param("mlp", "mlp: fully connected layers. conv: two strided convolutions each way.",
                              choices=ARCHITECTURES)
    latent_dim: int = param(2, "Size of the code. 2 can be drawn as is; larger ones are drawn through PCA.",
                            low=1, high=64, label="Latent size")
    hidden: int = param(256, "Neurons in the hidden layer on each side of the code.", low=4, high=1024,
                        label="Hidden units")
    beta: float = param(1.0, "VAE only: weight of the KL term. Higher gives a tidier latent space and blurrier "
                        "images; 0 is an autoencoder with noise.", low=0.0, high=20.0, step=0.1)
    lr: float = param(3e-3, "Adam learning rate.", low=1e-6, high=0.1, log=True, label="Learning rate")
    batch_size: int = param(64, "Images per update.", low=2, high=1024)
    epochs: int = param(30, "Passes over the training images.", low=1, high=1000)
    seed: int = param(0, "Random seed: the same seed gives the same run.", low=0, high=2**31 - 1)
    device: str = param("auto", "Where to train: 'auto' takes the GPU when there is one.", choices=DEVICE_CHOICES)


PRESETS = {
    "vae": {},
    "autoencoder": {"variant": "autoencoder", "architecture": "mlp", "hidden": 20, "latent_dim": 10},
    "conv-vae": {"architecture": "conv", "hidden": 128},
}

# a finished run's row in a comparison table (VaeRun.comparison_row): a VAE beside an autoencoder
COMPARISON_COLUMNS = ["dataset", "model", "latent", "beta", "epochs", "recon MSE", "baseline MSE", "KL",
                      "kNN accuracy"]
