"""Every tab in headless Chromium, at desktop (1400 px) and phone (390 px) width: its main action end to end.

Each test opens a fresh page, goes to one tab (on a phone the later tabs sit
behind Gradio's "More tabs" menu), runs the tab's main action with tiny
settings, waits for its result, saves a full-page screenshot as
tests/screenshots/suite-<tab>-<width>.png and asserts that the browser console
logged no error and the page threw none. Models are the tiny local ones
(nothing is downloaded).
"""

import pytest

from tests.browser_helpers import fill_until_kept
from tests.tiny_gpt2 import build_tiny_gpt2
from tests.tiny_wav2vec2 import build_tiny_wav2vec2

WIDTHS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}
EXAMPLE = "assets/speech_example.wav"


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    root = tmp_path_factory.mktemp("suite-models")  # under the temp folder: the models folder in tests
    return {"gpt2": str(build_tiny_gpt2(root / "gpt2")), "wav2vec2": str(build_tiny_wav2vec2(root / "wav2vec2"))}


@pytest.fixture(params=list(WIDTHS))
def screen(request, browser, app_url):
    """A fresh page at one width; console errors and uncaught page errors are collected."""
    context = browser.new_context(viewport=WIDTHS[request.param], device_scale_factor=1)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.goto(app_url)
    page.wait_for_selector("button[role=tab]", timeout=60_000)
    yield request.param, page, errors
    context.close()


def open_tab(page, name: str):
    """Select a tab, through the overflow menu when the tab bar has no room for it; returns the tab's panel."""
    button = page.get_by_role("tab", name=name, exact=True)
    if not button.is_visible():
        page.get_by_role("button", name="More tabs").click()
        page.locator(".overflow-dropdown button", has_text=name).first.click()
    else:
        button.click()
    panel = page.locator(f"#tab-{name.lower()}")
    panel.wait_for(state="visible", timeout=30_000)
    return panel


def set_number(panel, label: str, value) -> None:
    fill_until_kept(panel.get_by_label(f"number input for {label}", exact=True), value)


def finish(page, errors, width: str, tab: str, screenshot_dir):
    page.wait_for_timeout(800)  # let the last plots draw
    page.screenshot(path=str(screenshot_dir / f"suite-{tab}-{width}.png"), full_page=True)
    assert errors == [], errors


# one test per tab, each at both widths


def test_train(screen, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "Train")
    panel.get_by_text("Decision boundary").wait_for(timeout=60_000)  # the preview drawn when the page opens
    set_number(panel, "Epochs", 5)
    panel.get_by_role("button", name="Train", exact=True).click()
    panel.get_by_text("5 epochs in").wait_for(timeout=120_000)  # the final status line (the metrics may come first)
    assert panel.get_by_text("test accuracy").count() >= 1
    finish(page, errors, width, "train", screenshot_dir)


def test_sweep(screen, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "Sweep")
    set_number(panel, "Epochs per run", 3)
    panel.get_by_role("button", name="Run sweep").click()
    page.locator("#sweep-status").filter(has_text="Best:").wait_for(timeout=180_000)
    assert "✅" in page.locator("#sweep-status").inner_text()
    finish(page, errors, width, "sweep", screenshot_dir)


def test_transfer(screen, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "Transfer")
    set_number(panel, "Target epochs", 3)
    set_number(panel, "Pretrain epochs", 1)
    panel.get_by_role("button", name="Train all strategies").click()
    page.locator("#transfer-status").filter(has_text="Backbone:").wait_for(timeout=240_000)
    assert "✅" in page.locator("#transfer-status").inner_text()
    finish(page, errors, width, "transfer", screenshot_dir)


def test_gan(screen, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "GAN")
    set_number(panel, "Epochs", 1)
    panel.get_by_role("button", name="Train", exact=True).click()
    panel.get_by_text("sample confidence").wait_for(timeout=300_000)
    panel.get_by_role("button", name="Sample", exact=True).click()
    panel.get_by_text("samples-seed0").wait_for(timeout=60_000)
    finish(page, errors, width, "gan", screenshot_dir)


def test_vae(screen, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "VAE")
    set_number(panel, "Epochs", 2)
    panel.get_by_role("button", name="Train", exact=True).click()
    panel.get_by_text("test reconstruction MSE").wait_for(timeout=180_000)
    # curves and the latent scatter: the status can be on the page a moment before plotly has drawn them
    panel.locator(".js-plotly-plot").nth(1).wait_for(timeout=30_000)
    assert panel.locator(".js-plotly-plot").count() >= 2
    finish(page, errors, width, "vae", screenshot_dir)


def test_text(screen, tiny_models, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "Text")
    model = page.locator("#text-model input")
    model.fill(tiny_models["gpt2"])
    model.press("Enter")
    page.locator("#text-prompt textarea").fill("the dog")
    panel.get_by_role("button", name="Generate", exact=True).click()
    page.locator("#text-status").filter(has_text="tokens/s").wait_for(timeout=60_000)
    assert "✅" in page.locator("#text-status").inner_text()
    assert page.locator("#text-output textarea").input_value().startswith("the dog")
    assert page.locator("span[title*='p = ']").count() > 5  # the tokens coloured by probability
    finish(page, errors, width, "text", screenshot_dir)


def test_text_tiny_gpt_training(screen, screenshot_dir):
    width, page, errors = screen
    open_tab(page, "Text")
    panel = page.locator("#tiny-gpt")
    steps = panel.get_by_label("Steps", exact=True)
    steps.fill("20")
    steps.press("Enter")
    panel.get_by_role("button", name="Train", exact=True).click()
    page.locator("#tiny-gpt-status").filter(has_text="Trained: 20 steps").wait_for(timeout=180_000)
    assert "step 20" in page.locator("#tiny-gpt-samples textarea").input_value()
    finish(page, errors, width, "text-tiny-gpt", screenshot_dir)


def test_speech(screen, tiny_models, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "Speech")
    panel.locator("#speech-audio").get_by_label("Upload file").click()  # the microphone is the first source
    panel.locator("#speech-audio input[type=file]").set_input_files(EXAMPLE)
    panel.get_by_label("Model").fill(tiny_models["wav2vec2"])
    panel.get_by_role("button", name="Transcribe").click()
    page.locator("#speech-status").filter(has_text="real-time factor").wait_for(timeout=120_000)
    page.locator("#speech-tab .js-plotly-plot").first.wait_for(timeout=30_000)
    finish(page, errors, width, "speech", screenshot_dir)


def test_system(screen, screenshot_dir):
    width, page, errors = screen
    panel = open_tab(page, "System")
    panel.get_by_role("button", name="Refresh").click()
    panel.get_by_text("process resident MB").wait_for(timeout=30_000)
    assert panel.get_by_text("allowed model").count() >= 1  # what visitors may load
    finish(page, errors, width, "system", screenshot_dir)
