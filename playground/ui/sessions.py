"""Per-visitor stop flags, keyed by Gradio's session hash.

A Stop button sets its visitor's flag; the running loop checks it every step
and ends at once, keeping what it has. Nothing here is shared between
visitors, so one user's Stop never touches another's run. When a visitor
leaves, their flags are set (a job nobody watches stops) and forgotten
(visitors.on_leave). Tabs on the live-job engine (ui/engine/) keep their stop
flag on the job instead.
"""

import contextlib
import threading

import gradio as gr

from playground.ui import visitors

_flags: dict[tuple[str, str], threading.Event] = {}
_lock = threading.Lock()


def _key(request: gr.Request | None, job: str) -> tuple[str, str]:
    return visitors.session_of(request), job


def start(request: gr.Request | None, job: str) -> threading.Event:
    """A fresh, cleared flag for a new run of `job` (train, gan, generate...) by this visitor."""
    with _lock:
        flag = _flags[_key(request, job)] = threading.Event()
    return flag


def stop(request: gr.Request | None, job: str) -> None:
    with _lock:
        flag = _flags.get(_key(request, job))
    if flag is not None:
        flag.set()


def forget(request: gr.Request | None, job: str, flag: threading.Event) -> None:
    """Drop the flag when its run ends (unless a newer run of the same visitor replaced it)."""
    with _lock:
        if _flags.get(_key(request, job)) is flag:
            del _flags[_key(request, job)]


@visitors.on_leave
def forget_session(session: str) -> None:
    """The visitor left: stop whatever of theirs still runs and drop the flags."""
    with _lock:
        flags = [_flags.pop(key) for key in [key for key in _flags if key[0] == session]]
    for flag in flags:
        flag.set()


@contextlib.contextmanager
def job(request: gr.Request | None, name: str):
    """One run of `name` by this visitor: its stop flag, set by Stop or once PLAYGROUND_MAX_JOB_SECONDS have
    passed (`deadline.expired` then says which), both dropped when the block ends. Yields (flag, deadline)."""
    from playground.guards import Deadline

    flag = start(request, name)
    deadline = Deadline(flag).start()
    try:
        yield flag, deadline
    finally:
        deadline.cancel()
        forget(request, name, flag)
