"""The GAN's settings and named presets, torch-free so the app can build the GAN tab without loading torch.

The networks and losses that read these live in gan.py.
"""

from dataclasses import dataclass

from playground.config import param
from playground.device import DEVICE_CHOICES

ARCHITECTURES = ("dcgan", "classic")
LOSSES = ("bce", "hinge", "wgan-gp")


@dataclass
class GANConfig:
    architecture: str = param("dcgan", "dcgan: batch-normed conv networks that train well. classic: the "
                              "tutorial recipe (dense discriminator), which collapses onto a few classes.",
                              choices=ARCHITECTURES)
    conditional: bool = param(True, "Show both networks the class label, so you can ask for a chosen class.")
    latent_dim: int = param(64, "Size of the noise vector z the generator turns into an image.", low=2, high=256,
                            label="Latent size")
    g_lr: float = param(1e-3, "Generator learning rate.", low=1e-6, high=0.1, log=True, label="Generator LR")
    d_lr: float = param(1e-3, "Discriminator learning rate.", low=1e-6, high=0.1, log=True,
                        label="Discriminator LR")
    beta1: float = param(0.5, "Adam's momentum (beta1): GANs like 0.5 or lower; 0.9 makes them oscillate.",
                         low=0.0, high=0.999, step=0.01, label="Adam beta1")
    beta2: float = param(0.999, "Adam's second-moment decay (beta2).", low=0.0, high=0.9999, step=0.001,
                         label="Adam beta2")
    batch_size: int = param(64, "Real images per discriminator step.", low=2, high=1024)
    epochs: int = param(30, "Passes over the training images.", low=1, high=1000)
    label_smoothing: float = param(0.0, "BCE only: train D towards 1 - this for real images, so it is never "
                                   "fully sure (0.1 is common). Ignored by hinge and WGAN-GP.",
                                   low=0.0, high=0.5, step=0.05)
    d_steps: int = param(1, "Discriminator updates per generator update (WGAN-GP likes 5).", low=1, high=10,
                         label="D steps per G step")
    loss: str = param("bce", "bce: the non-saturating GAN loss. hinge: margins on D's scores. wgan-gp: "
                      "Wasserstein critic with a gradient penalty.", choices=LOSSES)
    ema: float = param(0.99, "Sample from a running average of the generator's weights (0 turns it off): "
                       "steadier, cleaner samples at no training cost.", low=0.0, high=0.9999, step=0.001,
                       label="Generator weight averaging (EMA)")
    gp_weight: float = param(10.0, "WGAN-GP only: weight of the gradient penalty.", low=0.0, high=100.0,
                             step=0.5, label="Gradient penalty weight")
    seed: int = param(0, "Random seed: the same seed gives the same run.", low=0, high=2**31 - 1)
    device: str = param("auto", "Where to train: 'auto' takes the GPU when there is one.", choices=DEVICE_CHOICES)


# named bundles of settings; anything the user sets on top wins
PRESETS = {
    "conditional": {},  # the defaults above
    "dcgan": {"conditional": False},
    "classic": {"architecture": "classic", "conditional": False, "latent_dim": 100, "g_lr": 2e-4, "d_lr": 2e-4,
                "beta1": 0.5, "beta2": 0.999, "batch_size": 64, "epochs": 30, "loss": "bce", "label_smoothing": 0.0,
                "d_steps": 1, "ema": 0.0},
}
