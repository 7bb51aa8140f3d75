"""One engine for live jobs: the work runs in its own thread, the page samples what it publishes.

Why: when training and drawing share a thread, every figure pauses the
training (a 0.7 s run took 2.5 s through the app). Here a job's work runs in a
worker thread once its training slot is granted (jobs.py gates, the
PLAYGROUND_MAX_JOB_SECONDS deadline, a stop flag), and publishes its state:
the events so far and whatever its plots need. The Gradio handler wakes at a
steady pace, reads a copy of that state and renders it, so drawing never
blocks training and the page always shows the latest epoch. Anything that
reads the model (a decision boundary, histograms, samples) is computed by the
worker at a safe point (between steps or epochs) and published as plain
arrays; the handler never touches weights mid-step. Per-epoch records go to a
bounded `Snapshots` store so a slider can replay any epoch. Every visitor's
jobs go when their page closes (visitors.on_leave).

How a tab uses it (train_stream.py is the reference):

    from playground.ui import engine

    def work(job):                          # runs in the worker thread
        job.publish(history=run.history)    # lists the worker only appends to may be shared as they are
        for event in run.events(job.flag):  # job.flag: set by Stop, by the job-time limit, or when the visitor leaves
            job.publish(epoch=event.epoch)  # bumps the version: the page redraws at its next tick
            job.record(event.epoch, grid=...)  # a replay snapshot: plain arrays made now, between epochs
        return run                          # becomes job.result

    def render(view):                       # runs in the handler thread: view = copy of what was published
        return {"status": f"epoch {view['epoch']}", "curves": figure_from(view["history"])}

    @engine.named(OUTPUTS)                  # dicts keyed by output name -> keyed by component; UserError -> gr.Error
    def train(request: gr.Request, dataset, model, **settings):
        job = engine.Job(work, kind="train", title="MLP on moons")
        job = yield from engine.follow(request, job, render)   # queued -> running -> stopped | done | failed
        yield {"status": f"done: {job.result.summary}", ...}

    def stop(request: gr.Request):
        engine.stop(request, "train")

    def replay(request: gr.Request, epoch):   # a slider's .input: what the job recorded at `epoch`
        job = engine.current(request, "train")
        found = job.snapshots.at(epoch) if job else None   # (recorded epoch, data) or None

Wire a listener with `engine.listen(button.click, train, inputs={...}, outputs={...}, api_name="train")`:
inputs are passed by name (`inputs_kwargs`), so the API takes keywords and every control's value is its
default; outputs are a dict name -> component and every handler speaks names. Every live tab has an output
named "status": the waiting notes ("2 runs ahead of yours") go there. One live job per visitor and kind: a
new one stops the one before. A job that ends done or stopped is saved to the run store (playground/store)
after its handler's last update, here, for every tab: see run_store.py.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import threading
import time
from typing import Any, Callable, Iterator

import gradio as gr

from playground import i18n
from playground.classroom import running
from playground.errors import UserError
from playground.ui import jobs, run_store, visitors

PACE_SECONDS = 0.3  # the page is redrawn at most this often while a job runs (and at once after its first news)
MAX_SNAPSHOTS = 60  # replay records kept per job, thinned evenly over a long run
STATES = ("queued", "running", "stopped", "done", "failed")
log = logging.getLogger(__name__)


class Snapshots:
    """Per-epoch records for replay, at most `limit`, spread evenly over the run however long it gets.

    Epoch 1 and the newest epoch are always kept; in between, every `stride`-th epoch, and the stride doubles
    whenever the store is full, so memory stays bounded and the kept epochs stay evenly spaced.
    """

    def __init__(self, limit: int = MAX_SNAPSHOTS):
        assert limit >= 2, "a replay needs room for the first and the newest epoch"
        self.limit, self.stride = limit, 1
        self._records: dict[int, dict] = {}
        self._lock = threading.Lock()

    def _on_stride(self, epoch: int, first: int) -> bool:
        return (epoch - first) % self.stride == 0

    def add(self, epoch: int, **data) -> None:
        with self._lock:
            if self._records:
                first, newest = min(self._records), max(self._records)
                if newest != first and not self._on_stride(newest, first):
                    del self._records[newest]  # it was kept only for being the newest
            self._records[int(epoch)] = data
            while len(self._records) > self.limit:
                self.stride *= 2
                first, newest = min(self._records), max(self._records)
                self._records = {e: d for e, d in self._records.items()
                                 if e == newest or self._on_stride(e, first)}

    def epochs(self) -> list[int]:
        with self._lock:
            return sorted(self._records)

    def at(self, epoch: int) -> tuple[int, dict] | None:
        """The record nearest to `epoch` (the earlier one on a tie), or None when nothing is recorded."""
        with self._lock:
            if not self._records:
                return None
            nearest = min(self._records, key=lambda e: (abs(e - epoch), e))
            return nearest, self._records[nearest]

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)


class Job:
    """One live job: its work, lifecycle, stop flag, published state and replay snapshots.

    `work(job)` runs in a worker thread once the job's slot (`slot`: a jobs.py gate) is granted; what it
    returns is `job.result`. A UserError it raises fails the job with that sentence; any other exception fails
    it with a plain sentence (the details go to the log).
    """

    def __init__(self, work: Callable[["Job"], Any], *, kind: str = "train", slot: str = "train", title: str = "",
                 subject: Any = None, max_snapshots: int = MAX_SNAPSHOTS):
        self.work, self.kind, self.slot, self.title = work, kind, slot, title
        self.subject = subject  # what the work trains (a Run): handlers may read its plain data, never its weights
        self.viewing: int | None = None  # the epoch the visitor replays while it trains (None: follow live)
        self.example = 0  # the test example the visitor looks inside: one-example views (live, replay) follow it
        self.state = "queued"
        self.flag = threading.Event()  # stop: Stop button, job-time limit, a newer job, the visitor leaving
        self.deadline = None  # guards.Deadline once running: `job.deadline.expired` says the time limit stopped it
        self.snapshots = Snapshots(max_snapshots)
        self.result: Any = None
        self.error: str | None = None
        self.note = ""  # the latest line about the job itself (waiting for a slot, starting)
        self.version = 0
        self._published: dict[str, Any] = {}
        self._changed = threading.Condition()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None  # set once the slot is granted: `ran` says whether it was
        self.started = time.monotonic()

    # the worker's side

    def publish(self, *, quiet: bool = False, **values) -> None:
        """Merge `values` into what the page reads and bump the version. Lists may be passed by reference if
        the worker only appends to them: `view()` copies them. `quiet` news (a step inside an epoch) doesn't
        wake the handler: it is drawn at the handler's next tick, so a fast epoch's steps don't cost a render
        each (and the GIL time that takes from training)."""
        with self._changed:
            self._published.update(values)
            self.version += 1
            if not quiet:
                self._changed.notify_all()

    def record(self, epoch: int, **data) -> None:
        """A replay snapshot for `epoch`: plain values (arrays, images) made by the worker at a safe point."""
        self.snapshots.add(epoch, **data)
        self.publish(recorded=epoch)

    @property
    def stopping(self) -> bool:
        return self.flag.is_set()

    # everyone's side

    def stop(self) -> None:
        self.flag.set()
        with self._changed:
            self._changed.notify_all()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    @property
    def ran(self) -> bool:
        """Whether the work started (False: refused because the app was busy, or stopped while it waited)."""
        return self._thread is not None

    @property
    def expired(self) -> bool:
        """Whether the job-time limit ended it."""
        return bool(self.deadline is not None and self.deadline.expired)

    def view(self) -> dict:
        """A copy of the published state, plus 'state', 'version', 'note', 'title', 'seconds', 'viewing' and
        'snapshots' (the store itself: it is safe to read from any thread)."""
        with self._changed:
            view = {k: (list(v) if isinstance(v, list) else v) for k, v in self._published.items()}
            view.update(state=self.state, version=self.version, note=self.note, title=self.title,
                        seconds=time.monotonic() - self.started, viewing=self.viewing, snapshots=self.snapshots)
        return view

    def limit_note(self) -> str:
        """The job-time limit's sentence when that limit ended the job, else ''."""
        return self.deadline.message() if self.expired else ""

    def wait_for_news(self, seen: int, timeout: float) -> bool:
        """Block until the version moves past `seen` (quiet news: seen when `timeout` passes) or the job ends
        (True); False when `timeout` passed with nothing new."""
        with self._changed:
            return self._changed.wait_for(lambda: self.version != seen or self.finished, timeout)

    def _set(self, state: str, note: str | None = None) -> None:
        with self._changed:
            self.state = state
            if note is not None:
                self.note = note
            self.version += 1
            self._changed.notify_all()

    def _run(self, ticket) -> None:
        from playground.guards import Deadline

        with ticket:  # the slot is freed however the work ends
            self.deadline = Deadline(self.flag).start()
            self._set("running", "")
            try:
                self.result = self.work(self)
                self._set("stopped" if self.flag.is_set() else "done")
            except UserError as error:
                self.error = str(error)
                self._set("failed")
            except Exception:  # noqa: BLE001: a bug fails this visitor's job, never the app
                log.exception("live job %s failed", self.kind)
                self.error = i18n.t("engine.job.failed")
                self._set("failed")
            finally:
                self.deadline.cancel()
                self._finished.set()
                with self._changed:
                    self._changed.notify_all()

    def start(self, ticket) -> None:
        """Run the work in its own thread; it holds `ticket` (an admitted jobs.Ticket) until it ends. The thread
        runs in a copy of the caller's context, so it speaks the visitor's language (i18n.current())."""
        self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._run, ticket),
                                        name=f"job-{self.kind}", daemon=True)
        self._thread.start()

    def join(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finished


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


# names, not positions


def named(outputs: dict):
    """Decorate a handler that returns (or yields) dicts keyed by output name, as Gradio's dicts keyed by
    component. Names not in a dict are left as they are on the page; a streamed empty dict is skipped (a
    painter with nothing new to draw may return one). A UserError becomes one gr.Error sentence
    (refusals.refuses). The signature is kept, so Gradio still passes gr.Request and the API keeps the names."""
    from playground.ui.refusals import refuses

    def by_component(update):
        if not isinstance(update, dict):
            return update
        unknown = set(update) - set(outputs)
        assert not unknown, f"not an output of this listener: {sorted(unknown)}"
        return {outputs[name]: value for name, value in update.items()}

    def decorate(handler):
        if inspect.isgeneratorfunction(handler):
            @functools.wraps(handler)
            def streaming(*args, **kwargs):
                last = {}
                for update in handler(*args, **kwargs):
                    if update == {}:  # nothing new to show: Gradio would take {} for too few outputs and fail
                        continue
                    if isinstance(update, dict):  # what the page shows now (an update may send only changes);
                        # copied: Gradio takes 'value' out of a gr.update once sent
                        last.update({k: dict(v) if isinstance(v, dict) else v for k, v in update.items()})
                    yield by_component(update)
                # a job that ended in this handler goes to the run store now its files are named (run_store.py)
                request = next((a for a in (*args, *kwargs.values()) if isinstance(a, gr.Request)), None)
                unsaved = run_store.post(request, last)
                if unsaved and "status" in outputs:
                    yield by_component({"status": unsaved})

            return refuses(streaming)

        @functools.wraps(handler)
        def once(*args, **kwargs):
            return by_component(handler(*args, **kwargs))

        return refuses(once)

    return decorate


def listen(trigger, handler, *, inputs: dict | None = None, outputs: dict | None = None, **options):
    """`trigger(handler)` with inputs passed by name (so the API takes keywords) and outputs by name."""
    outputs = outputs or {}
    return trigger(named(outputs)(handler), inputs_kwargs=inputs or None, outputs=list(outputs.values()) or None,
                   **options)
