"""The GAN and VAE tabs driven for real: through gradio_client (the API) and through headless Chromium."""

import time
from pathlib import Path

import pytest

from tests.browser_helpers import fill_until_kept


def names(files) -> list[str]:
    return sorted(Path(f).name for f in files)


def wait_until_training(job, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not any("epoch" in str(o[0]) for o in job.outputs()):
        time.sleep(0.2)


def test_gan_trains_streams_then_samples_a_chosen_class(client):
    job = client.submit(dataset="digits", preset="conditional", epochs=2, api_name="/train_gan")
    updates = list(job)
    status, live, curves, quality, histogram, replay, files = job.result()  # the run stays in server state
    assert len(updates) >= 3, "samples and curves should move while training, not only at the end"
    assert "sample confidence" in status and "Training finished" in status
    assert "Judge on 1,000 samples" in quality and live is not None and curves is not None
    assert names(files) == ["config.json", "discriminator.safetensors", "generator.safetensors", "history.csv",
                            "samples.png"]
    picture, png = client.predict(seed=7, label=3, api_name="/sample_gan")
    assert Path(picture).exists() and Path(png).name == "samples-seed7.png"
    assert Path(client.predict(seed_a=1, seed_b=2, steps=6, api_name="/interpolate_gan")).exists()


def test_gan_preset_by_keyword_trains_that_recipe(client):
    """Only the preset and the epochs named: the classic recipe's own settings, not the page's first preset's."""
    status, *_ = client.predict(preset="classic", epochs=1, api_name="/train_gan")
    assert "**CLASSIC** (bce)" in status and "conditional" not in status.split(":")[0], status
    assert "1 epochs" in status


def test_a_named_preset_fills_what_the_call_left_at_the_shown_presets_values():
    from playground.generative.gan_config import PRESETS, GANConfig
    from playground.ui.presets import preset_settings, settings_for

    page = preset_settings(PRESETS, GANConfig, "conditional")  # what the controls hold when nothing filled them
    asked = settings_for(PRESETS, GANConfig, "classic", "conditional", {**page, "epochs": 3, "seed": 7})
    assert asked == {**preset_settings(PRESETS, GANConfig, "classic"), "epochs": 3, "seed": 7}
    assert asked["architecture"] == "classic" and asked["latent_dim"] == 100 and asked["ema"] == 0.0
    # the page filled the controls with the preset picked: they are taken as they are, a value set back included
    edited = {**preset_settings(PRESETS, GANConfig, "classic"), "ema": 0.99}
    assert settings_for(PRESETS, GANConfig, "classic", "classic", edited) == edited


def test_gan_stop_keeps_the_partial_generator_and_bad_values_get_one_sentence(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Generator LR must be between"):
        client.predict(g_lr=5.0, api_name="/train_gan")
    with pytest.raises(AppError, match="Train a GAN first"):
        client.predict(seed=0, api_name="/sample_gan")
    job = client.submit(epochs=200, api_name="/train_gan")
    wait_until_training(job)
    client.predict(api_name="/stop_gan")
    stopped_at = time.monotonic()
    status, *_, files = job.result()
    assert "Stopped by you" in status and "sample confidence" in status  # the partial generator is judged
    assert time.monotonic() - stopped_at < 30
    assert "generator.safetensors" in names(files)
    picture, _ = client.predict(seed=3, api_name="/sample_gan")  # and it still draws
    assert Path(picture).exists()


def pixels(path) -> "np.ndarray":
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def test_gan_replay_shows_the_fixed_noise_samples_of_any_epoch(client):
    status, live, *_, replay, files = client.predict(epochs=3, api_name="/train_gan")
    assert replay["maximum"] == 3 and replay["value"] == 3 and replay["visible"]
    at = {epoch: client.predict(epoch=epoch, api_name="/replay_gan") for epoch in (0, 1, 3)}
    assert [at[e][0].split(": ")[-1] for e in (1, 3)] == ["the fixed-noise samples at epoch 1 of 3.",
                                                          "the fixed-noise samples at epoch 3 of 3."]
    first, last, final = pixels(at[1][1]), pixels(at[3][1]), pixels(live)
    assert (last == final).all()  # the last epoch's record is what the run ended with
    assert abs(first - last).mean() > 5 and abs(pixels(at[0][1]) - first).mean() > 5  # and it moved on the way


def test_vae_trains_then_draws_its_latent_space(client):
    from gradio_client.exceptions import AppError

    job = client.submit(dataset="digits", preset="vae", epochs=3, api_name="/train_vae")
    status, curves, reconstructions, latent, replay, manifold, samples, files, runs = job.result()
    assert "test reconstruction MSE" in status and "latent kNN accuracy" in status
    assert all(x is not None for x in (curves, reconstructions, latent, manifold, samples))
    assert names(files) == ["config.json", "history.csv", "manifold.png", "samples.png", "weights.safetensors"]
    assert [row[:5] for row in runs["data"]] == [["digits", "vae (mlp)", 2, 1, 3]]
    assert replay["maximum"] == 3 and replay["value"] == 3
    first, last = (client.predict(epoch=e, api_name="/replay_vae") for e in (1, 3))
    assert first[0].endswith("the latent space at epoch 1 of 3.") and first[1] != last[1]  # the maps differ
    assert Path(client.predict(seed=4, api_name="/sample_vae")).exists()
    assert Path(client.predict(first=0, second=1, steps=8, api_name="/interpolate_vae")).exists()
    with pytest.raises(AppError, match="Test image numbers go from 0 to"):
        client.predict(second=99_999, api_name="/interpolate_vae")
    with pytest.raises(AppError, match="Beta must be between"):
        client.predict(beta=99, api_name="/train_vae")


def test_vae_preset_by_keyword_and_stop_keeps_the_partial_model(client):
    """An autoencoder by naming its preset only; then a long VAE stopped early still draws and saves."""
    status, *_, runs = client.predict(preset="autoencoder", epochs=1, api_name="/train_vae")
    assert "**AUTOENCODER** (mlp, latent 10)" in status and "test reconstruction MSE" in status, status
    assert runs["data"][-1][1:3] == ["autoencoder (mlp)", 10]
    job = client.submit(epochs=150, api_name="/train_vae")
    wait_until_training(job)
    client.predict(api_name="/stop_vae")
    status, *_, manifold, samples, files, runs = job.result()
    assert "Stopped by you" in status and "test reconstruction MSE" in status, status
    assert manifold is not None and samples is not None and "weights.safetensors" in names(files)
    assert 1 <= runs["data"][-1][4] < 150  # the epochs it ran
    assert Path(client.predict(seed=1, api_name="/sample_vae")).exists()


def _set_epochs(tab, epochs: int):
    fill_until_kept(tab.get_by_label("number input for Epochs"), epochs)


def test_browser_trains_both_tabs(page, screenshot_dir):
    page.get_by_role("tab", name="GAN").click()
    tab = page.locator("#tab-gan")
    _set_epochs(tab, 3)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("sample confidence").wait_for(timeout=240_000)
    assert tab.locator(".js-plotly-plot").count() >= 2  # curves and the class histogram
    assert tab.get_by_text("requested class produced").count() == 1  # the readout of a conditional GAN
    last = page.locator("#gan-live img").get_attribute("src")
    replay = tab.get_by_label("number input for Replay: epoch")
    replay.fill("1")
    replay.press("Enter")
    page.locator("#gan-status").filter(has_text="samples at epoch 1 of 3").wait_for(timeout=60_000)
    page.wait_for_function("(last) => document.querySelector('#gan-live img')?.src !== last", arg=last,
                           timeout=30_000)  # the first epoch's samples, not the last's
    tab.get_by_role("button", name="Sample", exact=True).click()
    tab.get_by_text("samples-seed0", exact=True).wait_for(timeout=60_000)  # Gradio shows the stem and ".png" apart
    tab.get_by_role("button", name="Interpolate", exact=True).click()
    page.locator("#gan-walk img").wait_for(timeout=60_000)
    time.sleep(1.0)  # let the last images paint
    page.screenshot(path=str(screenshot_dir / "gan-after.png"), full_page=True)

    page.get_by_role("tab", name="VAE").click()
    tab = page.locator("#tab-vae")
    _set_epochs(tab, 5)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("test reconstruction MSE").wait_for(timeout=120_000)
    assert tab.locator(".js-plotly-plot").count() >= 2  # curves and the latent scatter
    replay = tab.get_by_label("number input for Replay: epoch")
    replay.fill("1")
    replay.press("Enter")
    page.locator("#vae-status").filter(has_text="the latent space at epoch 1 of 5").wait_for(timeout=60_000)
    tab.get_by_role("button", name="Interpolate", exact=True).click()
    page.locator("#vae-walk img").wait_for(timeout=60_000)
    time.sleep(1.0)
    page.screenshot(path=str(screenshot_dir / "vae-after.png"), full_page=True)
    assert page.console_errors == []
