"""Admission per kind of work: a few jobs of a kind run at once, a few more wait, the rest hear "busy".

Gradio's queue is one line for every event, so one class pressing Train at
once would fill it for the visitors who only want a transcript. Here each
kind of work (train, generate, speech) has its own gate:
PLAYGROUND_<KIND>_CONCURRENCY jobs run (see launch.py) and at most
PLAYGROUND_<KIND>_QUEUE more wait their turn, first come first served, told
every second how many are ahead of them. Anyone beyond that is told at once
that the app is busy and to try again, instead of waiting in a line that
won't move for minutes. A waiting visitor who leaves (closes the page, or
the API client cancels) gives their place up.

`limited(kind, show)` puts a generator handler behind its kind's gate; the
listener then takes `concurrency_limit=None` so Gradio doesn't queue it twice.
"""

import functools
import os
import threading
from collections import deque
from typing import Callable

from playground import i18n
from playground.errors import UserError
from playground.ui.launch import concurrency

QUEUE_DEFAULTS = {"train": 4, "generate": 8, "speech": 8}
WORK = ("train", "generate", "speech")  # kinds with their own words (jobs.work.<kind>); others say "<kind> jobs"
WAIT_UPDATE_SECONDS = 1.0


def work_of(kind: str) -> str:
    """What jobs of `kind` are called in a sentence, in the visitor's language."""
    return i18n.t(f"jobs.work.{kind}") if kind in WORK else i18n.t("jobs.work.other", kind=kind)


class Busy(UserError):
    """Every slot of a kind is taken and its waiting line is full."""


def queue_size(kind: str) -> int:
    """How many jobs of this kind may wait for a slot (PLAYGROUND_<KIND>_QUEUE)."""
    try:
        return max(0, int(os.environ.get(f"PLAYGROUND_{kind.upper()}_QUEUE", QUEUE_DEFAULTS.get(kind, 4))))
    except ValueError:
        return QUEUE_DEFAULTS.get(kind, 4)


class Ticket:
    """One job's place: admitted (running) or waiting. Use as a context manager: leaving it frees the place."""

    def __init__(self, gate: "Gate"):
        self.gate, self.admitted = gate, False

    def wait(self, every: float = WAIT_UPDATE_SECONDS):
        """Yield a one-line note every `every` seconds until this job may run."""
        while not self.gate.wait_for_turn(self, every):
            yield self.gate.waiting_note(self)

    def __enter__(self) -> "Ticket":
        return self

    def __exit__(self, *exc) -> None:
        self.gate.leave(self)


class Gate:
    """The slots and the waiting line of one kind of work."""

    def __init__(self, kind: str):
        self.kind = kind
        self.running = 0
        self.waiting: deque[Ticket] = deque()
        self._changed = threading.Condition()

    def enter(self) -> Ticket:
        """A ticket that runs now or waits; `Busy` when the waiting line is full too."""
        ticket = Ticket(self)
        with self._changed:
            if self.running < concurrency(self.kind) and not self.waiting:
                self.running += 1
                ticket.admitted = True
            elif len(self.waiting) < queue_size(self.kind):
                self.waiting.append(ticket)
            else:
                raise Busy(i18n.t("jobs.busy", running=self.running, work=work_of(self.kind),
                                  waiting=len(self.waiting)))
        return ticket

    def wait_for_turn(self, ticket: Ticket, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: ticket.admitted, timeout)

    def waiting_note(self, ticket: Ticket) -> str:
        with self._changed:
            ahead = next((i for i, t in enumerate(self.waiting) if t is ticket), 0)
            running = self.running
        return i18n.t("jobs.waiting", running=running, work=work_of(self.kind), ahead=ahead)

    def leave(self, ticket: Ticket) -> None:
        with self._changed:
            if ticket.admitted:
                self.running -= 1
                ticket.admitted = False
            elif ticket in self.waiting:
                self.waiting.remove(ticket)
            while self.waiting and self.running < concurrency(self.kind):  # first come, first served
                self.waiting.popleft().admitted = True
                self.running += 1
            self._changed.notify_all()

    def counts(self) -> dict:
        with self._changed:
            return {"running": self.running, "waiting": len(self.waiting)}


_gates: dict[str, Gate] = {}
_gates_lock = threading.Lock()


def gate(kind: str) -> Gate:
    with _gates_lock:
        return _gates.setdefault(kind, Gate(kind))


def admit(kind: str) -> Ticket:
    return gate(kind).enter()


def limited(kind: str, show: Callable[[str], object]):
    """Decorate a generator handler: it runs once its kind has a free slot.

    While it waits, each note is yielded as `show(note)` (the handler's outputs
    with the note in its status); when the line is full, `show(busy message)`
    is yielded and the handler never runs. The signature is kept, so Gradio
    still passes gr.Request and gr.Progress and the API keeps its names.
    """
    def decorate(handler):
        @functools.wraps(handler)
        def gated(*args, **kwargs):
            try:
                ticket = admit(kind)
            except Busy as busy:
                yield show(f"⏳ {busy}")
                return
            with ticket:
                for note in ticket.wait():
                    yield show(note)
                yield from handler(*args, **kwargs)

        return gated

    return decorate
