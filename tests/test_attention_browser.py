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


def test_text_tab_shows_which_earlier_tokens_each_token_looked_at(page, screenshot_dir, tmp_path_factory):
    from tests.tiny_gpt2 import build_tiny_gpt2

    folder = build_tiny_gpt2(tmp_path_factory.mktemp("attention-models") / "gpt2")  # under the temp folder
    page.get_by_role("tab", name="Text", exact=True).click()
    model = page.locator("#text-model input")
    model.fill(str(folder))
    model.press("Enter")
    page.locator("#text-prompt textarea").fill("the dog")
    page.locator("#tab-text").get_by_role("button", name="Generate", exact=True).click()
    page.locator("#text-status").filter(has_text="tokens/s").wait_for(timeout=60_000)
    panel = page.locator("#text-attention")
    panel.get_by_text("Which earlier tokens each token looked at").first.click()
    panel.get_by_role("button", name="Show attention").click()
    plot = page.locator("#text-attention-plot")
    plot.get_by_text("Pick a head").wait_for(timeout=60_000)
    assert plot.get_by_text("Layer 1 of 2").count() == 1
    assert plot.locator(".updatemenu-header").get_by_text("head 2").count() == 1
    assert panel.get_by_text("2 layers × 2 heads").count() == 1
    plot.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    panel.screenshot(path=str(screenshot_dir / "attention-text.png"))
    assert page.console_errors == []
