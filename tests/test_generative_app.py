"""The GAN and VAE tabs driven for real: through gradio_client (the API) and through headless Chromium."""

import time
from pathlib import Path

import pytest

from playground.generative.gan_config import GANConfig
from playground.generative.vae_config import VAEConfig
from tests.app_inputs import config_values as values
from tests.browser_helpers import fill_until_kept


def names(files) -> list[str]:
    return sorted(Path(f).name for f in files)


def test_gan_trains_streams_then_samples_a_chosen_class(client):
    job = client.submit("digits", "conditional", *values(GANConfig, epochs=2), api_name="/train_gan")
    updates = list(job)
    status, live, curves, quality, histogram, files = job.result()  # the run itself stays in server state
    assert len(updates) >= 3, "samples and curves should move while training, not only at the end"
    assert "sample confidence" in status and "Training finished" in status
    assert "Judge on 1,000 samples" in quality and live is not None and curves is not None
    assert names(files) == ["config.json", "discriminator.safetensors", "generator.safetensors", "history.csv",
                            "samples.png"]
    picture, png = client.predict(7, 3, api_name="/sample_gan")
    assert Path(picture).exists() and Path(png).name == "samples-seed7.png"
    assert Path(client.predict(1, 2, 6, -1, api_name="/interpolate_gan")).exists()


def test_gan_stop_ends_a_long_run_and_bad_values_get_one_sentence(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Generator LR must be between"):
        client.predict("digits", "conditional", *values(GANConfig, g_lr=5.0), api_name="/train_gan")
    with pytest.raises(AppError, match="Train a GAN first"):
        client.predict(0, -1, api_name="/sample_gan")
    job = client.submit("digits", "conditional", *values(GANConfig, epochs=200), api_name="/train_gan")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(job.outputs()) < 2:  # wait until it is really training
        time.sleep(0.2)
    client.predict(api_name="/stop_gan")
    stopped_at = time.monotonic()
    status = job.result()[0]
    assert "Stopped by you" in status and "sample confidence" in status  # the partial generator is judged
    assert time.monotonic() - stopped_at < 30


def test_vae_trains_then_draws_its_latent_space(client):
    from gradio_client.exceptions import AppError

    job = client.submit("digits", "vae", *values(VAEConfig, epochs=3), api_name="/train_vae")
    status, curves, reconstructions, latent, manifold, samples, files = job.result()
    assert "test reconstruction MSE" in status and "latent kNN accuracy" in status
    assert all(x is not None for x in (curves, reconstructions, latent, manifold, samples))
    assert names(files) == ["config.json", "history.csv", "manifold.png", "samples.png", "weights.safetensors"]
    assert Path(client.predict(4, api_name="/sample_vae")).exists()
    assert Path(client.predict(0, 1, 8, api_name="/interpolate_vae")).exists()
    with pytest.raises(AppError, match="Test image numbers go from 0 to"):
        client.predict(0, 99_999, 8, api_name="/interpolate_vae")
    with pytest.raises(AppError, match="Beta must be between"):
        client.predict("digits", "vae", *values(VAEConfig, beta=99), api_name="/train_vae")


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
    tab.get_by_role("button", name="Interpolate", exact=True).click()
    page.locator("#vae-walk img").wait_for(timeout=60_000)
    time.sleep(1.0)
    page.screenshot(path=str(screenshot_dir / "vae-after.png"), full_page=True)
    assert page.console_errors == []
