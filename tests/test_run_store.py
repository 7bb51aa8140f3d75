"""The run store (playground/store): saving, listing, reading and deleting runs, on SQLite always and on
PostgreSQL when one is running (the `postgres_url` fixture: .ci/run starts one); 30 saves at once losing
nothing; a corrupt, unreachable or newer database giving one sentence instead of an exception."""

import math
import socket
import threading
import uuid

import numpy as np
import pytest
import sqlalchemy as sa

from playground.store import db, runs


def _clean_postgres(url: str) -> str:
    """A fresh schema per test module run, so runs of other test sessions never meet these."""
    schema = f"runs_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return schema


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        opened = db.open_store(f"sqlite:///{tmp_path / 'runs.db'}")
        yield opened
        opened.engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    schema = _clean_postgres(url)
    opened = db.open_store(sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
                           .render_as_string(hide_password=False))
    assert opened.available, opened.problem
    yield opened
    with opened.engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    opened.engine.dispose()


def a_run(visitor="browser-a", **changes):
    return {"visitor": visitor, "kind": "train", "title": "MLP on moons", "state": "done", "seconds": 1.5,
            "settings": {"model": "mlp", "train_settings": {"learning_rate": 0.01, "epochs": 3}},
            "metrics": {"test_accuracy": np.float32(0.875), "loss": float("nan")},
            "history": [{"epoch": e, "val_loss": 1.0 / e, "val_accuracy": 0.5 + e / 10} for e in (1, 2, 3)],
            "files": ["/tmp/x/weights.safetensors"], "status": "✅ done", **changes}


def test_a_saved_run_reads_back_whole_and_only_for_its_visitor(store):
    run_id = runs.save(store, **a_run())
    other = runs.save(store, **a_run("browser-b", title="CNN on digits"))
    found = runs.get(store, run_id, "browser-a")
    assert found["title"] == "MLP on moons" and found["state"] == "done" and found["kind"] == "train"
    assert found["settings"]["train_settings"]["learning_rate"] == 0.01
    assert found["metrics"]["test_accuracy"] == pytest.approx(0.875) and found["metrics"]["loss"] is None  # NaN
    assert [row["epoch"] for row in found["history"]] == [1, 2, 3]
    assert found["files"] == ["/tmp/x/weights.safetensors"] and found["created_at"].tzinfo is not None
    assert runs.get(store, other, "browser-a") is None  # someone else's run is not readable by id
    listed = runs.list_runs(store, "browser-a")
    assert [row["id"] for row in listed] == [run_id] and "history" not in listed[0]
    assert not runs.delete(store, run_id, "browser-b")  # nor deletable
    assert runs.delete(store, run_id, "browser-a") and runs.get(store, run_id, "browser-a") is None
    assert [row["id"] for row in runs.list_runs(store, "browser-b")] == [other]


def test_listing_is_newest_first(store):
    ids = [runs.save(store, **a_run(title=f"run {i}")) for i in range(3)]
    assert [row["id"] for row in runs.list_runs(store, "browser-a")] == ids[::-1]


def test_a_visitor_keeps_their_newest_runs_and_the_ones_posted_to_a_class(store, monkeypatch):
    """PLAYGROUND_MAX_RUNS_PER_VISITOR bounds the database: past it a visitor's oldest runs go, except one on a class
    board (deleting it would take the student's row off the board); other visitors' runs are untouched."""
    from playground import classroom
    from playground.classroom import lookup

    monkeypatch.setenv("PLAYGROUND_MAX_RUNS_PER_VISITOR", "3")
    made = classroom.create(store, title="Moons 101", dataset="moons")
    member = classroom.join(store, made.code, "Ada", "browser-a")
    posted = runs.save(store, **a_run(title="posted"))
    with store.engine.begin() as connection:
        connection.execute(db.class_runs.insert().values(class_id=made.class_id, member_id=member.member_id,
                                                         run_id=posted, score=0.9, posted_at=lookup.now()))
    other = runs.save(store, **a_run("browser-b"))
    ids = [runs.save(store, **a_run(title=f"run {i}")) for i in range(5)]
    assert [row["id"] for row in runs.list_runs(store, "browser-a")] == ids[:1:-1] + [posted]
    assert [row["id"] for row in runs.list_runs(store, "browser-b")] == [other]
    assert classroom.board(store, code=made.code).counts["joined"] == 1
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS_PER_VISITOR", "0")  # 0: keep every run
    more = [runs.save(store, **a_run(title=f"more {i}")) for i in range(2)]
    assert len(runs.list_runs(store, "browser-a")) == 6 and runs.get(store, more[0], "browser-a") is not None


def test_thirty_simultaneous_saves_lose_nothing(store):
    start, ids, errors = threading.Barrier(30), [], []

    def save(index):
        start.wait()
        try:
            ids.append(runs.save(store, **a_run(f"student-{index}", title=f"run of student {index}")))
        except Exception as error:  # noqa: BLE001: collected, asserted below
            errors.append(error)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(set(ids)) == 30
    assert runs.count(store) == 30
    for index in range(30):
        (row,) = runs.list_runs(store, f"student-{index}")
        assert row["title"] == f"run of student {index}"


def test_a_corrupt_database_file_is_one_sentence_and_runs_say_they_were_not_saved(tmp_path):
    path = tmp_path / "playground.db"
    path.write_bytes(b"this is not a database, just forty-odd bytes of text" * 100)
    broken = db.open_store(f"sqlite:///{path}")
    assert not broken.available
    assert "can't be opened (file is not a database)" in broken.problem and "training works" in broken.problem
    assert broken.problem.count(". ") <= 1 and broken.problem.endswith(".")
    with pytest.raises(runs.NotStored, match="can't be opened"):
        runs.save(broken, **a_run())
    assert runs.list_runs(broken, "browser-a") == [] and path.read_bytes().startswith(b"this is not")  # untouched


def test_an_unreachable_server_is_one_sentence_without_its_password(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    broken = db.open_store(f"postgresql+psycopg://teacher:s3cret@127.0.0.1:{port}/classes")
    assert not broken.available and "can't be opened" in broken.problem
    assert "s3cret" not in broken.problem and "s3cret" not in broken.describe()


def test_postgres_urls_as_hosts_write_them_use_psycopg(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_DATABASE_URL", "postgres://u:p@host:5432/db")
    assert db.database_url() == "postgresql+psycopg://u:p@host:5432/db"
    monkeypatch.delenv("PLAYGROUND_DATABASE_URL")
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", "/data")
    assert db.database_url() == "sqlite:////data/playground.db"


def test_a_database_from_a_newer_version_is_refused_with_a_sentence(tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    first = db.open_store(url)
    with first.engine.begin() as connection:
        connection.execute(db.schema_version.update().values(version=db.SCHEMA_VERSION + 1))
    first.engine.dispose()
    again = db.open_store(url)
    assert not again.available and "newer version of this app" in again.problem


def test_plain_makes_json_of_what_runs_hold(tmp_path):
    value = runs.plain({1: np.int64(3), "x": (np.float64(math.inf), tmp_path), "t": {"nested": [np.bool_(True)]}})
    assert value == {"1": 3, "x": [None, str(tmp_path)], "t": {"nested": [True]}}
