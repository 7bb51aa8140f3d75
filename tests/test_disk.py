"""The disk stays bounded: old entries go, the budget deletes the oldest first, nothing outside our folders is
touched, nothing a job may still be writing is deleted; and the served app refuses an oversize upload at the
upload route, before storing it.

`sweep()` is called directly with a fixed `now`; the last test starts `python app.py` in its own process, as a
host would, with a 1 MB upload limit."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from playground.disk import Folder, sweep

ROOT = Path(__file__).resolve().parent.parent
NOW = 1_800_000_000.0
HOUR = 3600.0
HEX = "ab" * 32  # a Gradio cache entry's name: 64 hex digits


# helpers


def entry(folder: Path, name: str, age_seconds: float, size: int = 1000) -> Path:
    """A run folder with one file, last touched `age_seconds` before NOW."""
    path = folder / name
    path.mkdir(parents=True)
    (path / "weights.bin").write_bytes(b"x" * size)
    for item in (path / "weights.bin", path):
        os.utime(item, (NOW - age_seconds, NOW - age_seconds))
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# the sweep


def test_entries_older_than_the_keep_time_go_and_younger_ones_stay(tmp_path):
    old, young = entry(tmp_path, "train-old", 25 * HOUR), entry(tmp_path, "train-young", 23 * HOUR)
    old_file = tmp_path / "upload.csv"
    old_file.write_text("a,b\n1,2\n")
    os.utime(old_file, (NOW - 30 * HOUR,) * 2)

    report = sweep([Folder(tmp_path)], keep_seconds=24 * HOUR, budget_bytes=0, now=NOW)

    assert not old.exists() and not old_file.exists()
    assert (young / "weights.bin").read_bytes() == b"x" * 1000
    assert sorted(p.name for p in report.deleted) == ["train-old", "upload.csv"]
    assert report.kept_entries == 1 and report.kept_bytes == 1000


def test_over_the_budget_the_oldest_go_first_until_the_rest_fit(tmp_path):
    ages = {"a": 5 * HOUR, "b": 4 * HOUR, "c": 3 * HOUR, "d": 2 * HOUR, "e": 1 * HOUR}
    for name, age in ages.items():
        entry(tmp_path, f"train-{name}", age, size=1000)

    report = sweep([Folder(tmp_path)], keep_seconds=24 * HOUR, budget_bytes=2500, now=NOW)

    assert [p.name for p in report.deleted] == ["train-a", "train-b", "train-c"]  # oldest first, no more
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train-d", "train-e"]
    assert report.kept_bytes == 2000 <= 2500


def test_the_budget_spans_folders_and_counts_everything_inside(tmp_path):
    outputs, cache = tmp_path / "outputs", tmp_path / "gradio"
    entry(outputs, "train-1", 3 * HOUR, size=3000)
    entry(cache, HEX, 2 * HOUR, size=3000)
    nested = entry(outputs, "tiny-gpt-2", 1 * HOUR, size=1000) / "tiny-gpt"
    nested.mkdir()
    (nested / "model.safetensors").write_bytes(b"y" * 2000)
    os.utime(nested / "model.safetensors", (NOW - HOUR,) * 2)
    os.utime(nested, (NOW - HOUR,) * 2)

    report = sweep([Folder(outputs), Folder(cache, gradio_hashes_only=True)], 0, budget_bytes=6500, now=NOW)

    # 9,000 bytes in all, the tiny GPT's 3,000 counted with its nested folder: the oldest alone has to go
    assert [p.name for p in report.deleted] == ["train-1"]
    assert report.kept_bytes == 6000 and report.freed_bytes == 3000
    assert (cache / HEX).exists() and (nested / "model.safetensors").exists()


def test_nothing_outside_the_folders_is_touched_and_links_are_not_followed(tmp_path):
    ours, outside = tmp_path / "outputs", tmp_path / "elsewhere"
    ours.mkdir()
    outside_dir = entry(outside, "precious", 100 * HOUR)
    outside_file = outside / "notes.txt"
    outside_file.write_text("keep me")
    os.utime(outside_file, (NOW - 100 * HOUR,) * 2)
    (ours / "link-to-dir").symlink_to(outside_dir, target_is_directory=True)
    (ours / "link-to-file").symlink_to(outside_file)
    run = entry(ours, "train-old", 100 * HOUR)
    (run / "inner-link").symlink_to(outside_dir, target_is_directory=True)
    for link in (ours / "link-to-dir", ours / "link-to-file", run / "inner-link"):
        os.utime(link, (NOW - 100 * HOUR,) * 2, follow_symlinks=False)
    os.utime(run, (NOW - 100 * HOUR,) * 2)

    sweep([Folder(ours)], keep_seconds=HOUR, budget_bytes=1, now=NOW)

    assert not run.exists()  # the run folder went, with the link inside it...
    assert (outside_dir / "weights.bin").read_bytes() == b"x" * 1000  # ...but not what the link pointed to
    assert outside_file.read_text() == "keep me"
    assert sorted(p.name for p in outside.iterdir()) == ["notes.txt", "precious"]


def test_what_a_job_may_still_write_into_and_what_gradio_keeps_stay(tmp_path):
    started = entry(tmp_path, "tiny-gpt-running", 30)  # created by a job 30 s ago, still empty of its model
    (started / "weights.bin").unlink()
    os.utime(started, (NOW - 30, NOW - 30))
    example = entry(tmp_path, "example", 100 * HOUR)

    report = sweep([Folder(tmp_path)], keep_seconds=1, budget_bytes=1, now=NOW, grace_seconds=360,
                   protected=[str(example / "weights.bin")])

    assert report.deleted == [] and started.is_dir() and (example / "weights.bin").exists()
    # once the grace is over an empty folder goes whatever the keep time
    report = sweep([Folder(tmp_path)], keep_seconds=0, budget_bytes=0, now=NOW + 400, grace_seconds=360)
    assert [p.name for p in report.deleted] == ["tiny-gpt-running"]


def test_in_gradios_folder_only_its_cache_entries_are_ours(tmp_path):
    cached = entry(tmp_path, HEX, 100 * HOUR)
    other = entry(tmp_path, "deep_links", 100 * HOUR)
    loose = tmp_path / "tmp1234.bin"
    loose.write_bytes(b"z")
    os.utime(loose, (NOW - 100 * HOUR,) * 2)

    sweep([Folder(tmp_path, gradio_hashes_only=True, extra_keep_seconds=HOUR)], keep_seconds=HOUR,
          budget_bytes=0, now=NOW)

    assert not cached.exists() and other.exists() and loose.exists()


def test_a_new_run_folder_wakes_the_sweeper_to_check_the_budget(tmp_path, monkeypatch):
    from playground import disk
    from playground.outputs import new_run_dir

    monkeypatch.setenv("PLAYGROUND_OUTPUT_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_MAX_DISK_MB", "0.002")  # 2,097 bytes
    monkeypatch.setenv("PLAYGROUND_MAX_JOB_SECONDS", "0")  # so the grace is one minute
    monkeypatch.setattr(disk, "SETTLE_SECONDS", 0.1)
    now = time.time()
    for name, age in [("train-a", 3 * HOUR), ("train-b", 2 * HOUR)]:
        path = tmp_path / name
        path.mkdir()
        (path / "weights.bin").write_bytes(b"x" * 1000)
        os.utime(path / "weights.bin", (now - age,) * 2)
        os.utime(path, (now - age,) * 2)
    sweeper = disk.Sweeper(lambda: [Folder(tmp_path)], every=3600)
    monkeypatch.setattr(disk, "_running", sweeper.start())
    try:
        deadline = time.monotonic() + 10
        while sweeper.last is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the first pass, at start: 2,000 bytes fit
        assert sweeper.last is not None and sweeper.last.deleted == []
        (new_run_dir("train") / "weights.bin").write_bytes(b"x" * 1000)  # 3,000 bytes now
        deadline = time.monotonic() + 20
        while (tmp_path / "train-a").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # long before the next hourly pass
        assert not (tmp_path / "train-a").exists()
        left = sorted(p.name for p in tmp_path.iterdir())
        assert len(left) == 2 and "train-b" in left  # the oldest went, the new run's folder stayed
    finally:
        sweeper.stop()


# the served app


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`python app.py` as a host starts it: 1 MB uploads, its own outputs and Gradio folders, one stale run."""
    base = tmp_path_factory.mktemp("served")
    outputs, gradio_dir = base / "outputs", base / "gradio"
    outputs.mkdir()
    stale = outputs / "train-stale"
    stale.mkdir()
    (stale / "weights.safetensors").write_bytes(b"w" * 100)
    for item in (stale / "weights.safetensors", stale):
        os.utime(item, (time.time() - 30 * HOUR,) * 2)
    port = free_port()
    env = {**os.environ, "PLAYGROUND_PORT": str(port), "PLAYGROUND_MAX_UPLOAD_MB": "1", "PLAYGROUND_WARM_UP": "0",
           "PLAYGROUND_OUTPUT_DIR": str(outputs), "GRADIO_TEMP_DIR": str(gradio_dir),
           "PLAYGROUND_KEEP_FILES_HOURS": "24", "PLAYGROUND_MAX_DISK_MB": "500"}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/config", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert server.poll() is None, server.stderr.read()
        time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("python app.py did not answer within 120 s")
    yield {"url": url, "outputs": outputs, "gradio": gradio_dir, "stale": stale}
    server.terminate()
    server.wait(timeout=30)


