"""The handler's side of a live job: queue it for its slot, start it, and stream renders of its state.

Why: every live tab's handler does the same thing (wait in the training line
saying so, start the worker, redraw at a steady pace, stop the job if the page
goes away), so it is written once here and a tab only supplies `render`.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator

from playground import i18n
from playground.classroom import running
from playground.errors import UserError
from playground.ui import jobs, run_store, visitors
from playground.ui.engine.job import Job
from playground.ui.engine.store import _register

PACE_SECONDS = 0.3  # the page is redrawn at most this often while a job runs (and at once after its first news)


# the handler's side


def follow(request, job: Job, render: Callable[[dict], dict], *, pace: float = PACE_SECONDS,
           first: dict | None = None) -> Iterator[dict]:
    """Queue `job` for its slot, run it, and yield `render(view)` at a steady pace until it ends; returns `job`.
    `render` may return {} when there is nothing worth drawing yet: nothing is sent then.

    `first` (the "starting…" line, say) is yielded once the work has started, so the page's round trip for it
    overlaps the job's first steps instead of delaying them (or with the first note while it waits for a slot).
    While it waits, `{"status": note}` is yielded once a second; a full waiting line yields the busy sentence and
    the job ends as failed. The first update after the work publishes goes out at once (the first curve point),
    later ones at most every `pace` seconds. If the page goes away (the generator is closed), the job stops.
    """
    first = dict(first or {})
    _register(visitors.session_of(request), job)
    try:
        ticket = jobs.admit(job.slot)
    except jobs.Busy as busy:
        job.error = str(busy)
        job._set("failed", f"⏳ {busy}")
        job._finished.set()
        yield {**first, "status": job.note}
        return job
    started = False
    try:
        with _leave_unless_started(ticket, lambda: started):
            while not ticket.gate.wait_for_turn(ticket, jobs.WAIT_UPDATE_SECONDS):
                if job.stopping:  # Stop pressed (or the visitor left) while waiting: give the place up
                    job._set("stopped", i18n.t("engine.status.stopped_before_start"))
                    job._finished.set()
                    yield {**first, "status": job.note}
                    return job
                job._set("queued", ticket.gate.waiting_note(ticket))
                yield {**first, "status": job.note}
                first = {}
            seen, last = job.version, 0.0
            job.start(ticket)
            started = True
            visitor = run_store.visitor_of(request)
            running.started(visitor, visitors.session_of(request))  # the class board's 'running' count
        if first:
            yield first
        while not job.finished:
            if not job.wait_for_news(seen, max(pace, 0.05)):
                continue
            wait = last + pace - time.monotonic()
            if wait > 0 and not job.finished:
                job._finished.wait(wait)  # steady pace, but wake at once when the job ends
            if job.finished:
                break
            view = job.view()
            seen = view["version"]
            update = render(view)
            if update:  # an empty update (nothing worth drawing yet) doesn't start the pace's clock
                last = time.monotonic()
                yield update
        run_store.ended(request, job)  # saved once the tab's handler has shown its results (named, below)
        return job
    finally:
        if not job.finished:  # the page closed or the client cancelled: nobody watches, so stop
            job.stop()
        if started:
            running.finished(visitor, visitors.session_of(request))


def follow_to_end(request, job: Job, render: Callable[[dict], dict], **options) -> Iterator[dict]:
    """`follow`, then what every tab does next: returns the job if its work ran and ended (done or stopped),
    None if it never ran (refused as busy, or stopped while it waited: the status said so already); a failed
    job raises its sentence as a UserError."""
    job = yield from follow(request, job, render, **options)
    if not job.ran:
        return None
    if job.state == "failed":
        raise UserError(job.error)
    return job


class _leave_unless_started:
    """Give a waiting ticket back if the handler ends before the worker took it over."""

    def __init__(self, ticket, started: Callable[[], bool]):
        self.ticket, self.started = ticket, started

    def __enter__(self):
        return self.ticket

    def __exit__(self, *exc):
        if not self.started():
            self.ticket.gate.leave(self.ticket)
