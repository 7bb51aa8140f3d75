"""The tabs' run-time words follow the visitor's language: a request that speaks zh-CN gets Chinese status lines,
figures and waiting notes, also from the job's worker thread; English stays the default."""

from types import SimpleNamespace

import pytest

from playground import i18n
from playground.ui import engine, jobs


def visitor(name: str):
    return SimpleNamespace(session_hash=name)


@pytest.fixture
def one_slot(monkeypatch):
    """A slot kind of its own: one job runs, one waits."""
    monkeypatch.setenv("PLAYGROUND_I18NTEST_CONCURRENCY", "1")
    monkeypatch.setenv("PLAYGROUND_I18NTEST_QUEUE", "1")
    jobs._gates.pop("i18ntest", None)
    yield "i18ntest"
    jobs._gates.pop("i18ntest", None)


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_worker_thread_speaks_the_requests_language(one_slot):
    def work(job):
        return i18n.current(), i18n.t("engine.status.stopped_before_start")

    with i18n.speaking("zh-CN"):
        job = engine.Job(work, kind="unit", slot=one_slot)
        list(engine.follow(visitor("zh"), job, lambda view: {}, pace=0.05))
    assert job.result == ("zh-CN", i18n.catalogue("zh-CN")["engine.status.stopped_before_start"])
    job = engine.Job(work, kind="unit", slot=one_slot)
    list(engine.follow(visitor("en"), job, lambda view: {}, pace=0.05))
    assert job.result[0] == "en"


def test_waiting_and_busy_notes_in_chinese(one_slot):
    gate = jobs.gate(one_slot)
    running = gate.enter()
    waiting = gate.enter()
    with i18n.speaking("zh-CN"):
        note = gate.waiting_note(waiting)
        with pytest.raises(jobs.Busy) as busy:
            gate.enter()
    assert chinese(note) and "1" in note and chinese(str(busy.value))
    assert "Waiting for a free slot: 1 i18ntest jobs running, 0 waiting ahead" in gate.waiting_note(waiting)
    gate.leave(waiting)
    gate.leave(running)
