"""Small helpers for driving the app in Chromium."""


def fill_until_kept(box, value) -> None:
    """Type into a page input, again if a page-open hook (restoring shared settings, a dataset's suggested
    values) overwrote it meanwhile: on a busy machine those can land after the first keystrokes."""
    for _ in range(5):
        box.fill(str(value))
        box.press("Enter")
        box.page.wait_for_timeout(700)
        if box.input_value() == str(value):
            return
    raise AssertionError(f"the input would not keep the value {value}")
