"""Runs posting to a class: only runs on the class's task count (each refusal says why), the rate limit counted
in the database, 30 students finishing at the same moment losing no row, and the board and CSV built from them."""

import csv
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from playground import classroom
from playground.classroom import lookup, running
from playground.store import db, runs
from tests.classroom_stores import a_record, post, store, store_url  # noqa: F401  (the fixtures)


def test_a_visitor_in_no_class_gets_no_line(store):
    classroom.create(store, title="Moons 101", dataset="moons")
    assert post(store, "browser-stranger")[1] is None


def test_only_runs_on_the_class_task_are_posted_and_each_refusal_says_why(store):
    made = classroom.create(store, title="Moons 101", dataset="moons", architectures=["mlp"],
                            locked={"lr": 0.05, "epochs": 3})
    classroom.join(store, made.code, "Ada", "browser-a")
    cases = [(dict(kind="gan"), "only Train-tab runs"), (dict(dataset="circles"), "trains on moons, and this run "
             "used circles"), (dict(lr=0.1), "locks Learning rate at 0.05, and this run had 0.1"),
             (dict(noise=0.0), "keeps the dataset's noise at 0.2, and this run had 0.0"),
             (dict(accuracy=float("nan")), "has no test accuracy")]
    for changes, expected in cases:
        line = post(store, "browser-a", **{"lr": 0.05, **changes})[1]
        assert line.startswith("📋 Not posted to the class “Moons 101”: ") and expected in line, changes
    record = a_record("browser-a", lr=0.05)
    record["settings"]["model"] = "cnn"
    line = classroom.post_run(store, "browser-a", runs.save(store, **record), record)
    assert "the class allows MLP, and this run was a cnn" in line
    record = a_record("browser-a", lr=0.05)
    record["settings"]["epochs_run"] = 5  # trained 3, then "continue" for 2 more
    assert "continued to 5" in classroom.post_run(store, "browser-a", runs.save(store, **record), record)
    assert classroom.board(store, token=made.teacher_token).rows == []
    run_id, line = post(store, "browser-a", lr=0.05, noise=0.2, accuracy=0.875)  # the default noise, said aloud
    assert line == "📋 Posted to the class “Moons 101” as Ada: test accuracy 0.875, rank 1 of 1."
    assert [r["run_id"] for r in classroom.board(store, code=made.code).rows] == [run_id]
    record = runs.get(store, run_id, "browser-a")
    assert "already on the board" in classroom.post_run(store, "browser-a", run_id, record)  # once only


def test_the_fifth_post_in_a_minute_is_refused_and_others_are_not(store, monkeypatch):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "browser-a")
    classroom.join(store, made.code, "Bob", "browser-b")
    lines = [post(store, "browser-a", accuracy=0.5 + i / 100)[1] for i in range(5)]
    assert all(line.startswith("📋 Posted") for line in lines[:4])
    assert lines[4] == ("📋 Not posted to the class “Moons 101”: a student posts at most 4 runs a minute; this one "
                        "is kept in My runs.")
    assert post(store, "browser-b")[1].startswith("📋 Posted")  # another student is not held back
    assert classroom.board(store, token=made.teacher_token).counts["runs"] == 5
    with store.engine.begin() as connection:  # a minute later: Ada's posts have aged out of the window
        connection.execute(db.class_runs.update().values(posted_at=lookup.now() - timedelta(seconds=61)))
    assert post(store, "browser-a")[1].startswith("📋 Posted")
    monkeypatch.setenv("PLAYGROUND_CLASS_POSTS_PER_MINUTE", "1")
    assert "at most 1 runs a minute" in post(store, "browser-a")[1]


