"""Shared fixtures: the app started for real, a headless Chromium page, and offline settings.

Nothing here downloads: the Hub is switched off before transformers is imported,
and the browser is Debian's chromium (never `playwright install`).
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

# one torch thread: the tiny test models run no faster on two, and far slower when the cores are busy
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("PLAYGROUND_OUTPUT_DIR", tempfile.mkdtemp(prefix="playground-test-outputs-"))
# the run store (SQLite) in a temporary folder: tests never write into the checkout's playground-data/
os.environ.setdefault("PLAYGROUND_DATA_DIR", tempfile.mkdtemp(prefix="playground-test-data-"))
# Gradio's uploads and cached copies too: each test process (a pytest-xdist worker) serves its own app, whose disk
# sweeper must not meet the other's files
os.environ.setdefault("GRADIO_TEMP_DIR", tempfile.mkdtemp(prefix="playground-test-gradio-"))
# the app lets visitors load folders only under the models folder: tests build their tiny models in temp folders
os.environ.setdefault("PLAYGROUND_MODELS_DIR", tempfile.gettempdir())

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = os.environ.get("PLAYGROUND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def app_url():
    """The real app, served once for the whole test session on a free local port."""
    from app import demo
    from playground.ui.launch import launch_options

    demo.queue(**launch_options()["queue"])
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1", server_port=None)
    yield url
    demo.close()


@pytest.fixture(autouse=True)
def library_tests_load_any_model(request):
    """Importing app.py turns the allow-list on for the whole process; library tests call the loaders
    directly, as the CLI does, so they run with it off. Tests of the served app keep it on."""
    from playground import hub

    if "app_url" in request.fixturenames:
        yield
        return
    previous = hub._restricted
    hub.restrict_to_allow_list(False)
    yield
    hub.restrict_to_allow_list(previous)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Playwright. On CI it must exist; elsewhere a missing one skips."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run should have installed Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def client(app_url):
    """An API client of the served app: one visitor, one session."""
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture
def page(browser, app_url):
    """A fresh desktop-sized page on the app; console errors are collected in `page.console_errors`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.goto(app_url)
    page.wait_for_selector("button[role=tab]", timeout=60_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def run_cli(*args: str, timeout: float = 600):
    """Run `python -m playground ARGS` in a fresh process; returns the CompletedProcess."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="session")
def cli():
    return run_cli


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database URL (SQLAlchemy form) for tests that need a real server. `.ci/run` starts a
    throwaway one and exports PLAYGROUND_TEST_POSTGRES_URL; elsewhere an unset variable skips, on CI it fails."""
    url = os.environ.get("PLAYGROUND_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("PLAYGROUND_TEST_POSTGRES_URL is unset: .ci/run should have started PostgreSQL")
        pytest.skip("no PostgreSQL (set PLAYGROUND_TEST_POSTGRES_URL, as .ci/run does)")
    return url


BROWSER_FIXTURES = {"page", "browser"}


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: uses Chromium (scripts/test.sh runs these after the others, alone)")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark every test that takes a Chromium fixture (directly or through another fixture) `browser`:
    scripts/test.sh runs the rest on two pytest-xdist workers, then these in one process with the machine to
    themselves, as their waits on a training page were written for."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_report_header(config):
    return f"chromium: {CHROMIUM if shutil.which(CHROMIUM) else 'missing'}"
