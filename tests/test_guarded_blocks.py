"""GuardedBlocks: Gradio's own input checks answer in one sentence naming the control; bugs stay bugs.

A tiny app with one control of each kind, served for real: faster than the
whole playground and it shows each rule alone (tests/test_fuzz.py covers the
real app).
"""

import math

import gradio as gr
import pytest

from playground.errors import UserError
from playground.ui.guarded_blocks import GuardedBlocks
from playground.ui.refusals import refuses
from tests.fuzz_inputs import SERVER_FILE, call


def echo(count, share, optimizers, colour, upload):
    return f"{count} {share} {optimizers} {colour} {upload is not None}"


def refuse(text):
    raise UserError(f"Nothing called {text!r} here: " + "pick another. " * 50)


def bug(text):
    raise KeyError("an internal detail the visitor must not see")


@refuses
def stream(text, request: gr.Request):
    yield f"hello {request.session_hash is not None}"
    raise UserError("Stopped: that is enough.")


@pytest.fixture(scope="module")
def tiny_app():
    with GuardedBlocks() as demo:
        count = gr.Number(3, precision=0, minimum=0, maximum=10, label="Count")
        share = gr.Slider(0, 1, value=0.5, label="Share")
        optimizers = gr.CheckboxGroup(["sgd", "adam"], value=["adam"], label="Optimizers")
        colour = gr.Dropdown(["red", "blue"], value="red", label="Colour")
        upload = gr.File(label="Data file")
        text, out = gr.Textbox(label="Text"), gr.Textbox()
        gr.Button().click(echo, [count, share, optimizers, colour, upload], out, api_name="echo")
        gr.Button().click(refuse, text, out, api_name="refuse")
        gr.Button().click(bug, text, out, api_name="bug")
        gr.Button().click(stream, text, out, api_name="stream")
    demo.queue()
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, server_name="127.0.0.1", server_port=None)
    yield url
    demo.close()


GOOD = [3, 0.5, ["adam"], "red", None]


@pytest.mark.parametrize("index,value,sentence", [
    (0, "abc", "Count: expected a whole number from 0 to 10, got 'abc'."),
    (0, math.nan, "Count: expected a whole number from 0 to 10, got nan."),
    (0, 11, "Count: expected a whole number from 0 to 10, got 11."),
    (1, math.nan, "Share: expected a number from 0 to 1, got nan."),
    (1, None, "Share: expected a number from 0 to 1, got None."),
    (2, "adam", "Optimizers: expected a list of some of: sgd, adam, got 'adam'."),
    (3, "x" * 100_000, "Colour: expected one of: red, blue, got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…."),
    (4, SERVER_FILE, "Data file: that file was not uploaded to this app; upload it first "
                     "(from Python, pass gradio_client.handle_file(path))."),
    (4, 7, "Data file: expected an uploaded file, got 7."),
])
def test_a_bad_value_is_refused_in_one_sentence_naming_its_control(tiny_app, index, value, sentence):
    data = list(GOOD)
    data[index] = value
    assert call(tiny_app, "/echo", data) == ("sentence", sentence)


def test_good_values_pass_and_a_short_call_is_told_how_many_values_it_needs(tiny_app):
    assert call(tiny_app, "/echo", GOOD) == ("result", "")
    assert call(tiny_app, "/echo", GOOD[:2]) == ("sentence", "This call sent 2 values but /echo takes 5.")


def test_a_user_error_a_handler_let_through_is_a_short_sentence_and_one_log_line(tiny_app, capfd, caplog):
    kind, message = call(tiny_app, "/refuse", ["moon"])
    assert kind == "sentence" and message.startswith("Nothing called 'moon' here") and len(message) <= 300
    lines = [r.getMessage() for r in caplog.records if r.name == "playground.refusals"]
    assert len(lines) == 1 and lines[0].startswith("refused /refuse: Nothing called 'moon'")
    assert "Traceback" not in capfd.readouterr().err


def test_a_bug_keeps_its_traceback_and_shows_the_visitor_nothing_internal(tiny_app, capfd):
    assert call(tiny_app, "/bug", ["x"]) == ("silent", "")
    log = capfd.readouterr().err
    assert "Traceback (most recent call last)" in log and "an internal detail" in log


def test_a_decorated_generator_streams_and_still_gets_its_request(tiny_app):
    from gradio_client import Client

    job = Client(tiny_app, verbose=False).submit("x", api_name="/stream")
    with pytest.raises(Exception, match="Stopped: that is enough."):
        job.result(timeout=30)
    assert job.outputs() == ["hello True"]
