"""What the classroom tests share: a run store on SQLite and (when one runs) PostgreSQL, and runs to post.

`store` is parametrised like the run store's own tests (tests/test_run_store.py): SQLite in a temporary file
always, PostgreSQL in a fresh schema when the `postgres_url` fixture has a server (.ci/run starts one; on CI a
missing one fails). Import it into a test module (`from tests.classroom_stores import store, store_url`) to use it.
"""

import uuid

import pytest
import sqlalchemy as sa

from playground import classroom
from playground.store import db, runs


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty database's URL: a SQLite file, or a fresh PostgreSQL schema (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'classes.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    schema = f"classes_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture
def store(store_url):
    opened = db.open_store(store_url)
    assert opened.available, opened.problem
    yield opened
    opened.engine.dispose()


def a_record(visitor, *, accuracy=0.9, dataset="moons", model="mlp", lr=0.01, epochs=3, kind="train", noise=None,
             **train_settings):
    """A finished Train run's row, as store/record.record_of makes it (settings as training.Run.settings())."""
    options = {"noise": noise} if noise is not None else {}
    return {"visitor": visitor, "kind": kind, "title": f"{model} on {dataset}", "state": "done", "seconds": 1.0,
            "settings": {"model": model, "dataset": dataset, "task": "classification", "dataset_options": options,
                         "model_settings": {"hidden_layers": 2}, "epochs_run": epochs,
                         "train_settings": {"optimizer": "adam", "lr": lr, "epochs": epochs, "batch_size": 32,
                                            "device": "auto", **train_settings}},
            "metrics": {"test_accuracy": accuracy, "test_loss": 0.3, "status": "finished"},
            "history": [{"epoch": e, "val_loss": 1.0 / e, "val_accuracy": accuracy * e / epochs}
                        for e in range(1, epochs + 1)],
            "files": [], "status": "✅ done"}


def post(store, visitor, **changes):
    """Save a run for `visitor` and post it, as ui/run_store.post does; returns (run id, status line)."""
    record = a_record(visitor, **changes)
    run_id = runs.save(store, **record)
    return run_id, classroom.post_run(store, visitor, run_id, record)