def test_an_oversize_upload_is_refused_at_the_upload_route(served):
    import httpx

    too_big = httpx.post(served["url"] + "/gradio_api/upload",
                         files={"files": ("big.zip", b"\0" * (2 * 1024 * 1024), "application/zip")}, timeout=60)
    assert too_big.status_code == 413
    assert "at most 1 MB per upload" in too_big.text and "PLAYGROUND_MAX_UPLOAD_MB" in too_big.text
    assert not any(p.is_file() and p.stat().st_size >= 2 * 1024 * 1024 for p in served["gradio"].rglob("*"))

    fits = httpx.post(served["url"] + "/gradio_api/upload",
                      files={"files": ("small.csv", b"a,b\n1,2\n" * 1000, "text/csv")}, timeout=60)
    assert fits.status_code == 200
    stored = Path(fits.json()[0])
    assert stored.read_bytes() == b"a,b\n1,2\n" * 1000
    assert stored.resolve().is_relative_to(served["gradio"].resolve())


def test_the_served_app_sweeps_its_folders_and_shows_the_disk(served):
    from gradio_client import Client

    deadline = time.monotonic() + 30
    while served["stale"].exists() and time.monotonic() < deadline:
        time.sleep(0.5)  # the sweeper's first pass runs as the app starts
    assert not served["stale"].exists()

    rows = Client(served["url"], verbose=False).predict(api_name="/system")["data"]
    table = {(section, item): value for section, item, value in rows}
    hours = "hours that run folders and uploads are kept (PLAYGROUND_KEEP_FILES_HOURS)"
    assert table[("limit", hours)] == "24"
    assert any(item.endswith("(PLAYGROUND_MAX_DISK_MB)") and section == "limit" for section, item in table)
    assert table[("disk", "total (PLAYGROUND_MAX_DISK_MB)")].endswith("of 500 MB")
    assert ("disk", str(served["outputs"].resolve())) in table
