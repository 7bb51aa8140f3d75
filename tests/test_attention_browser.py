"""In Chromium: train a Transformer on `pointer` in the Train tab and look at its attention.

The screenshots (tests/screenshots/attention-*.png) are for a person to look
at; the test asserts that the attention view is there with its head picker,
its token labels and its explanation, on a sequence and on an image.
"""

from tests.browser_helpers import fill_until_kept


def train(page, tab, dataset: str, epochs: int, *, model_label: str | None = None):
    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name=dataset, exact=True).click()
    page.wait_for_timeout(1000)  # the dataset's suggested settings land
    if model_label:
        tab.get_by_label(model_label, exact=True).check()
    fill_until_kept(tab.get_by_label("number input for Epochs"), epochs)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text(f"{epochs} epochs in").wait_for(timeout=240_000)


def test_train_a_transformer_and_watch_its_attention(page, screenshot_dir):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").wait_for(timeout=60_000)
    train(page, tab, "pointer", 10)
    assert tab.get_by_label("Transformer", exact=True).is_checked()  # pointer suggests the Transformer
    page.locator("#inside-network").get_by_text("Inside the network").first.click()
    inside = page.locator("#inside-plot")
    inside.get_by_text("Pick a layer and head").wait_for(timeout=60_000)
    assert inside.get_by_text("where [CLS] (the token the classifier reads) looked").count() == 1
    assert inside.get_by_text("[CLS]").count() >= 1
    inside.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    inside.screenshot(path=str(screenshot_dir / "attention-pointer.png"))
    picker = inside.locator(".updatemenu-header")  # the head picker, showing the head drawn
    assert picker.get_by_text("layer 2 · head 4").count() == 1
    picker.click()
    page.wait_for_timeout(500)
    inside.locator(".menulayer").get_by_text("layer 1 · head 1", exact=True).click()
    page.wait_for_timeout(500)
    inside.screenshot(path=str(screenshot_dir / "attention-pointer-layer1.png"))
    train(page, tab, "digits", 2, model_label="Transformer")
    inside.get_by_text("where [CLS] looked among the 16 patches").wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    inside.screenshot(path=str(screenshot_dir / "attention-digits.png"))
    assert page.console_errors == []
