"""VAE and autoencoder: shapes and ranges, the loss terms against references, a short real run (losses fall,
reconstructions beat the mean image by a wide margin, the codes separate the classes), the latent-space
pictures, save/reload, stop, and the settings that are refused."""

import threading

import pytest
import torch
import torch.nn.functional as F

from playground import config as cfg
from playground.errors import UserError
from playground.generative.vae_run import VaeRun
from playground.generative.events import LatentEvent, PictureEvent, VaeStepEvent
from playground.generative.vae import build_model, kl_divergence, reconstruction_loss
from playground.generative.vae_config import PRESETS, VAEConfig
from playground.training.events import DoneEvent

RUN = {"epochs": 12}  # the default MLP VAE with a 2-D code, trained briefly


@pytest.fixture(scope="module")
def trained():
    run = VaeRun("digits", settings=RUN)
    return run, list(run.events())


# shapes and references


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("channels,size", [(1, 28), (3, 32)])
def test_encoder_and_decoder_shapes(preset, channels, size):
    config = cfg.build(VAEConfig, {**PRESETS[preset], "latent_dim": 3})
    model = build_model(config, channels=channels, size=size)
    images = torch.rand(4, channels, size, size)
    mean, log_variance = model.encode(images)
    assert mean.shape == (4, 3)
    assert (log_variance is None) == (config.variant == "autoencoder")
    logits, _, _ = model(images)
    assert logits.shape == images.shape
    pixels = torch.sigmoid(model.decode(torch.randn(6, 3) * 5))
    assert pixels.shape == (6, channels, size, size) and 0 <= pixels.min() and pixels.max() <= 1


def test_kl_matches_torch_distributions():
    mean, log_variance = torch.randn(5, 4), torch.randn(5, 4)
    posterior = torch.distributions.Normal(mean, torch.exp(0.5 * log_variance))
    prior = torch.distributions.Normal(torch.zeros(4), torch.ones(4))
    expected = torch.distributions.kl_divergence(posterior, prior).sum(1).mean()
    assert torch.allclose(kl_divergence(mean, log_variance), expected, atol=1e-5)
    assert kl_divergence(mean, None).item() == 0.0  # a plain autoencoder has no KL term


def test_reconstruction_loss_is_pixel_bce_summed_per_image():
    logits, images = torch.randn(3, 1, 4, 4), torch.rand(3, 1, 4, 4)
    expected = F.binary_cross_entropy(torch.sigmoid(logits), images, reduction="sum") / 3
    assert torch.allclose(reconstruction_loss(logits, images), expected, atol=1e-4)


def test_reparameterisation_samples_in_training_and_uses_the_mean_in_eval():
    model = build_model(cfg.build(VAEConfig, {}), channels=1, size=28)
    images = torch.rand(2, 1, 28, 28)
    model.train()
    assert not torch.allclose(model(images)[0], model(images)[0])
    model.eval()
    assert torch.allclose(model(images)[0], model(images)[0])


# a real (short) run


def test_losses_fall_and_reconstructions_beat_the_mean_image(trained):
    run, events = trained
    first, last = run.history[0], run.history[-1]
    assert last["val_recon"] < first["val_recon"] - 20  # nats per image
    steps = [e for e in events if isinstance(e, VaeStepEvent)]
    assert steps[-1].recon < 0.85 * steps[0].recon
    # the KL jumps while the encoder starts to use the code, then the prior pulls it back in
    early_peak = max(e.kl for e in steps if e.epoch <= 2)
    assert steps[-1].kl < 0.75 * early_peak
    s = run.summary
    assert s["status"] == "finished" and s["epochs_run"] == RUN["epochs"]
    assert s["test_recon_mse"] < 0.6 * s["baseline_mse"], "a 2-D code should already beat the mean image"
    assert 0 < s["test_kl"] < 20
    assert s["latent_knn_accuracy"] > 0.5  # chance is 0.1: the code sorts the digits without labels


