"""Who is training right now: the board's 'running' count, kept in memory because a live job is in memory too.

The engine says when a visitor's training job starts and ends (`started`,
`finished`, ui/engine.follow); the board asks how many of a class's members
have one going (`count`). Entries are kept per session, so a page that
closes drops its entries (`forget`, which ui/run_store hands to
visitors.on_leave: the package never imports the UI) even if its job's end was never
reported. A replica counts only the jobs it runs itself; with several
replicas each board shows the running students of the replica serving it.
"""

from __future__ import annotations

import threading
from collections import Counter

_live: dict[str, Counter] = {}  # session -> visitor -> jobs running; the entry goes when the count or the page does
_lock = threading.Lock()


def started(visitor: str, session: str = "local") -> None:
    with _lock:
        _live.setdefault(session, Counter())[str(visitor)] += 1


def finished(visitor: str, session: str = "local") -> None:
    with _lock:
        jobs = _live.get(session)
        if jobs is None:
            return
        jobs[str(visitor)] -= 1
        if jobs[str(visitor)] <= 0:
            del jobs[str(visitor)]
        if not jobs:
            del _live[session]


def count(members) -> int:
    """How many of `members` (visitor ids) have a job running now."""
    wanted = {str(v) for v in members}
    with _lock:
        busy = {visitor for jobs in _live.values() for visitor in jobs}
    return len(wanted & busy)


def forget(session: str) -> None:
    """The page of `session` closed (ui/run_store registers this with visitors.on_leave)."""
    with _lock:
        _live.pop(session, None)


def sessions_held() -> set[str]:
    """The sessions with an entry (for tests and the clean-up check)."""
    with _lock:
        return set(_live)
