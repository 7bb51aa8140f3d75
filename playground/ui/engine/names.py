"""Handlers speak names, not positions: dicts keyed by output name become dicts keyed by component.

Why: a handler that returns a positional list padded with gr.skip() to a
length written elsewhere breaks when an output is added; `named` maps names to
components, skips empty streamed updates, turns a UserError into one gr.Error
sentence and hands a finished job to the run store; `listen` wires a listener
with its inputs passed by name, so the API takes keywords.
"""

from __future__ import annotations

import functools
import inspect

import gradio as gr

from playground.ui import run_store

# names, not positions


def named(outputs: dict):
    """Decorate a handler that returns (or yields) dicts keyed by output name, as Gradio's dicts keyed by
    component. Names not in a dict are left as they are on the page; a streamed empty dict is skipped (a
    painter with nothing new to draw may return one). A UserError becomes one gr.Error sentence
    (refusals.refuses). The signature is kept, so Gradio still passes gr.Request and the API keeps the names."""
    from playground.ui.refusals import refuses

    def by_component(update):
        if not isinstance(update, dict):
            return update
        unknown = set(update) - set(outputs)
        assert not unknown, f"not an output of this listener: {sorted(unknown)}"
        return {outputs[name]: value for name, value in update.items()}

    def decorate(handler):
        if inspect.isgeneratorfunction(handler):
            @functools.wraps(handler)
            def streaming(*args, **kwargs):
                last = {}
                for update in handler(*args, **kwargs):
                    if update == {}:  # nothing new to show: Gradio would take {} for too few outputs and fail
                        continue
                    if isinstance(update, dict):  # what the page shows now (an update may send only changes);
                        # copied: Gradio takes 'value' out of a gr.update once sent
                        last.update({k: dict(v) if isinstance(v, dict) else v for k, v in update.items()})
                    yield by_component(update)
                # a job that ended in this handler goes to the run store now its files are named (run_store.py)
                request = next((a for a in (*args, *kwargs.values()) if isinstance(a, gr.Request)), None)
                unsaved = run_store.post(request, last)
                if unsaved and "status" in outputs:
                    yield by_component({"status": unsaved})

            return refuses(streaming)

        @functools.wraps(handler)
        def once(*args, **kwargs):
            return by_component(handler(*args, **kwargs))

        return refuses(once)

    return decorate


def listen(trigger, handler, *, inputs: dict | None = None, outputs: dict | None = None, **options):
    """`trigger(handler)` with inputs passed by name (so the API takes keywords) and outputs by name."""
    outputs = outputs or {}
    return trigger(named(outputs)(handler), inputs_kwargs=inputs or None, outputs=list(outputs.values()) or None,
                   **options)
