"""Who holds which live job: one per (visitor, kind), dropped with its snapshots when the visitor leaves.

Why: the engine's per-visitor state must have an owner and an end (house
style): a new job of a kind stops the visitor's last one, and `forget` (a
visitors.on_leave hook) stops and drops them all when the page closes.
"""

from __future__ import annotations

import threading

from playground.errors import UserError
from playground.ui import visitors
from playground.ui.engine.job import Job

# per-visitor store: one live job per (visitor, kind), dropped when the visitor leaves

_jobs: dict[tuple[str, str], Job] = {}
_lock = threading.Lock()


def _register(session: str, job: Job) -> None:
    with _lock:
        older = _jobs.get((session, job.kind))
        _jobs[(session, job.kind)] = job
    if older is not None and older is not job:
        older.stop()  # a visitor has one live job per kind: a new Train stops the last one


def current(request, kind: str) -> Job | None:
    """This visitor's newest job of `kind` (running or ended), or None."""
    with _lock:
        return _jobs.get((visitors.session_of(request), kind))


def replayed(request, kind: str, epoch: int, nothing_yet: str) -> tuple[Job, int, dict]:
    """This visitor's job of `kind`, the epoch recorded nearest `epoch` and its snapshot (UserError `nothing_yet`
    when there is none). While the job trains, its page stays at that epoch until the slider is back at its end."""
    job = current(request, kind)
    found = job.snapshots.at(int(epoch)) if job is not None else None
    if found is None:
        raise UserError(nothing_yet)
    recorded, data = found
    job.viewing = None if recorded >= max(job.snapshots.epochs()) else recorded
    return job, recorded, data


def stop(request, kind: str) -> None:
    """Stop this visitor's job of `kind`: it ends after the step in flight and keeps what it has."""
    job = current(request, kind)
    if job is not None:
        job.stop()


@visitors.on_leave
def forget(session: str) -> None:
    """The visitor left: stop their jobs and drop them with their snapshots."""
    with _lock:
        gone = [key for key in _jobs if key[0] == session]
        dropped = [_jobs.pop(key) for key in gone]
    for job in dropped:
        job.stop()


def sessions_held() -> set[str]:
    """The visitors who have a job kept here (for tests and the clean-up check)."""
    with _lock:
        return {session for session, _ in _jobs}
