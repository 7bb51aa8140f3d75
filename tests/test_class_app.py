"""Classes through the served app's API, by keyword: a teacher creates a class, students join and train, the
board ranks their runs by test score; an injected nickname stays text; a student can't open the teacher's
board, and the teacher's token reaches no response of a student's and no log line."""

import csv
import logging

import pytest

from tests.app_inputs import train_inputs

INJECTED = "<img src=x onerror=alert(1)>**bold**"


@pytest.fixture(autouse=True)
def room_for_the_injected_nickname(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_NICKNAME_CHARS", "40")  # the default 24 would refuse it before it is shown


@pytest.fixture
def fresh_store(tmp_path):
    from playground.store import db

    previous = db.use(db.open_store(f"sqlite:///{tmp_path / 'runs.db'}"))
    yield db.store()
    db.use(previous).engine.dispose()


@pytest.fixture
def every_log_line(caplog):
    """Everything the app logs at any level while the test runs, uvicorn's access log (which prints each URL
    with its query string, and does not propagate to the root logger) included."""
    caplog.set_level(logging.DEBUG)
    own = ("uvicorn", "uvicorn.access", "uvicorn.error")
    for name in (*own, "httpx", "gradio", "playground"):
        caplog.set_level(logging.DEBUG, logger=name)
    for name in own:
        logging.getLogger(name).addHandler(caplog.handler)
    yield caplog
    for name in own:
        logging.getLogger(name).removeHandler(caplog.handler)


def student(app_url, code, nickname):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    status = client.predict(code=code, nickname=nickname, api_name="/join_class")[0]
    return client, status


def test_a_class_through_the_api(app_url, client, fresh_store, every_log_line, tmp_path):
    code, token, join_link, teacher_link, created, *_ = client.predict(title="Moons, week 3", dataset="moons",
                                                                       api_name="/create_class")
    assert len(code) >= 22 and len(token) >= 43 and code != token  # 128 and 256 random bits, URL-safe
    assert join_link.endswith(f"?join={code}") and teacher_link.endswith(f"#teacher={token}")
    assert "Moons, week 3" in created

    alice, joined = student(app_url, code, "alice")
    assert "alice" in joined and "Moons, week 3" in joined
    mallory, joined = student(app_url, code, INJECTED)
    assert "<img" not in joined and "&lt;img" in joined  # the status line is Markdown: the name is escaped there

    results = [alice.predict(**train_inputs("moons", epochs=4, lr=0.05), api_name="/train"),
               mallory.predict(**train_inputs("moons", epochs=2, lr=0.003), api_name="/train")]
    statuses = [result[0] for result in results]
    assert all("Posted to the class" in status for status in statuses), statuses

    table = client.predict(token=token, api_name="/class_board")[0]
    headers, rows = table["headers"], table["data"]
    assert headers[:3] == ["rank", "student", "test accuracy"] and "lr" in headers
    assert sorted(row[1] for row in rows) == sorted(["alice", INJECTED])  # the name as typed: a cell is text
    scores = [row[2] for row in rows]
    assert scores == sorted(scores, reverse=True) and all(0.5 < s <= 1 for s in scores)
    assert {row[headers.index("lr")] for row in rows} == {0.05, 0.003}

    # a student sees the same board (through their membership), never with the teacher's controls or token
    seen = alice.predict(token="", api_name="/class_board")
    assert sorted(row[1] for row in seen[0]["data"]) == sorted(["alice", INJECTED])
    with pytest.raises(Exception, match="teacher link is not valid"):
        alice.predict(token=code, api_name="/class_board")  # the join code does not open the teacher's board
    with pytest.raises(Exception, match="teacher link is not valid"):
        alice.predict(token=code, hide=True, api_name="/hide_names")
    with pytest.raises(Exception, match="teacher link is not valid"):
        alice.predict(token=code, api_name="/close_class")

    # projector mode: no name on anyone's board; the teacher's CSV keeps them
    client.predict(token=token, hide=True, api_name="/hide_names")
    for viewer in (client, alice):
        names = [row[1] for row in viewer.predict(token=token if viewer is client else "",
                                                  api_name="/class_board")[0]["data"]]
        assert sorted(names) == ["Student 1", "Student 2"]
    exported = client.predict(token=token, api_name="/export_class_csv")
    with open(exported, newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert sorted(line["nickname"] for line in lines) == sorted(["alice", INJECTED])

    # closed: the board stays, new runs don't post
    client.predict(token=token, api_name="/close_class")
    late = alice.predict(**train_inputs("moons", epochs=1), api_name="/train")[0]
    assert "Not posted to the class" in late
    assert len(client.predict(token=token, api_name="/class_board")[0]["data"]) == 2

    everything_students_got = str([joined, results, seen, late])
    assert token not in everything_students_got
    logged = "\n".join(record.getMessage() for record in every_log_line.records)
    assert every_log_line.records and token not in logged


def test_without_a_class_the_board_says_what_to_do(client, fresh_store):
    with pytest.raises(Exception, match="join a class, or open your teacher link"):
        client.predict(token="", api_name="/class_board")
    with pytest.raises(Exception, match="no class with that join code"):
        client.predict(code="not-a-code", nickname="bob", api_name="/join_class")
