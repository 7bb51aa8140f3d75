"""One live job: its work in a worker thread, its lifecycle, stop flag and the state it publishes.

Why: training and drawing must not share a thread (every figure built paused
the training), so the work runs in its own thread and publishes what the page
needs; the handler reads a copy (`Job.view`) at its own pace. See the package's
docstring for how a tab uses it.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from typing import Any, Callable

from playground import i18n
from playground.errors import UserError
from playground.ui.engine.snapshots import MAX_SNAPSHOTS, Snapshots

STATES = ("queued", "running", "stopped", "done", "failed")
log = logging.getLogger("playground.ui.engine")


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
