"""The Transfer and Sweep tabs driven for real: through gradio_client (api_names transfer, transfer_curve, sweep
and their stops) and in headless Chromium, with screenshots of both tabs."""

import csv
import time

import pytest

from playground.sweep.space import SweepConfig
from playground.transfer.config import TransferConfig
from playground.ui import sweep_tab, transfer_tab

DIGITS = dict(source="digits_0_4", target="digits_5_9", shots=3, epochs=5, pretrain_epochs=2, device="cpu")


def value_of(output):
    """An output sent as gr.update(value=..., visible=True) reaches the client as that dict."""
    return output["value"] if isinstance(output, dict) and output.get("__type__") == "update" else output


def wait_until_training(job, updates: int = 2, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(job.outputs()) < updates:
        time.sleep(0.2)


def test_transfer_through_the_api(client):
    job = client.submit(**DIGITS, api_name="/transfer")
    updates = list(job)
    status, curves, table, _, files = job.result()
    files = value_of(files)
    assert len(updates) >= 3 and status.startswith("✅") and "K=3:" in status
    rows = table["data"]
    assert [r[1] for r in rows] == ["From scratch", "Frozen features + new head", "Full fine-tuning",
                                    "Fine-tuning, slower backbone"]
    assert all(r[0] == 3 and 0 <= r[2] <= 1 for r in rows)
    assert sorted(f.rsplit("/", 1)[-1] for f in files) == ["transfer_history.csv", "transfer_results.csv"]
    with open(next(f for f in files if f.endswith("results.csv"))) as handle:
        assert [round(float(r["test_accuracy"]), 4) for r in csv.DictReader(handle)] == [r[2] for r in rows]
    assert curves is not None


def test_accuracy_against_k_through_the_api(client):
    status, _, table, shots_plot, _ = client.predict(shots_list="1,4", **DIGITS, strategies=["scratch", "frozen"],
                                                     api_name="/transfer_curve")
    assert "K=1:" in status and "K=4:" in status
    assert [(r[0], r[1]) for r in table["data"]] == [(1, "From scratch"), (1, "Frozen features + new head"),
                                                     (4, "From scratch"), (4, "Frozen features + new head")]
    assert shots_plot is not None


def test_transfer_stop(client):
    job = client.submit(**{**DIGITS, "epochs": 500}, api_name="/transfer")
    wait_until_training(job)
    client.predict(api_name="/transfer_stop")
    status = job.result()[0]
    assert "Stopped" in status


def test_sweep_through_the_api(client):
    status, curves, table, coordinates, importance, csv_file = client.predict(
        lr="0.001,0.01,0.1", optimizer=["adam", "sgd"], epochs=3, device="cpu", api_name="/sweep")
    assert status.startswith("✅") and "Best:" in status
    frame = table["value"] if "value" in table else table
    rows = [dict(zip(frame["headers"], r)) for r in frame["data"]]
    assert len(rows) == 6 and all(r["status"] == "finished" for r in rows)
    best = max(rows, key=lambda r: r["val_accuracy"])
    styling = frame["metadata"]["styling"]
    highlighted = [rows[i]["run"] for i, style in enumerate(styling) if any("background" in s for s in style)]
    assert highlighted == [best["run"]]
    with open(value_of(csv_file)) as handle:
        assert len(list(csv.DictReader(handle))) == 6
    assert curves is not None and coordinates is not None and importance is not None  # importance: smart only


def test_sweep_budget_and_stop(client):
    capped = client.predict(lr="0.001,0.01,0.1", max_runs=1, epochs=1, api_name="/sweep")
    assert "max runs keeps 1 of 3" in capped[0]
    job = client.submit(lr="0.001,0.01,0.1", epochs=200, api_name="/sweep")
    wait_until_training(job)
    client.predict(api_name="/sweep_stop")
    status = job.result()[0]
    assert "Stopped" in status


def test_bad_values_get_one_sentence(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Learning rate must be a number"):
        client.predict(lr="0.01,fast", api_name="/sweep")
    with pytest.raises(AppError, match="Tick at least one strategy"):
        client.predict(strategies=[], api_name="/transfer")
    with pytest.raises(AppError, match="Shots must be between"):
        client.predict(shots_list="0,5", api_name="/transfer_curve")


def test_one_or_two_keywords_are_enough(client):
    """Every other setting takes the page's default: the configs' own defaults."""
    status, *_ = client.predict(lr="0.01,0.1", epochs=1, api_name="/sweep")
    assert status.startswith("✅") and "2 runs of **mlp** on **moons**" in status, status
    status, _, table, *_ = client.predict(pretrain_epochs=1, strategies=["frozen"], api_name="/transfer")
    assert status.startswith("✅") and "pretrained on shapes_a" in status, status
    assert [r[:2] for r in table["data"]] == [[5, "Frozen features + new head"]]


def test_the_ticked_lists_become_the_configs_lists():
    assert transfer_tab.checked_settings({"strategies": list(TransferConfig.strategies.split(","))}) == \
        {"strategies": TransferConfig.strategies}
    assert sweep_tab.checked_settings({"optimizer": ["adam", "sgd"]}) == {"optimizer": "adam,sgd"}
    assert SweepConfig.optimizer == "adam"


def set_number(tab, label: str, value) -> None:
    box = tab.get_by_label(f"number input for {label}", exact=True)
    box.fill(str(value))
    box.press("Enter")


def test_transfer_tab_in_the_browser(page, screenshot_dir):
    page.get_by_role("tab", name="Transfer").click()
    tab = page.locator("#transfer-tab")
    tab.locator(".js-plotly-plot").nth(3).wait_for(timeout=60_000)  # curves, K chart and both task previews
    set_number(tab, "Target epochs", 12)
    set_number(tab, "Pretrain epochs", 3)
    tab.get_by_label("K values for the chart").fill("1,5")
    tab.get_by_role("button", name="Accuracy vs K").click()
    page.locator("#transfer-status").filter(has_text="Backbone:").wait_for(timeout=240_000)
    assert "K=1:" in page.locator("#transfer-status").inner_text()
    assert tab.get_by_text("Test accuracy against K").count() >= 1
    page.screenshot(path=str(screenshot_dir / "transfer_tab.png"), full_page=True)
    assert page.console_errors == []


def test_sweep_tab_in_the_browser(page, screenshot_dir):
    page.get_by_role("tab", name="Sweep").click()
    tab = page.locator("#sweep-tab")
    tab.get_by_role("button", name="Run sweep").wait_for(timeout=60_000)
    tab.get_by_label("sgd").check()
    tab.get_by_role("button", name="Run sweep").click()
    page.locator("#sweep-status").filter(has_text="Best:").wait_for(timeout=240_000)
    assert tab.get_by_text("Settings → accuracy").count() >= 1
    page.screenshot(path=str(screenshot_dir / "sweep_tab.png"), full_page=True)
    assert page.console_errors == []
