"""The host's limits reach every tab that trains: epochs and size refused up front, a time limit that stops a
job and keeps what it learnt, and one set of training slots shared by Train, Sweep, Transfer, GAN and VAE."""

import time

import pytest

from tests.app_inputs import train_inputs


def test_epochs_and_model_size_over_the_limits_are_one_sentence(client, monkeypatch):
    from gradio_client.exceptions import AppError

    monkeypatch.setenv("PLAYGROUND_MAX_EPOCHS", "3")
    with pytest.raises(AppError, match="at most 3 epochs per job.*PLAYGROUND_MAX_EPOCHS"):
        client.predict(**train_inputs("moons", epochs=5), api_name="/train")
    with pytest.raises(AppError, match="at most 3 epochs per job"):
        client.predict(epochs=4, api_name="/train_vae")
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "1000")
    with pytest.raises(AppError, match="at most 1,000 model parameters per job.*PLAYGROUND_MAX_PARAMETERS"):
        client.predict(epochs=1, api_name="/train_gan")


def test_the_time_limit_stops_a_gan_and_keeps_what_it_learnt(client, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_JOB_SECONDS", "4")
    started = time.monotonic()
    status, *_, files = client.predict(epochs=200, api_name="/train_gan")
    assert time.monotonic() - started < 90  # 200 epochs would take many minutes
    assert "time limit of 4 s per job" in status and "sample confidence" in status
    assert any(str(f).endswith("generator.safetensors") for f in files)


def test_training_tabs_share_one_set_of_slots(client, app_url, monkeypatch):
    """With one slot and no waiting line, a VAE in training leaves the Train tab a 'busy' answer, not a 2nd job."""
    from gradio_client import Client

    monkeypatch.setenv("PLAYGROUND_TRAIN_CONCURRENCY", "1")
    monkeypatch.setenv("PLAYGROUND_TRAIN_QUEUE", "0")
    vae = client.submit(epochs=150, api_name="/train_vae")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any("epoch" in str(o[0]) for o in vae.outputs()):
        time.sleep(0.2)  # the VAE holds the slot once its epochs are streaming
    other = Client(app_url, verbose=False)
    status = other.predict(**train_inputs("moons", epochs=2), api_name="/train")[0]
    assert "The app is busy: 1 training runs are running" in status
    client.predict(api_name="/stop_vae")
    assert "Stopped" in vae.result()[0]
    monkeypatch.setenv("PLAYGROUND_TRAIN_QUEUE", "4")
    assert "test accuracy" in other.predict(**train_inputs("moons", epochs=2), api_name="/train")[0]  # the slot is free