def test_live_events_carry_reconstructions_and_latent_points(trained):
    run, events = trained
    pictures = [e for e in events if isinstance(e, PictureEvent)]
    latents = [e for e in events if isinstance(e, LatentEvent)]
    assert len(pictures) == len(latents) == RUN["epochs"]
    assert pictures[-1].picture.shape == (2 * 30 + 2, 10 * 30 + 2, 3)  # originals above reconstructions
    assert latents[-1].points.shape == (len(run.data.y_test), 2) and not latents[-1].projected
    assert "picture" not in pictures[-1].to_dict()  # --json lines stay small


def test_manifold_samples_and_interpolation_pictures(trained):
    run, _ = trained
    assert run.manifold(15).shape == (15 * 29 + 1, 15 * 29 + 1, 3)
    assert (run.sample(seed=1) == run.sample(seed=1)).all() and (run.sample(seed=1) != run.sample(seed=2)).any()
    walk = run.interpolate(0, 5, steps=6)
    assert walk.shape == (32, 8 * 30 + 2, 3)
    # the first tile is test image 0 itself
    original = (run.data.x_test[0, 0].numpy() * 255 + 0.5).astype("uint8")
    assert (walk[2:30, 2:30, 0] == original).all()
    with pytest.raises(UserError, match="Test image numbers go from 0 to"):
        run.interpolate(0, 10_000)


def test_saved_weights_reload_to_the_same_reconstructions(trained, tmp_path):
    from safetensors.torch import load_file

    run, _ = trained
    paths = run.save(tmp_path)
    assert {p.name for p in paths.values()} == {"config.json", "history.csv", "weights.safetensors",
                                               "manifold.png", "samples.png"}
    fresh = VaeRun("digits", settings=RUN)
    fresh.model.load_state_dict(load_file(str(paths["weights"])))
    fresh.model.eval(), run.model.eval()
    images = run.data.x_test[:8]
    assert torch.allclose(fresh.model(images)[0], run.model(images)[0])


def test_larger_codes_are_drawn_through_pca_and_the_autoencoder_has_no_kl():
    run = VaeRun("digits", settings={"epochs": 2}, preset="autoencoder")
    events = list(run.events())
    latent = [e for e in events if isinstance(e, LatentEvent)][-1]
    assert latent.projected and latent.points.shape == (len(run.data.y_test), 2)
    assert run.summary["test_kl"] is None and run.config.latent_dim == 10 and run.config.hidden == 20
    assert run.manifold(5).shape == (5 * 29 + 1, 5 * 29 + 1, 3)


def test_conv_vae_trains_on_digits_and_mlp_vae_on_colour_shapes():
    for dataset, preset, epochs in [("digits", "conv-vae", 6), ("shapes", "vae", 2)]:  # conv needs ~5 to open up
        run = VaeRun(dataset, settings={"epochs": epochs, "latent_dim": 4}, preset=preset)
        events = list(run.events())
        assert isinstance(events[-1], DoneEvent) and events[-1].status == "finished"
        assert run.summary["test_recon_mse"] < 0.9 * run.summary["baseline_mse"], (dataset, preset)
    assert run.sample().shape[2] == 3 and run.data.x_train.shape[1:] == (3, 32, 32)


# stop and refusals


def test_stop_ends_the_run_at_once():
    run = VaeRun("digits", settings={"epochs": 500})
    stop = threading.Event()
    events = []
    for event in run.events(stop):
        events.append(event)
        if isinstance(event, VaeStepEvent):
            stop.set()
    assert events[-1].status == "stopped" and events[-1].epochs_run == 0
    assert sum(isinstance(e, VaeStepEvent) for e in events) == 1


@pytest.mark.parametrize("dataset,settings,preset,words", [
    ("iris", {}, "vae", "image dataset"),
    ("digits", {"latent_dim": 0}, "vae", "Latent size must be between 1 and 64"),
    ("digits", {"variant": "gan"}, "vae", "Variant must be one of"),
    ("digits", {"beta": -1}, "vae", "Beta must be between 0.0 and 20.0"),
    ("digits", {"epochs": 2.5}, "vae", "Epochs must be a whole number"),
    ("digits", {}, "diffusion", "Unknown preset 'diffusion'"),
])
def test_bad_settings_are_refused_in_one_sentence(dataset, settings, preset, words):
    with pytest.raises(UserError, match=words):
        VaeRun(dataset, settings=settings, preset=preset)
