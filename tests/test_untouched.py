"""UntouchedOutputs: an update keyed by component sends the page what Gradio's own postprocessing sends, but the
outputs it leaves alone are not rebuilt in the session (the costly no-op it skips)."""

import asyncio

import gradio as gr
import pandas as pd
from gradio.state_holder import SessionState

from playground.ui.untouched import UntouchedOutputs


def build(blocks_class):
    with blocks_class() as demo:
        status, table, plot, slider = gr.Markdown(), gr.Dataframe(), gr.Plot(), gr.Slider(0, 5)
        run = gr.State()
        gr.Button().click(lambda: None, None, [status, table, plot, slider, run])
    return demo, (status, table, plot, slider, run)


def postprocess(blocks_class, update_of):
    demo, blocks = build(blocks_class)
    state = SessionState(demo)
    fn = next(iter(demo.fns.values()))
    sent = asyncio.run(demo.postprocess_data(fn, update_of(*blocks), state))
    return sent, state, blocks


UPDATES = {
    "text only": lambda status, table, plot, slider, run: {status: "epoch 3/20"},
    "a property update": lambda status, table, plot, slider, run: {status: "x",
                                                                   slider: gr.update(maximum=4, value=3)},
    "a skip and a state": lambda status, table, plot, slider, run: {table: gr.skip(), run: {"epochs": 3}},
    "everything": lambda status, table, plot, slider, run: {
        status: "done", table: gr.update(value=pd.DataFrame({"a": [1]}), visible=True), plot: None,
        slider: gr.update(visible=True), run: 7},
}


def test_sends_what_gradio_sends():
    for name, update_of in UPDATES.items():
        ours, our_state, our_blocks = postprocess(UntouchedOutputs, update_of)
        theirs, their_state, their_blocks = postprocess(gr.Blocks, update_of)
        assert ours == theirs, name
        for mine, gradios in zip(our_blocks, their_blocks):  # the same session afterwards: props and state values
            if mine.stateful:
                assert our_state[mine._id] == their_state[gradios._id], name
            else:  # Gradio's rebuilt copy differs only in render=False, which its no-op rebuild adds
                assert props(our_state, mine) == props(their_state, gradios), name


def props(state, block) -> dict:
    shown = state[block._id] if block._id in state else block
    return {k: v for k, v in shown.constructor_args.items() if k != "render"}


def test_untouched_outputs_are_not_rebuilt():
    demo, (status, table, plot, slider, run) = build(UntouchedOutputs)
    state = SessionState(demo)
    fn = next(iter(demo.fns.values()))
    asyncio.run(demo.postprocess_data(fn, {status: "one"}, state))
    before = {block._id: state[block._id] if block._id in state else None for block in (table, plot, slider)}
    sent = asyncio.run(demo.postprocess_data(fn, {status: "two"}, state))
    assert sent[0] == "two" and sent[1:4] == [{"__type__": "update"}] * 3
    assert all((state[i] if i in state else None) is block for i, block in before.items())
