"""The Train tab's extras driven for real: own data, Step/Continue, inside views, export, share, saved runs.

Through gradio_client (the API) and through headless Chromium, with screenshots in tests/screenshots/.
"""

import json
import re
import subprocess
import sys

import pytest

from tests.app_inputs import train_inputs
from tests.browser_helpers import fill_until_kept
from tests.own_data import bars_zip, houses_csv, people_csv


def epochs_in(status: str) -> int:
    return int(re.search(r"(\d+) epochs in", status).group(1))


def test_csv_upload_is_a_dataset_for_its_visitor_only(client, app_url, tmp_path):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    menu, note = client.predict(handle_file(str(houses_csv(tmp_path / "houses.csv"))), "price", ["a", "b", "colour"],
                                "auto", api_name="/use_table")
    name = menu["value"]
    assert name.startswith("houses (upload ") and "regression of 'price'" in note
    assert name in [choice[0] for choice in menu["choices"]]
    status, _, _, metrics, predicted, *_ = client.predict(**train_inputs(dataset=name, epochs=8), api_name="/train")
    assert "test R²" in status
    rows = dict(metrics["value"]["data"])
    assert rows["R²"] > 0.9 and 0.1 < rows["Mean absolute error"] < 1.0
    stranger = Client(app_url, verbose=False)
    with pytest.raises(AppError, match="Unknown dataset"):
        stranger.predict(**train_inputs(dataset=name, epochs=1), api_name="/train")
    with pytest.raises(AppError, match="'id' has 395 different text values"):
        client.predict(handle_file(str(people_csv(tmp_path / "people.csv"))), "label", ["id", "x1"], "auto",
                       api_name="/use_table")


def test_step_and_continue_go_on_from_where_the_run_stopped(client):
    assert epochs_in(client.predict(**train_inputs(epochs=3), api_name="/train")[0]) == 3
    assert epochs_in(client.predict(more=4, **train_inputs(epochs=3), api_name="/continue")[0]) == 7
    assert epochs_in(client.predict(**train_inputs(epochs=3), api_name="/step")[0]) == 8
    inside = client.predict(0, api_name="/look_inside")
    assert "Each neuron" in json.loads(inside["plot"])["layout"]["title"]["text"]


def test_exported_code_from_the_app_reaches_the_apps_accuracy(client, tmp_path):
    status = client.predict(**train_inputs(dataset="spiral", epochs=8, lr=0.02), api_name="/train")[0]
    accuracy = float(re.search(r"test accuracy ([0-9.]+)", status).group(1))
    files = client.predict(api_name="/export")
    names = sorted(path.rsplit("/", 1)[-1] for path in files)
    assert names == ["config.json", "train_mlp_spiral.py", "weights.safetensors"]
    for path in files:  # the browser downloads them into one folder
        (tmp_path / path.rsplit("/", 1)[-1]).write_bytes(open(path, "rb").read())
    result = subprocess.run([sys.executable, "-I", "train_mlp_spiral.py"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    retrained = json.loads(result.stdout.strip().splitlines()[-1])["test_accuracy"]
    assert abs(retrained - accuracy) <= 0.0015  # the status shows three decimals


def test_share_link_carries_the_settings(client):
    query = client.predict(**train_inputs(dataset="spiral", lr=0.03, epochs=7), api_name="/share")
    assert query.startswith("?tab=train&dataset=spiral") and "lr=0.03" in query and "epochs=7" in query


# the browser


def test_browser_opens_a_share_link_trains_and_looks_inside(page, app_url, screenshot_dir):
    page.goto(app_url.rstrip("/") + "/?tab=train&dataset=spiral&noise=0.1&model=mlp&width=8&hidden_layers=3"
              "&lr=0.03&epochs=15&activation=tanh&bogus=1&batch_size=abc")
    tab = page.locator("#tab-train")
    tab.get_by_text("Three interleaved spiral arms").wait_for(timeout=60_000)
    page.console_errors.clear()  # the fixture's first page, left mid-load, logs its aborted requests
    assert tab.get_by_label("Width", exact=True).input_value() == "8"
    assert tab.get_by_label("number input for Hidden layers").input_value() == "3"
    assert tab.get_by_label("Learning rate", exact=True).input_value() == "0.03"
    tab.get_by_text("Ignored from the link: batch_size 'abc'").wait_for(timeout=10_000)
    page.locator("#inside-network").get_by_text("Inside the network").first.click()
    page.locator("#take-home").get_by_text("Take it home").click()
    tab.get_by_role("button", name="Train", exact=True).click()
    page.locator("#histogram-plot").get_by_text("Weights and gradients per layer").wait_for(timeout=60_000)
    tab.get_by_text("test accuracy").wait_for(timeout=120_000)
    page.locator("#inside-plot").get_by_text("layer 3").wait_for(timeout=30_000)
    page.locator("#saved-runs").get_by_text("#1 mlp on spiral").wait_for(timeout=30_000)
    page.locator("#share-button").click()
    link = page.locator("#share-link textarea")
    page.wait_for_function("() => document.querySelector('#share-link textarea').value.startsWith('http')")
    assert "?tab=train&dataset=spiral" in link.input_value() and "width=8" in link.input_value()
    page.locator("#export-button").click()
    page.locator("#export-files").get_by_text("train_mlp_spiral", exact=False).first.wait_for(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "train-inside-spiral.png"), full_page=True)
    page.locator("#continue-button").click()
    tab.get_by_text("20 epochs in").wait_for(timeout=120_000)
    page.locator("#saved-runs").get_by_text("#2 mlp on spiral").wait_for(timeout=30_000)
    page.locator("#clear-runs").click()
    page.locator("#saved-runs").get_by_text("Finished runs collect here").wait_for(timeout=30_000)
    assert page.console_errors == [], page.console_errors


def test_browser_uploads_a_csv_and_trains_a_regression(page, screenshot_dir, tmp_path):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").first.wait_for(timeout=60_000)
    page.locator("#own-data").get_by_text("Your own data").first.click()
    page.locator("#csv-upload input[type=file]").set_input_files(str(houses_csv(tmp_path / "houses.csv")))
    tab.get_by_text("looks like **regression**").or_(tab.get_by_text("looks like regression")).first.wait_for(
        timeout=60_000)
    page.locator("#use-table").click()
    page.locator("#upload-status").get_by_text("regression of 'price'").wait_for(timeout=60_000)
    tab.get_by_text("coloured by price").first.wait_for(timeout=60_000)
    page.screenshot(path=str(screenshot_dir / "train-csv-preview.png"), full_page=True)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("test R²").wait_for(timeout=120_000)
    tab.get_by_text("Predicted vs true").first.wait_for(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "train-csv-regression.png"), full_page=True)
    assert page.console_errors == [], page.console_errors


