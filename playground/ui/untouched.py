"""Outputs a handler's update leaves alone cost nothing: Gradio is shown only the ones it changes.

Why: a handler that returns a dict keyed by component (every handler here:
engine.named) leaves the other outputs as they are on the page. Gradio 6.31
turns each of those into `gr.skip()`, a property update with no properties,
and for every one it rebuilds the component (`block.__class__(**kwargs)`) and
its session config twice (`config_for_block`: `api_info` and a pydantic JSON
schema for a plot or a file). That is a no-op done the slow way: the Train
tab's live updates change 3 of its 11 outputs, and the other 8 cost the
server 10-60 ms of Python an update (profiled with py-spy), time taken from
the training thread under the GIL. `UntouchedOutputs.postprocess_data` passes
Gradio only the outputs an update touches and answers the rest as Gradio
itself would have: `{"__type__": "update"}`, which the page reads as "leave it".
"""

import copy

import gradio as gr
from gradio.blocks import Block

NOTHING = {"__type__": "update"}  # what gr.skip() is, and what Gradio sends for it


def untouched(block, value) -> bool:
    """Whether `value` leaves `block` as it is (a gr.State always goes through Gradio: that path is cheap)."""
    return not block.stateful and isinstance(value, dict) and value == NOTHING


def left_alone(block):
    """What Gradio sends for an output an update doesn't name: "leave it" (nothing at all for a gr.State)."""
    return None if block.stateful else dict(NOTHING)


class UntouchedOutputs(gr.Blocks):
    async def postprocess_data(self, block_fn, predictions, state):
        outputs = list(block_fn.outputs)
        if (not isinstance(predictions, dict) or not predictions or len(outputs) < 2 or block_fn.batch
                or block_fn.is_validator_function or not all(isinstance(key, Block) for key in predictions)):
            return await super().postprocess_data(block_fn, predictions, state)
        given = {block._id: value for block, value in predictions.items()}
        if set(given) - {block._id for block in outputs}:  # Gradio's own error for a component not an output
            return await super().postprocess_data(block_fn, predictions, state)
        touched = [block for block in outputs if block._id in given and not untouched(block, given[block._id])]
        if not touched:
            return [left_alone(block) for block in outputs]
        some = copy.copy(block_fn)  # the same event with only the outputs this update touches
        some.outputs = touched
        done = await super().postprocess_data(some, {block: given[block._id] for block in touched}, state)
        done = dict(zip([block._id for block in touched], done))
        return [done[block._id] if block._id in done else left_alone(block) for block in outputs]
