"""Per-visitor stop flags, keyed by Gradio's session hash.

A Stop button sets its visitor's flag; the running loop checks it every step
and ends at once, keeping what it has. Nothing here is shared between
visitors, so one user's Stop never touches another's run.
"""

import contextlib
import threading

import gradio as gr

_flags: dict[tuple[str, str], threading.Event] = {}
_lock = threading.Lock()


def _key(request: gr.Request | None, job: str) -> tuple[str, str]:
    session = getattr(request, "session_hash", None) or "local"
    return session, job


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
