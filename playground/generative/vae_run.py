"""A VAE or autoencoder run: train, then draw the latent space.

After training it decodes a grid over the latent plane (the manifold), draws
random samples and walks between two test images. For a VAE with a 2-D code
the plane is the prior itself, N(0, I); otherwise it is the plane of the two
widest directions of the training codes (PCA). A plain autoencoder has no
prior, so its samples come from a Gaussian fitted to its training codes: they
land in the holes between classes more often, which is the point of comparing.
"""

import threading
from pathlib import Path

import numpy as np
import torch

from playground import i18n
from playground import randomness
from playground.device import pick_device
from playground.errors import UserError
from playground.generative import vae, vae_config
from playground.generative.events import VaeEpochEvent
from playground.generative.images import image_grid, load_images, save_png
from playground.generative.run import _Base, _save_weights, _settings


class VaeRun(_Base):
    kind = "vae"

    def __init__(self, dataset_name: str, *, settings: dict | None = None, preset: str = "vae"):
        self.preset = preset
        self.config = _settings(vae_config.PRESETS, preset, settings, vae_config.VAEConfig)
        self.data = load_images(dataset_name)
        self.device = pick_device(self.config.device)
        self.random = randomness.generators(self.config.seed, self.device)  # the run's own: nothing global
        self.model = vae.build_model(self.config, channels=self.data.channels, size=self.data.size)
        randomness.initialise(self.model, self.random.weights)
        self.model.noise = self.random.noise  # z's noise; the batch order comes from it too, as it always did
        self.history: list[dict] = []
        self.summary: dict = {}

    @property
    def parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def events(self, stop: threading.Event | None = None):
        from playground.generative.vae_train import train_vae

        for event in train_vae(self.model, self.data, self.config, self.device, stop, shuffle=self.random.noise):
            self._record(event, VaeEpochEvent, {"preset": self.preset, "variational": self.model.variational,
                                                "parameters": self.parameters})
            yield event

    def comparison_row(self) -> list:
        """This finished run as a row under vae_config.COMPARISON_COLUMNS (a VAE beside an autoencoder)."""
        s, c = self.summary, self.config
        kl = "-" if s.get("test_kl") is None else round(s["test_kl"], 2)
        return [s["dataset"], f"{c.variant} ({c.architecture})", c.latent_dim, c.beta if self.model.variational
                else "-", s["epochs_run"], round(s["test_recon_mse"], 4), round(s["baseline_mse"], 4), kl,
                round(s["latent_knn_accuracy"], 3)]

    # drawing the latent space

    def _train_codes(self) -> torch.Tensor:
        from playground.generative.vae_train import encode_means

        return encode_means(self.model, self.data.x_train, self.device)

    def latent_plane(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(centre, axes scaled by their spread): the 2-D slice of the code space that the manifold shows."""
        if self.model.variational and self.config.latent_dim <= 2:
            return torch.zeros(self.config.latent_dim), torch.eye(self.config.latent_dim)
        codes = self._train_codes()
        centre = codes.mean(dim=0)
        if self.config.latent_dim <= 2:
            return centre, torch.diag(codes.std(dim=0))
        _, singular, directions = torch.linalg.svd(codes - centre, full_matrices=False)
        return centre, directions[:2] * (singular[:2, None] / (len(codes) - 1) ** 0.5)

    def manifold(self, size: int = 15) -> np.ndarray:
        """Decoded images over a size x size grid of the latent plane, +-1.64 spreads each way."""
        from playground.generative.vae_train import decode

        if not 2 <= size <= 30:
            raise UserError(i18n.t("errors.vae.grid_range", size=size))
        centre, axes = self.latent_plane()
        steps = torch.distributions.Normal(0.0, 1.0).icdf(torch.linspace(0.05, 0.95, size))
        if len(axes) == 1:  # a 1-D code is one row
            codes = centre + steps[:, None] * axes[0]
        else:
            rows, cols = torch.meshgrid(-steps, steps, indexing="ij")  # up is positive, as on a plot
            codes = centre + cols.reshape(-1, 1) * axes[0] + rows.reshape(-1, 1) * axes[1]
        return image_grid(decode(self.model, codes, self.device), size, padding=1)

    def sample(self, seed: int = 0, count: int = 80, columns: int = 10) -> np.ndarray:
        from playground.generative.vae_train import decode

        noise = torch.randn(count, self.config.latent_dim, generator=torch.Generator().manual_seed(int(seed)))
        if not self.model.variational:
            codes = self._train_codes()
            noise = codes.mean(dim=0) + noise * codes.std(dim=0)
        return image_grid(decode(self.model, noise, self.device), columns)

    def test_image(self, index: int) -> torch.Tensor:
        count = len(self.data.x_test)
        if not 0 <= int(index) < count:
            raise UserError(i18n.t("errors.vae.test_index", high=count - 1, index=index))
        return self.data.x_test[int(index)]

    def interpolate(self, index_a: int, index_b: int, steps: int = 10) -> np.ndarray:
        """Test image a, the decoded straight walk between the two codes, test image b."""
        from playground.generative.vae_train import decode, encode_means

        if not 2 <= steps <= 32:
            raise UserError(i18n.t("errors.generative.steps_range", steps=steps))
        ends = torch.stack([self.test_image(index_a), self.test_image(index_b)])
        a, b = encode_means(self.model, ends, self.device)
        t = torch.linspace(0.0, 1.0, steps)[:, None]
        walk = decode(self.model, (1 - t) * a + t * b, self.device)
        return image_grid(torch.cat([ends[:1], walk, ends[1:]]), steps + 2)

    def save(self, folder: Path) -> dict[str, Path]:
        paths = self._save_common(folder)
        paths["weights"] = Path(folder) / "weights.safetensors"
        _save_weights(self.model, paths["weights"])
        paths["manifold"] = save_png(self.manifold(), Path(folder) / "manifold.png")
        paths["samples"] = save_png(self.sample(seed=0), Path(folder) / "samples.png")
        return paths
