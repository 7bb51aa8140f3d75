"""The Sweep tab's smart search in headless Chromium: pruned runs greyed with the epoch they stopped at, the
importance chart, and a study that command-line worker processes fill, watched as its runs end. Screenshots:
tests/screenshots/sweep_smart_pruned.png and sweep_smart_watch.png."""

import re
import sqlite3
import subprocess
import sys
import time

from browser_helpers import fill_until_kept
from conftest import ROOT

GREY = "rgb(156, 163, 175)"  # playground.sweep.results.PRUNED


def choose(page, tab, label: str, option: str) -> None:
    tab.get_by_label(label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def cells(tab, pattern: str):
    """The results table's visible cells whose text matches (Gradio draws a cell's text in a span)."""
    return tab.locator(".cell-wrap span:visible").filter(has_text=re.compile(pattern))


def open_sweep(page):
    page.get_by_role("tab", name="Sweep").click()
    tab = page.locator("#sweep-tab")
    tab.get_by_role("button", name="Run sweep").wait_for(timeout=60_000)
    return tab


def test_a_smart_sweep_greys_its_pruned_runs(page, screenshot_dir):
    tab = open_sweep(page)
    choose(page, tab, "Dataset", "spiral")
    tab.get_by_label("sgd").check()
    fill_until_kept(tab.get_by_label("Learning rates"), "0.0003,0.3")
    choose(page, tab, "Search", "smart")
    fill_until_kept(tab.get_by_label("number input for Epochs per run"), 6)
    fill_until_kept(tab.get_by_label("number input for Max runs"), 10)
    fill_until_kept(tab.get_by_label("Seed", exact=True), 1)
    tab.get_by_role("button", name="Run sweep").click()
    page.locator("#sweep-status").filter(has_text="Best:").wait_for(timeout=300_000)
    pruned = cells(tab, r"^pruned at epoch \d+$")  # the results table's, not the curves' legend
    pruned.first.wait_for(timeout=10_000)
    page.wait_for_timeout(800)
    page.screenshot(path=str(screenshot_dir / "sweep_smart_pruned.png"), full_page=True)
    colours = pruned.evaluate_all("cells => cells.map(c => getComputedStyle(c).color)")
    assert colours and set(colours) == {GREY}, colours
    finished = cells(tab, r"^finished$").first
    assert finished.evaluate("c => getComputedStyle(c).color") != GREY
    assert tab.get_by_text("Which settings mattered").count() >= 1
    assert page.console_errors == []


def test_the_tab_watches_a_study_that_cli_workers_fill(page, screenshot_dir, tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'host.db'}"
    monkeypatch.setenv("PLAYGROUND_SWEEP_STORAGE", url)  # the host's storage: read when Watch is pressed
    workers = subprocess.Popen(
        [sys.executable, "-m", "playground", "sweep", "--search", "smart", "--dataset", "spiral", "--lr", "0.001,0.1",
         "--optimizer", "adam,sgd", "--epochs", "8", "--max-runs", "6", "--device", "cpu", "--storage", url,
         "--study", "from-the-cli", "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "from-the-cli" not in _names(url):  # the CLI made the study
            time.sleep(0.5)
        tab = open_sweep(page)
        tab.get_by_text("Watch a study").click()  # the accordion opens
        fill_until_kept(tab.get_by_label("Study to watch"), "from-the-cli")
        tab.get_by_role("button", name="Watch", exact=True).click()
        status = page.locator("#sweep-status")
        status.filter(has_text="watching study").wait_for(timeout=60_000)
        ended = cells(tab, r"^(finished|pruned at epoch \d+)$")
        seen = set()
        while time.monotonic() < deadline + 300 and "Best:" not in status.inner_text():
            seen.add(ended.count())
            page.wait_for_timeout(300)
        assert "Best:" in status.inner_text()
        assert ended.count() == 6 and len(seen) > 1  # the runs came in as the workers ended them, not at the end
        page.wait_for_timeout(800)
        page.screenshot(path=str(screenshot_dir / "sweep_smart_watch.png"), full_page=True)
        assert workers.wait(timeout=300) == 0, workers.stderr.read().decode()
        assert page.console_errors == []
    finally:
        if workers.poll() is None:
            workers.terminate()
            workers.wait(timeout=60)


def _names(url: str) -> list[str]:
    """The studies in the SQLite file, read-only (opening it through Optuna would race the CLI creating it)."""
    path = url.removeprefix("sqlite:///")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return [name for (name,) in db.execute("select study_name from studies")]
    except sqlite3.Error:  # not there yet, or its tables not yet made
        return []
