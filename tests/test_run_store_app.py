"""The run store through the app: a run trained through /train is saved by the engine and is still there after
the server is killed (SIGKILL) and started again; with a broken database training still works and its status
says the run was not saved; the System tab names the store and its state."""

from pathlib import Path

import pytest

from tests.app_inputs import train_inputs
from tests.app_process import kill, start_app


def store_row(client) -> list[str]:
    rows = client.predict(api_name="/system")["data"]
    (row,) = [r for r in rows if r[0] == "run store"]
    return row


def test_a_trained_run_survives_a_killed_server(tmp_path):
    from gradio_client import Client

    from playground.store import db, runs

    log = tmp_path / "server.log"
    process, url = start_app(tmp_path / "data", log)
    try:
        client = Client(url, verbose=False)
        status = client.predict(**train_inputs("moons", epochs=3), api_name="/train")[0]
        assert "test accuracy" in status and "Not saved" not in status
        assert store_row(client)[2] == "ok, 1 runs kept"
    finally:
        kill(process)
    process, url = start_app(tmp_path / "data", log)
    try:
        assert store_row(Client(url, verbose=False))[2] == "ok, 1 runs kept"
        store = db.open_store(f"sqlite:///{tmp_path / 'data' / 'playground.db'}")
        (visitor,) = store.engine.connect().exec_driver_sql("SELECT DISTINCT visitor FROM runs").scalars().all()
        (listed,) = runs.list_runs(store, visitor)
        run = runs.get(store, listed["id"], visitor)
        assert run["kind"] == "train" and run["state"] == "done" and "moons" in run["title"]
        assert run["settings"]["train_settings"]["epochs"] == 3 and [h["epoch"] for h in run["history"]] == [1, 2, 3]
        assert 0.5 < run["metrics"]["test_accuracy"] <= 1.0 and run["status"] == status
        assert {Path(f).name for f in run["files"]} >= {"weights.safetensors", "config.json", "history.csv"}
        store.engine.dispose()
    finally:
        kill(process)


def test_a_corrupt_database_is_said_at_start_and_training_still_works(tmp_path):
    from gradio_client import Client

    data = tmp_path / "data"
    data.mkdir()
    (data / "playground.db").write_bytes(b"not a database " * 200)
    log = tmp_path / "server.log"
    process, url = start_app(data, log)
    try:
        client = Client(url, verbose=False)
        assert "can't be opened (file is not a database)" in store_row(client)[2]
        status = client.predict(**train_inputs("moons", epochs=2), api_name="/train")[0]
        assert "test accuracy" in status  # the run trained and was shown...
        assert "⚠️ Not saved to My runs: The run store at" in status  # ...and says it was not kept
    finally:
        kill(process)
    said = [line for line in log.read_text().splitlines() if "Run store unavailable" in line]
    assert len(said) == 1 and "file is not a database" in said[0]


@pytest.mark.parametrize("api, inputs, kind", [
    ("/train_gan", dict(preset="classic", epochs=1), "gan"),
    ("/train_vae", dict(preset="autoencoder", epochs=1), "vae"),
    ("/sweep", dict(lr="0.01,0.1", optimizer=["adam"], epochs=1, device="cpu"), "sweep"),
    ("/transfer", dict(source="digits_0_4", target="digits_5_9", shots=3, epochs=2, pretrain_epochs=1,
                       device="cpu"), "transfer"),
    ("/train_lm", dict(steps=4, sample_every=4), None),
])
def test_every_tab_that_trains_is_saved_by_the_engine(client, tmp_path, api, inputs, kind):
    from playground.store import db, runs

    previous = db.use(db.open_store(f"sqlite:///{tmp_path / 'runs.db'}"))
    try:
        status = client.predict(**inputs, api_name=api)[0]
        assert "Not saved" not in status
        store = db.store()
        (visitor,) = store.engine.connect().exec_driver_sql("SELECT DISTINCT visitor FROM runs").scalars().all()
        (listed,) = runs.list_runs(store, visitor)
        run = runs.get(store, listed["id"], visitor)
        assert run["state"] in ("done", "stopped") and run["status"] == status and run["settings"]
        assert run["metrics"] and run["history"] and run["files"]  # what it learnt, how, and its downloads
        if kind:
            assert run["kind"] == kind
    finally:
        db.use(previous).engine.dispose()
