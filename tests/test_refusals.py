"""`@refuses` turns a UserError into one short gr.Error sentence and changes nothing else about a handler."""

import inspect

import gradio as gr
import pytest

from playground.errors import UserError, shown
from playground.ui.refusals import refuses


@refuses
def plain(value: int, request: gr.Request = None, progress=gr.Progress()):
    if value < 0:
        raise UserError(f"Value {value} is negative: pick 0 or more.")
    if value == 13:
        raise KeyError("a real bug")
    return value * 2


@refuses
def stream(count: int):
    yield "first"
    if count > 1:
        raise UserError("x" * 5000)
    yield "second"


def test_a_refusal_becomes_a_gr_error_without_a_traceback():
    with pytest.raises(gr.Error) as caught:
        plain(-1)
    assert caught.value.message == "Value -1 is negative: pick 0 or more."
    assert caught.value.print_exception is False
    assert plain(4) == 8


def test_a_bug_is_not_dressed_up_as_a_refusal():
    with pytest.raises(KeyError):
        plain(13)


def test_the_signature_gradio_inspects_is_kept():
    assert list(inspect.signature(plain).parameters) == ["value", "request", "progress"]
    assert inspect.signature(plain).parameters["request"].annotation is gr.Request
    assert inspect.isgeneratorfunction(stream) and not inspect.isgeneratorfunction(plain)


def test_a_generator_streams_until_its_refusal_and_the_sentence_is_cut_short():
    updates = stream(2)
    assert next(updates) == "first"
    with pytest.raises(gr.Error) as caught:
        next(updates)
    assert 0 < len(caught.value.message) <= 300 and caught.value.message.endswith("…")
    assert list(stream(1)) == ["first", "second"]


def test_shown_quotes_a_value_in_a_few_dozen_characters():
    assert shown("abc") == "'abc'"
    assert len(shown("a" * 100_000)) == 40
    assert shown("a\x00b") == "'a\\x00b'"
    assert len(shown(list(range(10_000)))) <= 40
    assert shown(float("nan")) == "nan"


def test_the_toast_title_speaks_the_visitors_language():
    from playground import i18n
    from playground.ui.guarded_blocks import refused
    from playground.ui.refusals import refusal

    assert refusal(UserError("Epochs must be a whole number.")).title == "Error"
    with i18n.speaking("zh-CN"):
        assert refusal(UserError("轮数必须是整数。")).title == i18n.catalogue("zh-CN")["app.toast.error"]
        assert refused(object(), None, "x", gr.Error("x")).title == i18n.catalogue("zh-CN")["app.toast.error"]
        assert refused(object(), None, "x", gr.Error("x", title="Busy")).title == "Busy"  # a title of our own stays
