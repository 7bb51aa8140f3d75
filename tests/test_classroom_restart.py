"""A class survives its server being killed: the app runs in a child process; through its API a teacher creates
a class (/create_class), a student joins (/join_class) and trains (/train), and the run posts itself; the server is
SIGKILLed and started again on the same database, and the board (/class_board), the class, the run and the
membership are all still there. On SQLite always, and on PostgreSQL when one is running."""

from playground import classroom
from playground.store import db, runs
from tests.app_inputs import train_inputs
from tests.app_process import kill, start_app
from tests.classroom_stores import store_url  # noqa: F401  (the fixture)


def board_rows(client, token) -> list[list]:
    """/class_board's leaderboard, as the teacher's page gets it."""
    return client.predict(token=token, api_name="/class_board")[0]["data"]


def test_a_class_and_its_board_survive_a_killed_server(tmp_path, store_url):
    from gradio_client import Client

    log = tmp_path / "server.log"
    process, url = start_app(tmp_path / "data", log, store_url)
    try:
        teacher, student = Client(url, verbose=False), Client(url, verbose=False)
        code, token = teacher.predict(title="Restart 101", dataset="moons", api_name="/create_class")[:2]
        student.predict(code=code, nickname="Ada", api_name="/join_class")
        status = student.predict(**train_inputs("moons", epochs=3), api_name="/train")[0]
        assert "test accuracy" in status and "📋 Posted to the class “Restart 101” as Ada: test accuracy" in status
        rows_before = board_rows(teacher, token)
        assert len(rows_before) == 1 and rows_before[0][1] == "Ada"
    finally:
        kill(process)
    process, url = start_app(tmp_path / "data", log, store_url)
    store = db.open_store(store_url)
    try:
        teacher = Client(url, verbose=False)  # a new page of the teacher's, after the restart
        assert board_rows(teacher, token) == rows_before  # the board, through the restarted app
        after = classroom.board(store, token=token)  # and everything behind it, through the library
        assert (after.title, after.dataset, after.closed) == ("Restart 101", "moons", False)
        assert after.counts == {"joined": 1, "running": 0, "finished": 1, "runs": 1}
        (row,) = after.rows
        run = runs.get(store, row["run_id"], student.session_hash)  # the run itself, in My runs' store
        assert row["nickname"] == "Ada" and row["score"] == run["metrics"]["test_accuracy"] and 0.5 < row["score"]
        assert run["settings"]["train_settings"]["epochs"] == 3 and [c["epochs"] for c in after.curves] == [[1, 2, 3]]
        assert f"{row['score']:.3f}" in status
        assert classroom.member_of(store, student.session_hash).title == "Restart 101"  # and the membership
    finally:
        kill(process)
        store.engine.dispose()
    assert token not in log.read_text()  # nor did the app's log ever see the token
