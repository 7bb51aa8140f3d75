"""Live training as a visitor meets it: the status moving epoch by epoch, replaying an earlier epoch, Stop that
keeps what was learnt, "run until I stop", the keyword API, and a visitor's live state freed when they leave.

Through gradio_client and headless Chromium against the real app (the engine runs in this process, so the
clean-up test can look at what it keeps).
"""

import re
import time

from tests.browser_helpers import fill_until_kept

STATUS_LOG = """() => {  // every text the status line shows, in order, from now on
    window.statusLog = [];
    const box = document.querySelector('#train-status');
    new MutationObserver(() => window.statusLog.push(box.innerText)).observe(box, {subtree: true,
        childList: true, characterData: true});
}"""
PLANE_PICTURE = "() => { const plot = document.querySelector('#train-plane .js-plotly-plot');" \
                " const image = plot && plot.data.find(t => t.type === 'image'); return image ? image.source : null; }"
PLANE_TITLE = "() => { const plot = document.querySelector('#train-plane .js-plotly-plot');" \
              " return plot && plot.layout.title ? plot.layout.title.text : ''; }"
HISTOGRAMS_TITLE = PLANE_TITLE.replace("#train-plane", "#histogram-plot")


def epochs_in(status: str) -> int:
    return int(re.search(r"(\d+) epochs in", status).group(1))


def open_train(page):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").first.wait_for(timeout=60_000)  # the preview loads with the page
    return tab


# the API


def test_train_by_keyword_with_only_the_dataset_and_the_model(client):
    status, *_ = client.predict(dataset="circles", model="mlp", api_name="/train")
    assert "Training finished" in status and epochs_in(status) == 20  # the epochs setting's default
    assert float(re.search(r"test accuracy ([0-9.]+)", status).group(1)) > 0.8


def test_replay_by_keyword_shows_an_earlier_epoch(client):
    client.predict(dataset="moons", model="mlp", epochs=6, api_name="/train")
    status, curves, plane, *_ = client.predict(epoch=1, api_name="/replay")
    assert "epoch 1/6" in status
    assert "after epoch 1" in str(plane)
    _, _, last, *_ = client.predict(epoch=6, api_name="/replay")
    assert "after epoch 6" in str(last)


# the browser


def choose_digits_and_cnn(page, tab):
    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name="digits", exact=True).click()
    tab.get_by_text("Handwritten digits").first.wait_for(timeout=30_000)  # the dataset's page has landed
    tab.get_by_label("CNN").check()


def test_the_status_advances_through_the_epochs_while_training(page):
    """A CNN on digits, 40 epochs: 2 s on a quiet 2-core machine (120 epochs of moons took 1 s there, too short for
    the page's pace to show four of them)."""
    tab = open_train(page)
    choose_digits_and_cnn(page, tab)
    fill_until_kept(tab.get_by_label("number input for Epochs"), 40)
    page.evaluate(STATUS_LOG)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("Training finished").wait_for(timeout=180_000)
    seen = [int(m.group(1)) for text in page.evaluate("window.statusLog")
            if (m := re.search(r"epoch (\d+)/40", text))]
    assert len(set(seen)) >= 4, seen  # many distinct epochs on the way, not 1 and then "finished"
    assert seen == sorted(seen), seen
    assert page.console_errors == [], page.console_errors


def test_the_replay_slider_shows_an_earlier_boundary(page, screenshot_dir):
    tab = open_train(page)
    fill_until_kept(tab.get_by_label("number input for Epochs"), 20)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("Training finished").wait_for(timeout=120_000)
    page.wait_for_function(f"() => ({PLANE_TITLE})().includes('after epoch 20')", timeout=30_000)
    last = page.evaluate(PLANE_PICTURE)
    fill_until_kept(page.locator("#replay-epoch").get_by_label("number input for Replay: epoch"), 1)
    page.wait_for_function(f"() => ({PLANE_TITLE})().includes('after epoch 1')", timeout=30_000)
    first = page.evaluate(PLANE_PICTURE)
    assert first and last and first != last  # the boundary at epoch 1 is not the trained one
    assert "epoch 1/20" in tab.locator("#train-status").inner_text()
    page.screenshot(path=str(screenshot_dir / "train-replay-epoch-1.png"), full_page=True)
    assert page.console_errors == [], page.console_errors


