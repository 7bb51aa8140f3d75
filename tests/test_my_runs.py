"""The My runs tab: a visitor's past runs listed, reopened (curves, results, downloads), compared and deleted,
through the API and in a browser where they come back on a new page of the same browser; nobody else sees them."""

import pytest

from tests.app_inputs import train_inputs
from tests.browser_helpers import fill_until_kept


@pytest.fixture
def fresh_store(tmp_path):
    from playground.store import db

    previous = db.use(db.open_store(f"sqlite:///{tmp_path / 'runs.db'}"))
    yield db.store()
    db.use(previous).engine.dispose()


def test_list_open_compare_delete_through_the_api(client, app_url, fresh_store):
    from gradio_client import Client

    first = client.predict(**train_inputs("moons", epochs=2, lr=0.01), api_name="/train")[0]
    second = client.predict(**train_inputs("moons", epochs=3, lr=0.1), api_name="/train")[0]
    table, status, chosen = client.predict(api_name="/my_runs")
    rows = table["data"]
    assert status == "2 runs kept for this browser." and len(rows) == 2
    newest, oldest = rows[0][0], rows[1][0]
    assert rows[0][2] == "train" and rows[0][5].startswith("test accuracy")
    assert [c[1] for c in chosen["choices"]] == [newest, oldest]

    shown, curves, details, downloads = client.predict(run_ids=[oldest], api_name="/open_run")
    assert first in shown and details["settings"]["train_settings"]["lr"] == 0.01
    assert curves is not None and 0.5 < details["metrics"]["test_accuracy"] <= 1
    assert sorted(str(f).rsplit("/", 1)[-1] for f in downloads) == ["config.json", "history.csv",
                                                                       "weights.safetensors"]

    shown, curves, comparison = client.predict(run_ids=[newest, oldest], api_name="/compare_runs")
    by_name = {row[0]: row[1:] for row in comparison["data"]}
    assert by_name["setting: train_settings.lr"] == ["0.1", "0.01"]
    assert by_name["setting: train_settings.epochs"] == ["3", "2"] and "result: test_accuracy" in by_name
    assert shown.startswith("Comparing 2 runs")

    stranger = Client(app_url, verbose=False)  # another visitor: none of these runs are theirs
    assert stranger.predict(api_name="/my_runs")[0]["data"] == []
    with pytest.raises(Exception, match="no run"):
        stranger.predict(run_ids=[newest], api_name="/open_run")
    stranger.predict(run_ids=[newest], api_name="/delete_run")  # deletes nothing of someone else's

    table, status, _, _ = client.predict(run_ids=[newest], api_name="/delete_run")
    assert status.startswith("Deleted 1 run.") and [r[0] for r in table["data"]] == [oldest]
    assert second not in str(table)


def test_a_bad_pick_is_one_sentence(client, fresh_store):
    with pytest.raises(Exception, match="Pick runs by their number"):
        client.predict(run_ids="three", api_name="/open_run")
    client.predict(**train_inputs("moons", epochs=1), api_name="/train")
    run_id = client.predict(api_name="/my_runs")[0]["data"][0][0]
    with pytest.raises(Exception, match="Pick 2 to 6 runs"):
        client.predict(run_ids=[run_id], api_name="/compare_runs")
    with pytest.raises(Exception, match="Pick a run in the menu first"):
        client.predict(run_ids=[], api_name="/open_run")


def test_a_browser_finds_its_runs_on_a_new_page(browser, app_url, fresh_store, screenshot_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector("button[role=tab]", timeout=60_000)
        tab = page.locator("#tab-train")
        tab.get_by_text("Decision boundary").wait_for(timeout=60_000)
        fill_until_kept(tab.get_by_label("number input for Epochs"), 3)
        tab.get_by_role("button", name="Train", exact=True).click()
        tab.get_by_text("3 epochs in").wait_for(timeout=240_000)
        page.close()
        page = context.new_page()  # a new page and session, the same browser (its localStorage id)
        page.goto(app_url)
        page.get_by_role("tab", name="My runs").click()
        page.wait_for_function("() => document.body.innerText.includes('1 runs kept for this browser')",
                               timeout=60_000)
        assert "train" in page.locator("#tab-my-runs").inner_text()
        page.screenshot(path=str(screenshot_dir / "my_runs.png"))
        other = browser.new_context().new_page()  # another browser sees none of them
        other.goto(app_url)
        other.get_by_role("tab", name="My runs").click()
        other.wait_for_function("() => document.body.innerText.includes('No runs yet')", timeout=60_000)
        other.context.close()
    finally:
        context.close()
