"""A real run on a class: a tiny Train run on moons, posted, is scored by its held-out test accuracy (recomputed
here from the trained model and sklearn); and the engine's jobs make the board's 'running' count, freed when the
job ends or the page closes."""

import threading
import time
from types import SimpleNamespace

import pytest
import torch
from sklearn.metrics import accuracy_score

from playground import classroom
from playground.classroom import running
from playground.store import runs
from playground.training.run import Run
from playground.ui import engine, jobs, visitors
from tests.classroom_stores import store, store_url  # noqa: F401  (the fixtures)


def test_a_trained_run_posts_with_its_test_accuracy_as_the_score(store):
    made = classroom.create(store, title="Moons 101", dataset="moons", architectures=["mlp"], locked={"epochs": 4})
    classroom.join(store, made.code, "Ada", "browser-a")
    run = Run("mlp", "moons", train_settings={"epochs": 4, "seed": 1, "lr": 0.05, "device": "cpu"})
    for _ in run.events():
        pass
    record = {"visitor": "browser-a", "kind": "train", "title": "MLP on moons", "state": "done",
              "seconds": run.summary["seconds"], "settings": run.settings(), "metrics": run.summary,
              "history": run.history, "files": [], "status": "done"}
    run_id = runs.save(store, **record)
    line = classroom.post_run(store, "browser-a", run_id, record)
    with torch.no_grad():  # the held-out test split, scored independently of the trainer
        predicted = run.model.eval()(run.splits.x_test).argmax(dim=1)
    expected = accuracy_score(run.splits.y_test.numpy(), predicted.numpy())
    assert 0.75 < expected <= 1.0  # it learnt the moons: the run is a real one
    (row,) = classroom.board(store, token=made.teacher_token).rows
    assert row["score"] == pytest.approx(expected) == pytest.approx(run.summary["test_accuracy"])
    assert line == f"📋 Posted to the class “Moons 101” as Ada: test accuracy {expected:.3f}, rank 1 of 1."
    (curve,) = classroom.board(store, code=made.code).curves
    assert curve["epochs"] == [1, 2, 3, 4] and curve["values"] == [h["val_accuracy"] for h in run.history]


def test_a_regression_class_scores_by_test_r2(store):
    made = classroom.create(store, title="Diabetes", dataset="diabetes")
    classroom.join(store, made.code, "Ada", "browser-a")
    run = Run("mlp", "diabetes", train_settings={"epochs": 3, "seed": 0, "device": "cpu"})
    for _ in run.events():
        pass
    record = {"visitor": "browser-a", "kind": "train", "title": "MLP on diabetes", "state": "done", "seconds": 1.0,
              "settings": run.settings(), "metrics": run.summary, "history": run.history, "files": [], "status": ""}
    line = classroom.post_run(store, "browser-a", runs.save(store, **record), record)
    view = classroom.board(store, code=made.code)
    assert view.score_name == "test R²" and view.curve_name == "validation R²" and "test R²" in line
    assert view.rows[0]["score"] == pytest.approx(run.summary["test_r2"])
    assert view.curves[0]["values"] == [h["val_r2"] for h in run.history]


def test_a_job_the_engine_runs_counts_as_running_until_it_ends(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CLASSTEST_CONCURRENCY", "1")
    jobs._gates.pop("classtest", None)
    release, inside = threading.Event(), threading.Event()

    def work(job):
        job.publish(epoch=0)
        inside.set()
        release.wait(30)
        return 1

    page = SimpleNamespace(session_hash="session-ada")
    job = engine.Job(work, kind="unit", slot="classtest")
    updates = engine.follow(page, job, lambda view: {"status": "x"}, pace=0.05)
    follower = threading.Thread(target=lambda: list(updates))
    follower.start()
    assert inside.wait(30)
    deadline = time.monotonic() + 30  # follow counts the job just after starting its thread: a moment later
    while running.count(["session-ada"]) == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert running.count(["session-ada", "someone-else"]) == 1  # an API client's visitor is its session
    release.set()
    follower.join(30)
    assert running.count(["session-ada"]) == 0 and "session-ada" not in running.sessions_held()
    running.started("browser-bob", "session-bob")  # a job whose end never came: the page closing frees it
    visitors.forget_session("session-bob")
    assert running.count(["browser-bob"]) == 0
    jobs._gates.pop("classtest", None)