def test_stop_in_the_middle_keeps_the_partial_model_and_its_results(page):
    tab = open_train(page)
    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name="digits", exact=True).click()
    tab.get_by_label("CNN").check()
    fill_until_kept(tab.get_by_label("number input for Epochs"), 200)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.locator("#train-status").get_by_text(re.compile(r"epoch [2-9]\d*/200")).wait_for(timeout=180_000)
    tab.get_by_role("button", name="Stop", exact=True).dispatch_event("click")  # the plots redraw: never "stable"
    tab.get_by_text("Stopped by you").wait_for(timeout=60_000)
    status = tab.locator("#train-status").inner_text()
    stopped_at = epochs_in(status)
    assert 1 <= stopped_at < 200 and "test accuracy" in status  # the partial model is scored
    tab.get_by_text("Misclassified test images").or_(tab.get_by_text("Confusion matrix (test split)")).first.wait_for(
        timeout=30_000)
    # its weights can be downloaded
    page.locator("#train-downloads a[download='weights.safetensors']").wait_for(timeout=30_000)
    fill_until_kept(page.locator("#more-epochs input"), 1)
    page.locator("#continue-button").click()  # and it goes on from there
    tab.get_by_text(f"{stopped_at + 1} epochs in").wait_for(timeout=120_000)
    assert page.console_errors == [], page.console_errors


def test_run_until_i_stop_goes_past_the_epochs_setting_and_stops_on_stop(page):
    tab = open_train(page)
    fill_until_kept(tab.get_by_label("number input for Epochs"), 3)
    page.locator("#until-stop input").check()
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.locator("#train-status").get_by_text(re.compile(r"epoch (1\d|[2-9]\d|\d{3,}) \(runs until you press Stop\)")) \
        .wait_for(timeout=120_000)
    # a DOM click: the plots below redraw several times a second, so the page never looks "stable" to Playwright
    tab.get_by_role("button", name="Stop", exact=True).dispatch_event("click")
    tab.get_by_text("Stopped by you").wait_for(timeout=60_000)
    assert epochs_in(tab.locator("#train-status").inner_text()) > 10
    assert page.console_errors == [], page.console_errors


def test_the_weight_histograms_move_while_the_inside_panel_is_open(page):
    """Open "Inside the network", run a CNN until Stop: the histograms' title names later and later epochs while
    the status says it is still training (closed, the panel gets them when the run ends)."""
    tab = open_train(page)
    choose_digits_and_cnn(page, tab)
    page.locator("#inside-network").get_by_text("Inside the network").first.click()
    page.locator("#until-stop input").check()
    tab.get_by_role("button", name="Train", exact=True).click()
    seen, deadline = set(), time.monotonic() + 120
    while len(seen) < 2 and time.monotonic() < deadline:
        title, status = page.evaluate(f"() => [({HISTOGRAMS_TITLE})(), document.querySelector('#train-status')"
                                      ".innerText]")
        if "after epoch" in title and "runs until you press Stop" in status:  # drawn while it trains
            seen.add(int(re.search(r"after epoch (\d+)", title).group(1)))
        page.wait_for_timeout(250)
    tab.get_by_role("button", name="Stop", exact=True).dispatch_event("click")
    tab.get_by_text("Stopped by you").wait_for(timeout=60_000)
    assert len(seen) >= 2, f"the histograms showed epochs {sorted(seen)} while training"
    assert page.console_errors == [], page.console_errors


def test_a_visitors_live_state_is_gone_after_their_page_closes(browser, app_url):
    from playground.ui import engine

    before = engine.sessions_held()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(app_url)
    tab = open_train(page)
    fill_until_kept(tab.get_by_label("number input for Epochs"), 2)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("Training finished").wait_for(timeout=120_000)
    mine = engine.sessions_held() - before
    assert len(mine) == 1  # this visitor's job and its replay snapshots are kept while the page is open
    context.close()
    deadline = time.monotonic() + 60  # Gradio notices a closed page when its heartbeat stream breaks
    while mine & engine.sessions_held() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not mine & engine.sessions_held(), "the closed page's job outlived it"
    from app import demo  # Gradio's own record of the page (its gr.State holds the Run) goes with it too

    while mine & set(demo.state_holder.session_data) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not mine & set(demo.state_holder.session_data), "Gradio kept the closed page's state (the Run)"
