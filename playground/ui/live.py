"""A per-visitor side channel for figures computed while training, read by a second, watching event.

The Train tab's `/train` API keeps its outputs; the views from inside the
network (histograms, neuron maps) are computed by the training generator
itself, in its own thread and between steps, so nothing touches the model
while it trains. They are posted here, and a watcher event started by the same
click forwards each new version to the page until the run ends.
"""

import threading
import time

import gradio as gr

WAIT_FOR_START_SECONDS = 20.0
POLL_SECONDS = 0.25
_boards: dict[str, dict] = {}
_lock = threading.Lock()


def _session(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "local"


def begin(request: gr.Request | None) -> None:
    with _lock:
        board = _boards.setdefault(_session(request), {"version": 0, "figures": None})
        board.update(running=True, version=board["version"] + 1)


def post(request: gr.Request | None, figures: list) -> None:
    with _lock:
        board = _boards.setdefault(_session(request), {"version": 0, "running": True})
        board.update(figures=figures, version=board["version"] + 1)


def end(request: gr.Request | None, figures: list | None = None) -> None:
    with _lock:
        board = _boards.setdefault(_session(request), {"version": 0})
        board.update(running=False, version=board["version"] + 1)
        if figures is not None:
            board["figures"] = figures


def watch(request: gr.Request):
    """Yield each new list of figures posted for this visitor until their run ends."""
    session = _session(request)
    with _lock:
        seen = _boards.get(session, {}).get("version", 0)
    deadline = time.monotonic() + WAIT_FOR_START_SECONDS
    started = False
    while True:
        time.sleep(POLL_SECONDS)
        with _lock:
            board = dict(_boards.get(session, {}))
        if board.get("version", 0) != seen:
            seen, started = board["version"], True
            if board.get("figures"):
                yield board["figures"]
        if started and not board.get("running"):
            return
        if not started and time.monotonic() > deadline:
            return
