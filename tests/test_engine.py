"""The live-job engine without a server: lifecycle, pacing, waiting, stopping, replay store, clean-up, names."""

import threading
import time

import pytest

from playground.errors import UserError
from playground.ui import engine, jobs, visitors
from tests.slots import one_slot_kind, visitor


@pytest.fixture
def one_slot(monkeypatch):
    """A slot kind of its own: one job runs, one waits."""
    yield from one_slot_kind(monkeypatch, "enginetest")


def epochs_work(epochs: int, seconds: float = 0.0):
    """Work that publishes one 'epoch' at a time and records a snapshot of each."""
    def work(job):
        history = []
        job.publish(history=history)
        for epoch in range(1, epochs + 1):
            if job.stopping:
                break
            time.sleep(seconds)
            history.append({"epoch": epoch})
            job.record(epoch, value=epoch * 10)
            job.publish(epoch=epoch)
        return len(history)

    return work


def test_a_job_runs_in_its_own_thread_and_the_handler_sees_every_stage(one_slot):
    caller = threading.get_ident()
    threads = []

    def work(job):
        threads.append(threading.get_ident())
        return epochs_work(12, 0.05)(job)

    job = engine.Job(work, kind="unit", slot=one_slot)
    updates = list(engine.follow(visitor("a"), job, lambda view: {"status": view.get("epoch", 0)}, pace=0.1))
    assert threads and threads[0] != caller
    assert job.state == "done" and job.result == 12 and job.finished
    seen = [u["status"] for u in updates]
    assert seen == sorted(seen) and len(seen) >= 3, seen  # several paced updates, in order
    assert seen[0] <= 2  # the first news goes out at once
    assert jobs.gate(one_slot).counts() == {"running": 0, "waiting": 0}  # the slot was given back


def test_stop_ends_the_work_keeps_its_result_and_marks_it_stopped(one_slot):
    job = engine.Job(epochs_work(1000, 0.01), kind="unit", slot=one_slot)
    stream = engine.follow(visitor("b"), job, lambda view: {"status": view.get("epoch")}, pace=0.05)
    next(stream)
    engine.stop(visitor("b"), "unit")
    rest = list(stream)
    assert job.state == "stopped" and 0 < job.result < 1000
    assert engine.current(visitor("b"), "unit") is job
    assert len(rest) < 10


def test_a_user_error_fails_the_job_with_its_sentence_and_a_bug_with_a_plain_one(one_slot):
    def refuse(job):
        raise UserError("That will not do.")

    def crash(job):
        raise RuntimeError("internal detail")

    for work, sentence in ((refuse, "That will not do."), (crash, "Something went wrong")):
        job = engine.Job(work, kind="unit", slot=one_slot)
        list(engine.follow(visitor("c"), job, lambda view: {}))
        assert job.state == "failed" and job.error.startswith(sentence)
        assert "internal detail" not in job.error
    assert jobs.gate(one_slot).counts()["running"] == 0


def test_a_waiting_job_hears_its_place_and_gives_it_up_on_stop(one_slot):
    running = engine.Job(epochs_work(1000, 0.01), kind="first", slot=one_slot)
    first = engine.follow(visitor("d"), running, lambda view: {"status": "running"}, pace=0.05)
    next(first)
    waiting = engine.Job(epochs_work(3), kind="second", slot=one_slot)
    second = engine.follow(visitor("d"), waiting, lambda view: {"status": "ran"})
    assert "Waiting for a free slot" in next(second)["status"] and waiting.state == "queued"
    busy = engine.Job(epochs_work(3), kind="third", slot=one_slot)
    assert "busy" in next(engine.follow(visitor("d"), busy, lambda view: {}))["status"]
    assert busy.state == "failed"
    waiting.stop()
    assert "Stopped before it started" in list(second)[-1]["status"] and waiting.state == "stopped"
    assert jobs.gate(one_slot).counts() == {"running": 1, "waiting": 0}
    running.stop()
    list(first)
    assert running.join(5) and jobs.gate(one_slot).counts()["running"] == 0


def test_an_empty_render_sends_nothing(one_slot):
    job = engine.Job(epochs_work(5, 0.01), kind="unit", slot=one_slot)
    assert list(engine.follow(visitor("h"), job, lambda view: {}, pace=0.01)) == [] and job.state == "done"


def test_closing_the_handler_stops_the_job_and_frees_the_slot(one_slot):
    job = engine.Job(epochs_work(10_000, 0.01), kind="unit", slot=one_slot)
    stream = engine.follow(visitor("e"), job, lambda view: {"status": 1}, pace=0.05)
    next(stream)
    stream.close()  # what Gradio does when the client cancels or the page goes
    assert job.join(5) and job.state == "stopped"
    assert jobs.gate(one_slot).counts()["running"] == 0


def test_a_new_job_of_the_same_kind_stops_the_last_one(one_slot, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_ENGINETEST_CONCURRENCY", "2")
    old = engine.Job(epochs_work(10_000, 0.01), kind="unit", slot=one_slot)
    stream = engine.follow(visitor("f"), old, lambda view: {"status": 1}, pace=0.05)
    next(stream)
    new = engine.Job(epochs_work(2), kind="unit", slot=one_slot)
    list(engine.follow(visitor("f"), new, lambda view: {}))
    list(stream)
    assert old.state == "stopped" and new.state == "done"
    assert engine.current(visitor("f"), "unit") is new


def test_snapshots_stay_bounded_and_evenly_spread_over_a_long_run():
    store = engine.Snapshots(limit=10)
    for epoch in range(1, 1001):
        store.add(epoch, value=epoch)
        assert len(store) <= 10
    kept = store.epochs()
    assert kept[0] == 1 and kept[-1] == 1000
    gaps = {b - a for a, b in zip(kept[:-2], kept[1:-1])}
    assert len(gaps) == 1, kept  # evenly spaced (the newest epoch aside)
    assert store.at(1) == (1, {"value": 1}) and store.at(1000) == (1000, {"value": 1000})
    epoch, data = store.at(500)
    assert abs(epoch - 500) <= gaps.pop() and data["value"] == epoch
    assert engine.Snapshots().at(3) is None


def test_a_visitor_who_leaves_takes_their_jobs_with_them(one_slot):
    job = engine.Job(epochs_work(10_000, 0.01), kind="unit", slot=one_slot)
    stream = engine.follow(visitor("g"), job, lambda view: {"status": 1}, pace=0.05)
    next(stream)
    assert "g" in engine.sessions_held()
    visitors.forget_session("g")
    assert "g" not in engine.sessions_held() and engine.current(visitor("g"), "unit") is None
    list(stream)
    assert job.state == "stopped"


def test_named_maps_output_names_to_components_and_a_user_error_to_one_sentence():
    import gradio as gr

    status, plot = object(), object()

    @engine.named({"status": status, "plot": plot})
    def streaming(request: gr.Request, epochs=3):
        yield {"status": "one"}
        yield {}  # nothing new: skipped, not sent (Gradio fails on an empty dict)
        yield {"status": "two", "plot": epochs}
        raise UserError("No more.")

    updates = streaming(None)
    assert next(updates) == {status: "one"} and next(updates) == {status: "two", plot: 3}
    with pytest.raises(gr.Error, match="No more."):
        next(updates)
    assert list(__import__("inspect").signature(streaming).parameters) == ["request", "epochs"]
