"""The Train tab driven for real: through gradio_client (the API) and through headless Chromium."""

import time

import pytest

from tests.app_inputs import train_inputs
from tests.browser_helpers import fill_until_kept


def test_training_streams_several_updates_then_results(client):
    job = client.submit(**train_inputs(epochs=30), api_name="/train")
    updates = [update for update in job]
    status, curves, _, metrics, *_, files = job.result()  # the gr.State output stays on the server
    assert len(updates) >= 3, "the curves should move while training, not only at the end"
    assert "test accuracy" in status and "Training finished" in status
    rows = dict(metrics["value"]["data"])
    assert rows["Accuracy"] > 0.85 and rows["Epochs run"] == 30
    assert sorted(name.rsplit("/", 1)[-1] for name in files) == ["config.json", "history.csv",
                                                                  "weights.safetensors"]
    assert curves is not None


def test_stop_ends_a_long_run_early(client):
    job = client.submit(**train_inputs(dataset="digits", model="cnn", epochs=200), api_name="/train")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(job.outputs()) < 2:  # wait until it is really training
        time.sleep(0.2)
    client.predict(api_name="/stop")
    stopped_at = time.monotonic()
    status = job.result()[0]
    assert "Stopped by you" in status and "test accuracy" in status  # the partial model is scored
    assert time.monotonic() - stopped_at < 30
    epochs_run = int(status.split(" epochs in")[0].rsplit(" ", 1)[-1])
    assert epochs_run < 500


def test_bad_values_get_one_sentence_and_the_app_keeps_running(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Learning rate must be between"):
        client.predict(**train_inputs(lr=50.0), api_name="/train")
    with pytest.raises(AppError, match="can't take"):
        client.predict(**train_inputs(dataset="moons", model="cnn"), api_name="/train")
    assert "test accuracy" in client.predict(**train_inputs(epochs=2), api_name="/train")[0]


def test_browser_trains_and_shows_the_curve(page, screenshot_dir):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").wait_for(timeout=60_000)  # the preview loads with the page
    page.screenshot(path=str(screenshot_dir / "train-before.png"), full_page=True)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("test accuracy").wait_for(timeout=120_000)
    # curves, boundary, confusion matrix: plotly draws a moment after the status text arrives
    page.wait_for_function("() => document.querySelectorAll('#tab-train .js-plotly-plot').length >= 3",
                           timeout=30_000)
    assert tab.get_by_text("Accuracy ↑").count() == 1
    page.screenshot(path=str(screenshot_dir / "train-after.png"), full_page=True)
    # an image dataset offers the CNN, and shows misclassified examples after training
    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name="digits", exact=True).click()
    tab.get_by_label("CNN").check()
    fill_until_kept(tab.get_by_label("number input for Epochs"), 3)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("Misclassified test images").wait_for(timeout=120_000)
    assert tab.get_by_text("3 epochs in").count() == 1
    page.screenshot(path=str(screenshot_dir / "train-digits.png"), full_page=True)
    assert page.console_errors == []
