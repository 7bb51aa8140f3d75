"""In Chromium: picking the Transformer sets its learning rate, and the replay slider redraws its attention.

The screenshot (tests/screenshots/attention-replay-epoch1.png) is for a
person to look at: the attention of the first epoch, before the heads learned
where the pointer points.
"""

from tests.browser_helpers import fill_until_kept


def wait_for_value(box, value: str, seconds: float = 30) -> None:
    for _ in range(int(seconds * 2)):
        if box.input_value() == value:
            return
        box.page.wait_for_timeout(500)
    raise AssertionError(f"{value} never showed: {box.input_value()}")


def test_the_transformer_sets_its_lr_and_the_replay_shows_an_early_epochs_attention(page, screenshot_dir):
    tab = page.locator("#tab-train")
    tab.get_by_text("Decision boundary").wait_for(timeout=60_000)
    lr = tab.get_by_label("Learning rate", exact=True)
    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name="digits_rows", exact=True).click()
    wait_for_value(lr, "0.01")  # digits_rows suggests the RNN
    tab.get_by_label("Transformer", exact=True).check()
    wait_for_value(lr, "0.001")

    tab.get_by_label("Dataset").click()
    page.get_by_role("option", name="pointer", exact=True).click()
    page.wait_for_timeout(1000)  # the dataset's suggested settings land
    fill_until_kept(tab.get_by_label("number input for Epochs"), 4)
    tab.get_by_role("button", name="Train", exact=True).click()
    tab.get_by_text("4 epochs in").wait_for(timeout=240_000)
    page.locator("#inside-network").get_by_text("Inside the network").first.click()
    inside = page.locator("#inside-plot")
    inside.get_by_text("Pick a layer and head").wait_for(timeout=60_000)
    replay = tab.get_by_label("number input for Replay: epoch")
    replay.fill("1")
    replay.press("Enter")
    inside.get_by_text("after epoch 1").wait_for(timeout=60_000)
    inside.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    inside.screenshot(path=str(screenshot_dir / "attention-replay-epoch1.png"))
    replay.fill("4")
    replay.press("Enter")
    inside.get_by_text("after epoch 4").wait_for(timeout=60_000)
    assert page.console_errors == []
