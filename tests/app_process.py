"""`python app.py` in a child process on a data folder of the test's own, for the tests that kill and restart it.

A restart test needs a real server (SIGKILL, then start again on the same database), so it can't use the
in-process app the other tests share. `start_app` waits until the page answers (or fails the test with the
server's log); `kill` is the SIGKILL a crashed Space gets.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 180  # a loaded CI machine imports torch and gradio slowly


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_app(data_dir: Path, log: Path, database_url: str | None = None) -> tuple[subprocess.Popen, str]:
    """The app on a free port with `data_dir` (and `database_url`, else its SQLite there); returns it and its URL."""
    port = free_port()
    env = {**os.environ, "PLAYGROUND_DATA_DIR": str(data_dir), "PLAYGROUND_PORT": str(port),
           "PLAYGROUND_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)}
    env.pop("PLAYGROUND_DATABASE_URL", None)
    if database_url:
        env["PLAYGROUND_DATABASE_URL"] = database_url
    with open(log, "a") as out:
        process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url, deadline = f"http://127.0.0.1:{port}/", time.monotonic() + START_SECONDS
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
