"""A class survives its server being killed: the app runs in a child process, a class is made and a student's
session joins it, the student trains through /train and the run posts itself; the server is SIGKILLed and started
again on the same database, and the class, the run and the board are all still there. On SQLite always, and on
PostgreSQL when one is running (the app then keeps nothing of its own on disk)."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from playground import classroom
from playground.store import db, runs
from tests.app_inputs import train_inputs
from tests.classroom_stores import store_url  # noqa: F401  (the fixture)
from tests.test_run_store_app import free_port

ROOT = Path(__file__).resolve().parent.parent


def start_app(data_dir: Path, database_url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PLAYGROUND_DATA_DIR": str(data_dir), "PLAYGROUND_DATABASE_URL": database_url,
           "PLAYGROUND_PORT": str(port), "PLAYGROUND_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    with open(log, "a") as out:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url, deadline = f"http://127.0.0.1:{port}/", time.monotonic() + 180
    while True:
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the app did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(30)


def test_a_class_and_its_board_survive_a_killed_server(tmp_path, store_url):
    from gradio_client import Client

    log = tmp_path / "server.log"
    process, url = start_app(tmp_path / "data", store_url, log)
    store = db.open_store(store_url)  # the teacher's side through the library, on the app's own database
    try:
        made = classroom.create(store, title="Restart 101", dataset="moons", architectures=["mlp"],
                                locked={"epochs": 3})
        student = Client(url, verbose=False)
        classroom.join(store, made.code, "Ada", student.session_hash)  # an API client is known by its session
        status = student.predict(**train_inputs("moons", epochs=3), api_name="/train")[0]
        assert "test accuracy" in status and "📋 Posted to the class “Restart 101” as Ada: test accuracy" in status
        before = classroom.board(store, token=made.teacher_token)
        assert len(before.rows) == 1 and before.counts["joined"] == 1
    finally:
        kill(process)
    process, url = start_app(tmp_path / "data", store_url, log)
    try:
        Client(url, verbose=False)  # the restarted app serves again
        store.engine.dispose()
        store = db.open_store(store_url)
        after = classroom.board(store, token=made.teacher_token)
        assert (after.title, after.dataset, after.closed) == ("Restart 101", "moons", False)
        assert after.rows == before.rows and after.curves == before.curves
        assert after.counts == {"joined": 1, "running": 0, "finished": 1, "runs": 1}
        (row,) = after.rows
        run = runs.get(store, row["run_id"], student.session_hash)
        assert row["nickname"] == "Ada" and row["score"] == run["metrics"]["test_accuracy"] and 0.5 < row["score"]
        assert [c["epochs"] for c in after.curves] == [[1, 2, 3]] and f"{row['score']:.3f}" in status
        assert classroom.board(store, code=made.code).rows == after.rows  # the students' view too
        assert classroom.member_of(store, student.session_hash).title == "Restart 101"  # and the membership
    finally:
        kill(process)
        store.engine.dispose()
    assert made.teacher_token not in log.read_text()  # nor did the app's log ever see the token
