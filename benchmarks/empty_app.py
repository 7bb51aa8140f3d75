"""A Gradio app that does nothing, served like the playground: the floor under every call through the app.

Why: bench_app.py compares a training run through the app's API with the same
run called directly. Part of that difference is Gradio's own round trip, paid
by any app: gradio_client joins the queue, the server starts the event,
streams its messages over SSE, and the client (which polls its messages every
50 ms) picks up the last one. These endpoints do nothing, so what they cost is
that floor: `/once` returns one text, `/stream` yields three, like a short live
run (a first line, a curve point, the results). Started by bench_app.py as
`python benchmarks/empty_app.py` on PLAYGROUND_PORT, with the app's own queue
settings.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402


def once(text: str) -> str:
    return text


def stream(text: str):
    for update in ("starting", "epoch 1", f"done: {text}"):
        yield update


def build() -> gr.Blocks:
    with gr.Blocks() as demo:
        given, shown = gr.Textbox(), gr.Textbox()
        gr.Button("once").click(once, given, shown, api_name="once")
        gr.Button("stream").click(stream, given, shown, api_name="stream")
    return demo


if __name__ == "__main__":
    from playground.ui.launch import launch_options

    options = launch_options()
    build().queue(**options["queue"]).launch(server_name="127.0.0.1", server_port=options["launch"]["server_port"],
                                             quiet=True)