def test_browser_uploads_images_and_sees_feature_maps(page, screenshot_dir, tmp_path):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").first.wait_for(timeout=60_000)
    page.locator("#own-data").get_by_text("Your own data").first.click()
    page.locator("#own-data").get_by_role("tab", name="Images (zip)").click()
    page.locator("#zip-upload input[type=file]").set_input_files(str(bars_zip(tmp_path / "bars.zip")))
    page.locator("#use-images").click()
    page.locator("#upload-status").get_by_text("60 greyscale images in 2 classes").wait_for(timeout=60_000)
    tab.get_by_text("training images").first.wait_for(timeout=60_000)
    fill_until_kept(tab.get_by_label("number input for Epochs"), 6)
    page.locator("#inside-network").get_by_text("Inside the network").first.click()
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("test accuracy").wait_for(timeout=120_000)
    page.locator("#inside-plot").get_by_text("feature maps after each convolution").first.wait_for(timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "train-images-feature-maps.png"), full_page=True)
    # the upload is this visitor's dataset in the generative tabs too
    page.get_by_role("tab", name="VAE", exact=True).click()
    vae = page.locator("#tab-vae")
    vae.get_by_label("Dataset").click()
    page.get_by_role("option", name=re.compile(r"^bars \(upload")).click()
    fill_until_kept(vae.get_by_label("number input for Epochs", exact=True), 2)
    vae.get_by_role("button", name="Train", exact=True).click()
    vae.get_by_text("test reconstruction MSE").wait_for(timeout=120_000)
    assert re.search(r"on bars \(upload \w+\)", vae.inner_text())  # the status names the uploaded set
    assert page.console_errors == [], page.console_errors


def test_browser_shows_an_lstm_reading_a_sequence(page, screenshot_dir):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").first.wait_for(timeout=60_000)
    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name="digits_rows", exact=True).click()
    tab.get_by_label("RNN / LSTM / GRU").check()
    fill_until_kept(tab.get_by_label("number input for Epochs"), 3)
    page.locator("#inside-network").get_by_text("Inside the network").first.click()
    fill_until_kept(page.locator("#inside-network").get_by_label("Test example"), 7)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("test accuracy").wait_for(timeout=120_000)
    page.locator("#inside-plot").get_by_text("LSTM layer 1 (forward) reading test sequence 7").wait_for(timeout=30_000)
    for gate in ("forget gate", "cell state", "output gate"):
        assert page.locator("#inside-plot").get_by_text(gate, exact=True).count() == 1
    page.locator("#inside-plot").screenshot(path=str(screenshot_dir / "train-lstm-states.png"))
    assert page.console_errors == [], page.console_errors