def test_the_rate_limit_holds_when_one_student_posts_from_many_threads_and_replicas(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "browser-a")
    records = [a_record("browser-a", accuracy=0.5 + i / 100) for i in range(10)]
    ids = [runs.save(store, **record) for record in records]
    replica = db.open_store(store.url)  # a second app on the same database: its own engine and connections
    start, lines = threading.Barrier(10), []

    def send(index):
        start.wait()
        lines.append(classroom.post_run((store, replica)[index % 2], "browser-a", ids[index], records[index]))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    replica.engine.dispose()
    assert sum(line.startswith("📋 Posted") for line in lines) == 4 and len(lines) == 10
    assert classroom.board(store, code=made.code).counts["runs"] == 4


def test_thirty_students_finishing_at_the_same_moment_lose_no_row(store):
    """The issue's load check: 30 members' runs posted by 30 threads released at once, a board read throughout."""
    made = classroom.create(store, title="Moons 101", dataset="moons")
    for index in range(30):
        classroom.join(store, made.code, f"student {index}", f"browser-{index}")
    records = [a_record(f"browser-{i}", accuracy=0.5 + i / 100) for i in range(30)]
    ids = [runs.save(store, **record) for record in records]
    start, lines, errors = threading.Barrier(30), {}, []

    def send(index):
        start.wait()
        try:
            lines[index] = classroom.post_run(store, f"browser-{index}", ids[index], records[index])
        except Exception as error:  # noqa: BLE001: collected, asserted below
            errors.append(error)

    done, seen = threading.Event(), []

    def watch():  # the teacher's board refreshing all the while: reads never block the posts, nor fail
        while not done.is_set():
            try:
                seen.append(len(classroom.board(store, token=made.teacher_token).rows))
            except Exception as error:  # noqa: BLE001: collected, asserted below
                errors.append(error)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(30)]
    watcher = threading.Thread(target=watch)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    watcher.join(60)
    assert errors == [] and len(lines) == 30
    assert len(seen) >= 2 and seen == sorted(seen), seen  # read while they posted, the board only ever grew
    assert all(line.startswith("📋 Posted") for line in lines.values()), lines
    view = classroom.board(store, token=made.teacher_token)
    assert len(view.rows) == 30 and view.counts == {"joined": 30, "running": 0, "finished": 30, "runs": 30}
    assert [row["nickname"] for row in view.rows] == [f"student {i}" for i in range(29, -1, -1)]  # best first
    assert sorted(row["run_id"] for row in view.rows) == sorted(ids)
    with store.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(db.class_runs)).scalar_one() == 30


