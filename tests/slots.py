"""What the engine, jobs and i18n tests share: a stand-in for a visitor's request, and a slot kind of their own.

A kind of work (`jobs.admit(kind)`) reads its slots and waiting places from `PLAYGROUND_<KIND>_CONCURRENCY` and
`PLAYGROUND_<KIND>_QUEUE`; each test module takes a kind no tab uses, so its jobs never meet the app's.
"""

from types import SimpleNamespace

from playground.ui import jobs


def visitor(name: str):
    """What the engine reads of a gr.Request: the page's session hash."""
    return SimpleNamespace(session_hash=name)


def one_slot_kind(monkeypatch, kind: str):
    """A fixture body: `kind` gets one running slot and one waiting place, and is forgotten afterwards."""
    monkeypatch.setenv(f"PLAYGROUND_{kind.upper()}_CONCURRENCY", "1")
    monkeypatch.setenv(f"PLAYGROUND_{kind.upper()}_QUEUE", "1")
    jobs._gates.pop(kind, None)
    yield kind
    jobs._gates.pop(kind, None)
