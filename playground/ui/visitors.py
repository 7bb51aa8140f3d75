"""What happens when a visitor leaves: one place that frees everything kept for them.

Modules that keep something per visitor (uploaded datasets, a live job and its
snapshots, stop flags) register a `forget(session)` callback here once, at
import. `app.py` wires `leave` to `demo.unload`, so Gradio calls it when a page
closes (its heartbeat stops), and each callback drops that session's entries.
Nothing kept per visitor should outlive them: a dict keyed by session without
a callback here is a leak.
"""

import logging
import threading
from typing import Callable

import gradio as gr

_callbacks: list[Callable[[str], None]] = []
_lock = threading.Lock()
log = logging.getLogger(__name__)


def session_of(request: gr.Request | None) -> str:
    """The visitor's key: Gradio's session hash ("local" for direct calls with no request, as in tests)."""
    return getattr(request, "session_hash", None) or "local"


def on_leave(forget: Callable[[str], None]) -> Callable[[str], None]:
    """Register `forget(session)` to run when a visitor's page closes. Usable as a decorator."""
    with _lock:
        if forget not in _callbacks:
            _callbacks.append(forget)
    return forget


def forget_session(session: str) -> None:
    """Run every callback for `session`; one failing callback doesn't stop the others."""
    with _lock:
        callbacks = list(_callbacks)
    for forget in callbacks:
        try:
            forget(session)
        except Exception:  # a clean-up bug must not keep the rest of the visitor's things alive
            log.exception("clean-up %s failed for a session", getattr(forget, "__qualname__", forget))


def leave(request: gr.Request):
    """`demo.unload` handler: the page of `request` has closed."""
    forget_session(session_of(request))
    drop_gradio_state(request)


def drop_gradio_state(request: gr.Request | None) -> bool:
    """Free Gradio's own record of the closed page now: its gr.State values (the Train tab's Run, with its
    model, data and replay) and its copy of every component's config. Gradio keeps a closed session's state
    for an hour (state_holder.SessionState.STATE_TTL_WHEN_CLOSED, so a reopened tab could find it) and its
    SessionState until 10,000 sessions: 200 visitors who trained and left held about 200 MB. Returns whether
    there was one to free."""
    session = getattr(request, "session_hash", None)
    holder = getattr(getattr(getattr(request, "request", None), "app", None), "state_holder", None)
    if not session or holder is None or session not in holder:
        return False
    holder.delete_state(session)  # each gr.State's delete_callback runs, as when its time to live ends
    with holder.lock:
        holder.session_data.pop(session, None)
        holder.time_last_used.pop(session, None)
    return True
