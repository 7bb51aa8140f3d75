"""One decorator that turns a refusal into the sentence Gradio shows.

Handlers and the package raise `playground.errors.UserError` for bad input.
Gradio shows a visitor only a `gr.Error`'s message (anything else arrives as
`{"error": null}`), so every handler used to catch `UserError` and re-raise it
by hand. `@refuses` does that in one place, for plain functions, generators and
their async forms alike: the message is cut to `MESSAGE_CHARS` (a last line of
defence against a message that echoes a huge input) and no traceback is
printed, because a refused input is not a bug. Anything else still raises as
itself and logs its traceback.

The wrapper keeps the handler's signature (`functools.wraps` sets
`__wrapped__`, which `inspect.signature` follows), so Gradio still finds
`gr.Request`/`gr.Progress` parameters and the API parameter names, and it stays
a generator function when the handler is one, so Gradio still streams it.
"""

import functools
import inspect

import gradio as gr

from playground import i18n
from playground.errors import UserError, shorten


def refusal(error: UserError) -> gr.Error:
    """The `gr.Error` a visitor sees for `error`: its sentence, cut short, with no traceback in the log."""
    return gr.Error(shorten(str(error)) or i18n.t("errors.input.refused"), title=i18n.t("app.toast.error"),
                    print_exception=False)


def refuses(handler):
    """Wrap `handler` so a `UserError` it raises reaches the visitor as one `gr.Error` sentence."""
    if inspect.isasyncgenfunction(handler):
        @functools.wraps(handler)
        async def async_stream(*args, **kwargs):
            try:
                async for update in handler(*args, **kwargs):
                    yield update
            except UserError as error:
                raise refusal(error) from None
        return async_stream

    if inspect.iscoroutinefunction(handler):
        @functools.wraps(handler)
        async def async_call(*args, **kwargs):
            try:
                return await handler(*args, **kwargs)
            except UserError as error:
                raise refusal(error) from None
        return async_call

    if inspect.isgeneratorfunction(handler):
        @functools.wraps(handler)
        def stream(*args, **kwargs):
            try:
                return (yield from handler(*args, **kwargs))
            except UserError as error:
                raise refusal(error) from None
        return stream

    @functools.wraps(handler)
    def call(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except UserError as error:
            raise refusal(error) from None
    return call
