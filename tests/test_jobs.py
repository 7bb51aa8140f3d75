"""Admission gates, the per-job time limit, upload checks and the ZeroGPU decorator, without a server."""

import inspect
import threading
import time

import pytest

from playground.errors import UserError
from playground.gpu import gpu_task, zero_gpu_available
from playground.guards import Deadline, check_upload
from playground.ui import jobs
from tests.slots import one_slot_kind


@pytest.fixture
def demo_kind(monkeypatch):
    """A kind of work of its own: one slot, one place in the waiting line."""
    yield from one_slot_kind(monkeypatch, "demo")


def test_a_kind_runs_its_slots_queues_a_few_and_refuses_the_rest(demo_kind):
    first = jobs.admit(demo_kind)
    second = jobs.admit(demo_kind)
    assert first.admitted and not second.admitted
    with pytest.raises(jobs.Busy, match="busy: 1 demo jobs are running and 1 are waiting.*try again"):
        jobs.admit(demo_kind)
    assert not jobs.gate(demo_kind).wait_for_turn(second, 0.05)
    first.__exit__()
    assert jobs.gate(demo_kind).wait_for_turn(second, 0.05) and second.admitted
    third = jobs.admit(demo_kind)  # the line has room again
    second.__exit__()
    third.__exit__()
    assert jobs.gate(demo_kind).counts() == {"running": 0, "waiting": 0}


def test_other_kinds_are_not_held_up(demo_kind, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OTHER_CONCURRENCY", "1")
    held = [jobs.admit(demo_kind), jobs.admit(demo_kind)]
    with jobs.admit("other") as other:
        assert other.admitted
    for ticket in held:
        ticket.__exit__()


def test_limited_handlers_wait_with_a_note_then_run_or_hear_busy(demo_kind):
    ran = []

    @jobs.limited(demo_kind, lambda note: ("status", note))
    def handler(request, value, progress=None):
        ran.append(value)
        yield ("result", value)

    assert list(inspect.signature(handler).parameters) == ["request", "value", "progress"]  # Gradio reads these
    assert inspect.isgeneratorfunction(handler)
    holder = jobs.admit(demo_kind)
    waiting = handler(None, 1)
    threading.Timer(1.5, holder.__exit__).start()
    outputs = list(waiting)
    assert outputs[0][0] == "status" and "Waiting for a free slot: 1 demo jobs running, 0 waiting ahead" in \
        outputs[0][1]
    assert outputs[-1] == ("result", 1) and ran == [1]

    holder, queued = jobs.admit(demo_kind), handler(None, 2)
    assert next(queued)[0] == "status"  # in the line now
    refused = list(handler(None, 3))
    assert len(refused) == 1 and refused[0][1].startswith("⏳ The app is busy") and 3 not in ran
    queued.close()  # the visitor left: their place goes
    assert jobs.gate(demo_kind).counts() == {"running": 1, "waiting": 0}
    holder.__exit__()
    assert list(handler(None, 4))[-1] == ("result", 4)


def test_a_deadline_sets_the_stop_flag_and_says_why(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_JOB_SECONDS", "0.2")
    flag = threading.Event()
    with Deadline(flag) as deadline:
        assert flag.wait(2.0)
    assert deadline.expired and "time limit of 0.2 s per job" in deadline.message()
    assert "PLAYGROUND_MAX_JOB_SECONDS" in deadline.message()
    quick = threading.Event()
    with Deadline(quick, seconds=5) as deadline:
        pass
    time.sleep(0.05)
    assert not quick.is_set() and not deadline.expired
    checked = Deadline(None, seconds=0.05).start()
    time.sleep(0.1)
    with pytest.raises(UserError, match="time limit"):
        checked.check()


def test_uploads_over_the_limit_or_empty_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "1")
    big, empty, fine = tmp_path / "big.txt", tmp_path / "empty.wav", tmp_path / "fine.txt"
    big.write_bytes(b"a" * (2**20 + 1))
    empty.write_bytes(b"")
    fine.write_text("hello")
    with pytest.raises(UserError, match="'big.txt' is 1.0 MB; this app takes uploads of at most 1 MB.*"
                                        "PLAYGROUND_MAX_UPLOAD_MB"):
        check_upload(big, "nouns.text_file")
    with pytest.raises(UserError, match="is empty"):
        check_upload(empty, "nouns.audio_file")
    with pytest.raises(UserError, match="upload it again"):
        check_upload(tmp_path / "gone.wav", "nouns.audio_file")
    assert check_upload(fine, "nouns.text_file") == fine


def test_gpu_task_is_the_identity_without_the_spaces_package():
    if zero_gpu_available():
        pytest.skip("the spaces package is installed here")

    def work(x):
        return x + 1

    assert gpu_task(30)(work) is work
