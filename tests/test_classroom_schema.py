"""Schema version 2: a run store made by version 1 (runs only) opens with its runs intact, gains the class tables
and says version 2; a fresh one starts at 2."""

from datetime import datetime, timezone

import sqlalchemy as sa

from playground import classroom
from playground.store import db, runs
from tests.classroom_stores import post, store_url  # noqa: F401  (the fixture)


def make_version_1(url: str) -> int:
    """The run store as version 1 wrote it: schema_version (1) and runs, with one run in it; returns its id."""
    old = sa.MetaData()
    sa.Table("schema_version", old, sa.Column("version", sa.Integer, nullable=False))
    db.runs.to_metadata(old)
    engine = sa.create_engine(url)
    old.create_all(engine)
    with engine.begin() as connection:
        connection.execute(old.tables["schema_version"].insert().values(version=1))
    engine.dispose()
    engine = sa.create_engine(url)  # the row as version 1's runs.save wrote it (today's also trims old runs, which
    # reads the class tables this store doesn't have yet)
    with engine.begin() as connection:
        run_id = connection.execute(db.runs.insert().values(
            visitor="browser-a", kind="train", title="MLP on moons", state="done", settings={},
            metrics={"test_accuracy": 0.9}, history=[], files=[], status="", created_at=datetime.now(timezone.utc))
            .returning(db.runs.c.id)).scalar_one()
    engine.dispose()
    return run_id


def test_a_version_1_database_gains_the_class_tables(store_url):
    url = store_url
    run_id = make_version_1(url)
    engine = sa.create_engine(url)
    assert set(sa.inspect(engine).get_table_names()) == {"schema_version", "runs"}
    engine.dispose()
    store = db.open_store(url)
    assert store.available, store.problem
    assert {"classes", "class_members", "class_runs"} <= set(sa.inspect(store.engine).get_table_names())
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(db.schema_version.c.version)).scalars().all() == [2]
    assert runs.get(store, run_id, "browser-a")["metrics"] == {"test_accuracy": 0.9}  # the old run is still there
    made = classroom.create(store, title="Moons 101", dataset="moons")  # and classes work in it
    classroom.join(store, made.code, "Ada", "browser-a")
    assert post(store, "browser-a")[1].startswith("📋 Posted")
    store.engine.dispose()
    again = db.open_store(url)  # opening it again changes nothing
    with again.engine.connect() as connection:
        assert connection.execute(sa.select(db.schema_version.c.version)).scalars().all() == [2]
    assert len(classroom.board(again, token=made.teacher_token).rows) == 1
    again.engine.dispose()


def test_a_fresh_store_starts_at_version_2(tmp_path):
    store = db.open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(db.schema_version.c.version)).scalars().all() == [db.SCHEMA_VERSION] \
            == [2]
    store.engine.dispose()
