"""A `gr.Blocks` whose every refusal reaches the visitor as one short sentence.

Gradio checks inputs before a handler runs (an integer field given NaN, a
slider given text, a checkbox group given a string, a file path nobody
uploaded). Those checks raise plain exceptions, which reach the visitor as
`{"error": null}` and print a traceback; `launch(show_error=True)` would show
`str(exception)` for every error instead, internals included. `GuardedBlocks`
runs Gradio's own preprocessing one input at a time, so when one fails it knows
which control it was and says so: "Epochs: expected a number from 1 to 500,
got 'abc'." NaN and infinity are refused in every number and slider (a
slider's bounds check lets NaN through). It also turns a `UserError` that a
handler let through into a `gr.Error`, cuts every message to `MESSAGE_CHARS`,
and logs a refusal as one line instead of a traceback. Anything else is a bug:
it keeps its traceback and its `{"error": null}`.
"""

import copy
import logging
import math

import gradio as gr
from gradio.exceptions import InvalidPathError
from gradio.i18n import I18nData
from gradio.state_holder import SessionState

from playground import i18n
from playground.errors import UserError, shorten, shown
from playground.ui.untouched import UntouchedOutputs

log = logging.getLogger("playground.refusals")

FILE_COMPONENTS = (gr.File, gr.Audio, gr.Image, gr.Video, gr.UploadButton)
NUMBER_COMPONENTS = (gr.Slider, gr.Number)


def finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


class GuardedBlocks(UntouchedOutputs):  # and the outputs an update leaves alone cost nothing
    async def preprocess_data(self, block_fn, inputs, state, explicit_call=False):
        if len(inputs) < len(block_fn.inputs):
            raise gr.Error(i18n.t("errors.input.wrong_count", sent=len(inputs), takes=len(block_fn.inputs),
                                  endpoint=endpoint(block_fn, spoken=True)), print_exception=False)
        state = state or SessionState(self)
        try:  # Gradio's own pass first (one thread hop an input): the input-by-input one only names a refusal
            processed = await super().preprocess_data(block_fn, inputs, state, explicit_call)
            if len(processed) == len(block_fn.inputs) and all(
                    finite(value) for block, value in zip(block_fn.inputs, processed)
                    if isinstance(block, NUMBER_COMPONENTS)):
                return processed
        except Exception:  # noqa: BLE001: found again below, input by input, and said in one sentence
            pass
        processed = []
        for index, block in enumerate(block_fn.inputs):
            one = copy.copy(block_fn)  # the same event with one input: Gradio's loop, one step at a time
            one.inputs = [block]
            one.component_prop_inputs = [0] if index in block_fn.component_prop_inputs else []
            try:
                value = await super().preprocess_data(one, [inputs[index]], state, explicit_call)
                if isinstance(block, NUMBER_COMPONENTS) and not finite(value[0]):
                    raise ValueError("not a finite number")  # a slider's bounds let NaN through
                processed += value
            except Exception as error:
                shown_block = state[block._id] if block._id in state else block  # this visitor's choices
                raise gr.Error(input_refusal(shown_block, inputs[index], error), title=i18n.t("app.toast.error"),
                               print_exception=False) from None
        return processed

    async def process_api(self, block_fn, *args, **kwargs):
        try:
            return await super().process_api(block_fn, *args, **kwargs)
        except UserError as error:
            raise refused(block_fn, self, str(error)) from None
        except gr.Error as error:
            raise refused(block_fn, self, error.message, error) from None


def refused(block_fn, blocks, message: str, error: gr.Error | None = None) -> gr.Error:
    """The error to send: `message` cut short, no traceback, one line in the log instead."""
    if isinstance(block_fn, int):
        block_fn = blocks.fns[block_fn]
    message = shorten(message or i18n.t("errors.input.refused"))
    log.warning("refused %s: %s", endpoint(block_fn), message)
    if error is None:
        return gr.Error(message, title=i18n.t("app.toast.error"), print_exception=False)
    error.message, error.print_exception = message, False
    # Gradio's own title is English. Its 6.31 toast shows its own word, not this (ui/gradio_words.py fixes the
    # page), but an API client reads the title from the message
    if error.title == "Error":
        error.title = i18n.t("app.toast.error")
    return error


def endpoint(block_fn, spoken: bool = False) -> str:
    """The event's API name; one without a name is "this event" (in the visitor's language when `spoken`)."""
    if getattr(block_fn, "api_name", None):
        return f"/{block_fn.api_name}"
    return i18n.t("errors.input.this_event") if spoken else "this event"


def input_refusal(block, value, error: Exception) -> str:
    """One sentence naming the control, what it takes, and (briefly) what came instead."""
    label = getattr(block, "label", None) or block.get_block_name()
    if isinstance(label, I18nData):  # a catalogue key (playground.i18n.ui): the visitor's words for it
        label = i18n.t(label.key)
    if isinstance(block, FILE_COMPONENTS):
        if isinstance(error, InvalidPathError):
            return i18n.t("errors.input.not_uploaded", label=label)
        return i18n.t("errors.input.expected_file", label=label, value=shown(value))
    return i18n.t("errors.input.expected", label=label, expected=expected(block), value=shown(value))


def number(value) -> str:
    """2147483647 as itself, 0.001 as 0.001: a bound as the visitor would type it."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def expected(block) -> str:
    """What a control takes, as a sentence says it."""
    if isinstance(block, (gr.Slider, gr.Number)):
        kind = i18n.t("errors.input.whole_number" if getattr(block, "precision", None) == 0 else "errors.input.number")
        low, high = block.minimum, block.maximum
        if low is not None and high is not None:
            return i18n.t("errors.input.from_to", kind=kind, low=number(low), high=number(high))
        if low is not None:
            return i18n.t("errors.input.at_least", kind=kind, low=number(low))
        return kind
    choices = ", ".join(str(value) for _, value in getattr(block, "choices", None) or [])
    if isinstance(block, gr.CheckboxGroup):
        return i18n.t("errors.input.some_of", choices=shorten(choices, 120))
    if isinstance(block, (gr.Dropdown, gr.Radio)):
        return i18n.t("errors.input.one_of", choices=shorten(choices, 120)) if choices else i18n.t(
            "errors.input.one_of_its_choices")
    if isinstance(block, gr.Checkbox):
        return i18n.t("errors.input.true_or_false")
    if isinstance(block, gr.Textbox):
        return i18n.t("errors.input.text")
    return i18n.t("errors.input.a_value")