def test_the_board_ranks_runs_and_shows_what_varied(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    for nickname, visitor in (("Ada", "a"), ("<b>Bob</b>", "b"), ("Cy", "c")):
        classroom.join(store, made.code, nickname, visitor)
    post(store, "a", accuracy=0.8, lr=0.1)
    post(store, "b", accuracy=0.95, lr=0.01, epochs=5)
    post(store, "a", accuracy=0.9, lr=0.03)
    view = classroom.board(store, token=made.teacher_token)
    assert [(r["rank"], r["nickname"], r["score"]) for r in view.rows] == [
        (1, "<b>Bob</b>", 0.95), (2, "Ada", 0.9), (3, "Ada", 0.8)]
    assert view.settings == ["epochs", "epochs_run", "lr"]  # optimizer, batch size, layers: all the same
    assert [(r["lr"], r["epochs"]) for r in view.rows] == [(0.01, 5), (0.03, 3), (0.1, 3)]
    assert "device" not in view.rows[0] and "optimizer" not in view.rows[0] and view.rows[0]["model"] == "mlp"
    assert view.counts == {"joined": 3, "running": 0, "finished": 2, "runs": 3}
    assert [c["nickname"] for c in view.curves] == ["<b>Bob</b>", "Ada", "Ada"]
    assert view.curves[0]["epochs"] == [1, 2, 3, 4, 5] and view.curves[0]["values"][-1] == pytest.approx(0.95)
    assert view.curve_name == "validation accuracy" and view.rows[0]["posted_at"].tzinfo is not None
    running.started("c", "session-c")  # Cy trains now
    assert classroom.board(store, code=made.code).counts["running"] == 1
    running.forget("session-c")  # Cy's page closed
    assert classroom.board(store, code=made.code).counts["running"] == 0 and "session-c" not in \
        running.sessions_held()


def test_hidden_names_are_numbered_in_joining_order_on_every_view(store, tmp_path):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    for nickname, visitor in (("Ada", "a"), ("Bob", "b")):
        classroom.join(store, made.code, nickname, visitor)
    post(store, "b", accuracy=0.9)
    post(store, "a", accuracy=0.7)
    classroom.set_hide_names(store, made.teacher_token, True)
    for view in (classroom.board(store, code=made.code), classroom.board(store, token=made.teacher_token)):
        assert view.hide_names and [r["nickname"] for r in view.rows] == ["Student 2", "Student 1"]
        assert [c["nickname"] for c in view.curves] == ["Student 2", "Student 1"]
        assert "Ada" not in repr(view) and "Bob" not in repr(view)
    with open(classroom.export_csv(store, made.teacher_token, tmp_path), newline="") as handle:
        assert [row["nickname"] for row in csv.DictReader(handle)] == ["Bob", "Ada"]  # the teacher's file
    classroom.set_hide_names(store, made.teacher_token, False)
    assert [r["nickname"] for r in classroom.board(store, code=made.code).rows] == ["Bob", "Ada"]


def test_the_csv_has_one_row_per_run_with_its_settings_and_no_formulas(store, tmp_path):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "=HYPERLINK(1)", "a")
    classroom.join(store, made.code, "Bob", "b")
    first, _ = post(store, "a", accuracy=0.8, lr=0.1)
    second, _ = post(store, "b", accuracy=0.9, lr=0.01)
    path = classroom.export_csv(store, made.teacher_token, tmp_path / "teacher")
    assert path.parent == tmp_path / "teacher" and path.name == f"class-{made.class_id}-runs.csv"
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["rank"], r["nickname"], float(r["score"]), int(r["run_id"])) for r in rows] == [
        ("1", "Bob", 0.9, second), ("2", "'=HYPERLINK(1)", 0.8, first)]
    assert {"lr", "optimizer", "batch_size", "epochs", "mlp_hidden_layers", "test_accuracy", "test_loss",
            "posted_at"} <= set(rows[0]) and "visitor" not in rows[0]
    assert [float(r["lr"]) for r in rows] == [0.01, 0.1] and rows[0]["optimizer"] == "adam"


def test_a_run_deleted_from_my_runs_leaves_the_board(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "a")
    kept, _ = post(store, "a", accuracy=0.8)
    gone, _ = post(store, "a", accuracy=0.9)
    assert runs.delete(store, gone, "a")
    assert [r["run_id"] for r in classroom.board(store, code=made.code).rows] == [kept]
    with store.engine.connect() as connection:  # the database dropped the post too (ON DELETE CASCADE)
        assert connection.execute(sa.select(db.class_runs.c.run_id)).scalars().all() == [kept]


def test_a_student_is_told_in_their_language(store):
    from playground import i18n

    made = classroom.create(store, title="月亮 101", dataset="moons", locked={"lr": 0.05})
    classroom.join(store, made.code, "小明", "browser-a")
    with i18n.speaking("zh-CN"):
        assert post(store, "browser-a", lr=0.05, accuracy=0.875)[1] == \
            "📋 已以 小明 的身份提交到班级“月亮 101”：测试准确率 0.875，排名第 1（共 1 次运行）。"
        assert post(store, "browser-a", lr=0.1)[1].startswith("📋 没有提交到班级“月亮 101”：班级把")
        view = classroom.board(store, code=made.code)
        assert (view.score_name, view.curve_name) == ("测试准确率", "验证准确率")
        classroom.set_hide_names(store, made.teacher_token, True)
        assert classroom.board(store, code=made.code).rows[0]["nickname"] == "同学 1"
