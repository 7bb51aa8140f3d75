"""Creating and joining a class: what a teacher may ask for (checked against the Train tab's own registries), what
a nickname may be (length, control characters, taken, stored as typed and escaped for display), re-joining, and
a closed or ended class refusing newcomers, each refusal one sentence."""

import threading
from datetime import datetime, timedelta, timezone

import pytest

from playground import classroom
from playground.errors import UserError
from tests.classroom_stores import store, store_url  # noqa: F401  (the fixtures)


def one_sentence(error) -> str:
    text = str(error.value)
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text
    return text


def test_create_checks_the_task_against_the_train_tab(store):
    made = classroom.create(store, title="  Moons\n101 ", dataset="moons", architectures=["mlp"],
                            locked={"lr": "0.05", "noise": 0.3, "epochs": 10})
    view = classroom.board(store, token=made.teacher_token)
    assert view.title == "Moons 101" and view.dataset == "moons" and view.score_name == "test accuracy"
    assert classroom.board(store, code=made.code).rows == []
    digits = classroom.create(store, title="Digits", dataset="digits")  # architectures: all that fit image data
    assert classroom.board(store, code=digits.code).dataset == "digits"
    assert classroom.create(store, title="Diabetes", dataset="diabetes").code  # a regression class
    cases = [
        (dict(title="", dataset="moons"), "title has 1 to 80 characters"),
        (dict(title="x" * 81, dataset="moons"), "title has 1 to 80 characters; that one has 81"),
        (dict(title="T", dataset="my_upload"), "one of the bundled datasets"),
        (dict(title="T", dataset="moons", architectures=["cnn"]), "'cnn' can't train on tabular data like 'moons'"),
        (dict(title="T", dataset="moons", architectures=["resnet"]), "'resnet' can't train"),
        (dict(title="T", dataset="moons", locked={"lr": 100}), "Learning rate must be between"),
        (dict(title="T", dataset="moons", locked={"optimizer": "lion"}), "Optimizer must be one of"),
        (dict(title="T", dataset="moons", locked={"hidden_size": 3}), "'hidden_size' is not a setting a class can"),
        (dict(title="T", dataset="iris", locked={"noise": 0.1}), "'noise' is not a setting"),  # iris has no noise
        (dict(title="T", dataset="moons", ends_at="next tuesday"), "end time must be a date and time"),
        (dict(title="T", dataset="moons", ends_at=datetime.now(timezone.utc) - timedelta(minutes=1)),
         "already passed"),
    ]
    for arguments, expected in cases:
        with pytest.raises(UserError) as error:
            classroom.create(store, **arguments)
        assert expected in one_sentence(error), arguments


def test_ends_at_takes_what_a_date_picker_gives(store):
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    for given in (later, later.replace(tzinfo=None), later.isoformat(), later.timestamp()):
        made = classroom.create(store, title="T", dataset="moons", ends_at=given)
        ends = classroom.board(store, code=made.code).ends_at
        assert abs((ends - later).total_seconds()) < 1e-3 and ends.tzinfo is not None


def test_join_and_rejoin(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    ada = classroom.join(store, made.code, "  Ada  ", "browser-a")
    assert (ada.nickname, ada.title, ada.class_id) == ("Ada", "Moons 101", made.class_id)
    assert classroom.join(store, made.code, "Ada Lovelace", "browser-a") == ada  # a reload is not a new student
    assert classroom.member_of(store, "browser-a") == ada and classroom.member_of(store, "browser-b") is None
    bob = classroom.join(store, made.code, "Bob", "browser-b")
    assert bob.member_id != ada.member_id
    assert classroom.board(store, token=made.teacher_token).counts == {"joined": 2, "running": 0, "finished": 0,
                                                                       "runs": 0}


def test_nicknames_refused_with_a_sentence(store, monkeypatch):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "browser-a")
    cases = [("", "Type a nickname"), ("   ", "Type a nickname"), (None, "Type a nickname"),
             ("x" * 25, "at most 24 characters; that one has 25"), ("Ada\nBob", "control or invisible"),
             ("Ada\x00", "control or invisible"), ("\u202eevil", "control or invisible"),  # right-to-left override
             ("zero\u200bwidth", "control or invisible"),
             ("Ada", "“Ada” is taken"), ("ADA", "“ADA” is taken"), ("ＡＤＡ", "is taken")]  # case, full width
    for nickname, expected in cases:
        with pytest.raises(UserError) as error:
            classroom.join(store, made.code, nickname, f"browser-{nickname!r}")
        assert expected in one_sentence(error), nickname
    assert classroom.join(store, made.code, "x" * 24, "browser-long").nickname == "x" * 24
    assert classroom.join(store, made.code, "👩‍💻 Zoë 李", "browser-emoji").nickname == "👩‍💻 Zoë 李"  # joiner kept
    monkeypatch.setenv("PLAYGROUND_NICKNAME_CHARS", "5")
    with pytest.raises(UserError, match="at most 5 characters"):
        classroom.join(store, made.code, "Sixsix", "browser-six")
    with pytest.raises(UserError, match="no class with that join code"):
        classroom.join(store, made.code[:-1], "Zed", "browser-z")


def test_an_injected_nickname_is_stored_as_typed_and_escaped_for_display(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    typed = "<b>Bo</b>**[x](y)**"  # 20 characters: HTML and Markdown both
    assert classroom.join(store, made.code, typed, "browser-h").nickname == typed
    escaped = classroom.escaped(typed)
    assert "<" not in escaped and ">" not in escaped and "**" not in escaped and "](" not in escaped
    assert escaped == r"&lt;b&gt;Bo&lt;/b&gt;\*\*\[x\]\(y\)\*\*"
    script = classroom.escaped("<img src=x onerror=alert(1)>")
    assert script == r"&lt;img src=x onerror=alert\(1\)&gt;"
    assert classroom.escaped("O'Neil & \\co_") == r"O&#x27;Neil &amp; \\co\_"  # no backslash inside an entity
    import markdown_it  # Gradio's own Markdown renderer: the escaped name reads back as exactly what was typed

    rendered = markdown_it.MarkdownIt().renderInline(escaped)
    assert rendered == typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def test_a_closed_or_ended_class_takes_no_one_new(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    ada = classroom.join(store, made.code, "Ada", "browser-a")
    classroom.close(store, made.teacher_token)
    with pytest.raises(UserError) as error:
        classroom.join(store, made.code, "Bob", "browser-b")
    assert "has ended" in one_sentence(error)
    assert classroom.join(store, made.code, "Ada", "browser-a") == ada  # a member still gets back in (to read)
    assert classroom.member_of(store, "browser-a") is None  # but it is no longer the class runs post to
    assert classroom.member_of(store, "browser-a", open_only=False) == ada  # its final board is still theirs
    assert ada.code == made.code
    assert classroom.board(store, code=made.code).closed
    soon = classroom.create(store, title="Quick", dataset="moons", ends_at=datetime.now(timezone.utc) +
                            timedelta(seconds=1.5))
    classroom.join(store, soon.code, "Ada", "browser-a")
    assert classroom.member_of(store, "browser-a").title == "Quick"
    import time

    time.sleep(1.6)
    assert classroom.member_of(store, "browser-a") is None and classroom.board(store, code=soon.code).closed
    with pytest.raises(UserError, match="has ended"):
        classroom.join(store, soon.code, "Cy", "browser-c")


def test_member_of_is_the_latest_open_class(store):
    first = classroom.create(store, title="First", dataset="moons")
    second = classroom.create(store, title="Second", dataset="circles")
    classroom.join(store, first.code, "Ada", "browser-a")
    classroom.join(store, second.code, "Ada", "browser-a")
    assert classroom.member_of(store, "browser-a").title == "Second"
    classroom.close(store, second.teacher_token)
    assert classroom.member_of(store, "browser-a").title == "First"


def racing_joins(store, code, nicknames: list[str]) -> list:
    """Join `code` once per nickname, each from its own browser, all released at the same instant: each outcome is
    a Member or the refusal's sentence."""
    start, outcomes = threading.Barrier(len(nicknames)), []

    def join(index):
        start.wait()
        try:
            outcomes.append(classroom.join(store, code, nicknames[index], f"racer-{index}"))
        except UserError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=join, args=(i,)) for i in range(len(nicknames))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == len(nicknames)
    return outcomes


def test_two_students_racing_for_one_nickname_get_one_each(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    outcomes = racing_joins(store, made.code, ["Ada"] * 8)
    assert len([o for o in outcomes if isinstance(o, classroom.Member)]) == 1
    assert all("is taken" in o for o in outcomes if isinstance(o, str))
    assert classroom.board(store, code=made.code).counts["joined"] == 1


def test_nicknames_that_differ_only_in_case_racing_get_one_member(store):
    """The database's unique constraint compares exactly, so 'Ada' and 'ada' once both got in when typed at the same
    instant. A late racer (one that passed the 'taken' check before the first insert landed) is taken back."""
    from playground.classroom import classes, lookup

    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "browser-a")
    with pytest.raises(UserError) as error:
        classes._claim(store, lookup.by_code(store, made.code), "browser-b", "ADA")
    assert "is taken" in one_sentence(error)
    assert classroom.member_of(store, "browser-b") is None
    assert classroom.board(store, code=made.code).counts["joined"] == 1
    outcomes = racing_joins(store, made.code, ["Bea", "bea", "BEA", "Ｂｅａ", "bEa", "beA"])
    assert len([o for o in outcomes if isinstance(o, classroom.Member)]) == 1
    assert all("is taken" in o for o in outcomes if isinstance(o, str))
    assert classroom.board(store, code=made.code).counts["joined"] == 2


def test_without_a_run_store_classes_refuse_with_its_sentence(tmp_path):
    from playground.store import db

    path = tmp_path / "playground.db"
    path.write_bytes(b"not a database " * 200)
    broken = db.open_store(f"sqlite:///{path}")
    for call in (lambda: classroom.create(broken, title="T", dataset="moons"),
                 lambda: classroom.join(broken, "code", "Ada", "browser-a"),
                 lambda: classroom.board(broken, token="token"), lambda: classroom.board(broken, code="code")):
        with pytest.raises(UserError) as error:
            call()
        assert one_sentence(error).startswith("Classes need the run store, which is unavailable: The run store at")
    assert classroom.member_of(broken, "browser-a") is None
    assert classroom.post_run(broken, "browser-a", 1, {"kind": "train"}) is None  # the run's own line says why
