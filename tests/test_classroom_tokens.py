"""A class's secrets: join codes and teacher tokens are long random URL-safe strings, only the token's hash is
stored, a join code (or any wrong token) never opens the teacher's view or controls, and the token appears in no
log record while a class is created, joined, posted to and read."""

import logging
import math
import re
from collections import Counter

import pytest
import sqlalchemy as sa

from playground import classroom
from playground.classroom import tokens
from playground.errors import UserError
from playground.store import db
from tests.classroom_stores import post, store, store_url  # noqa: F401  (the fixtures)

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def test_codes_and_tokens_carry_at_least_128_random_bits():
    codes = [tokens.new_code() for _ in range(2000)]
    keys = [tokens.new_teacher_token() for _ in range(2000)]
    for secrets_made, length in ((codes, 22), (keys, 43)):
        assert len(set(secrets_made)) == len(secrets_made)  # no repeats in 2000
        assert all(URL_SAFE.match(s) and len(s) >= length for s in secrets_made)
        assert len(secrets_made[0]) * 6 >= 128  # 6 bits per URL-safe base64 character
        # every position uses the whole 64-letter alphabet about evenly: the empirical entropy per character of
        # 2000 draws is close to log2(64) = 6 bits (a counter or a timestamp would be far below)
        letters = Counter("".join(s[:21] for s in secrets_made))
        total = sum(letters.values())
        entropy = -sum(n / total * math.log2(n / total) for n in letters.values())
        assert entropy > 5.95 and len(letters) == 64


def test_key_of_is_sha256_and_same_compares_exactly():
    assert tokens.key_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert tokens.same("a" * 40, "a" * 40) and not tokens.same("a" * 40, "a" * 39 + "b")
    assert not tokens.same("abc", "abcd")


def test_only_the_hash_of_the_token_is_stored(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    with store.engine.connect() as connection:
        row = connection.execute(sa.select(db.classes)).one()._mapping
    assert row["teacher_key"] == tokens.key_of(made.teacher_token)
    assert made.teacher_token not in repr(dict(row)) and row["code"] == made.code
    assert made.teacher_token not in repr(made) and made.teacher_token not in str(made)


def test_a_join_code_never_opens_the_teacher_view(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    other = classroom.create(store, title="Another class", dataset="iris")
    assert classroom.board(store, token=made.teacher_token).title == "Moons 101"
    assert classroom.board(store, code=made.code).title == "Moons 101"  # the students' view
    for wrong in (made.code, other.code, made.teacher_token[:-1], made.teacher_token + "x", "", None, "x" * 10_000,
                  tokens.key_of(made.teacher_token)):  # the stored hash is not a token either
        with pytest.raises(UserError, match="teacher link is not valid"):
            classroom.board(store, token=wrong)
        with pytest.raises(UserError, match="teacher link is not valid"):
            classroom.close(store, wrong)
        with pytest.raises(UserError, match="teacher link is not valid"):
            classroom.set_hide_names(store, wrong, True)
        with pytest.raises(UserError, match="teacher link is not valid"):
            classroom.export_csv(store, wrong, "/tmp")
    with pytest.raises(UserError, match="no class with that join code"):
        classroom.board(store, code=made.teacher_token)  # nor does the token pass as a code
    assert classroom.board(store, code=other.code).title == "Another class"  # each code its own class
    assert not classroom.board(store, code=made.code).closed and not classroom.board(store, code=made.code).hide_names


def test_a_board_holds_no_token_and_no_visitor_id(store):
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "browser-secret-id")
    post(store, "browser-secret-id")
    for view in (classroom.board(store, code=made.code), classroom.board(store, token=made.teacher_token)):
        shown = repr(view)
        assert made.teacher_token not in shown and tokens.key_of(made.teacher_token) not in shown
        assert "browser-secret-id" not in shown and "Ada" in shown


def test_the_teacher_token_is_in_no_log_record(store, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    made = classroom.create(store, title="Moons 101", dataset="moons")
    classroom.join(store, made.code, "Ada", "browser-a")
    post(store, "browser-a")
    post(store, "browser-a", kind="gan")  # refused: logged nothing secret either
    classroom.board(store, token=made.teacher_token)
    classroom.board(store, code=made.code)
    classroom.set_hide_names(store, made.teacher_token, True)
    classroom.export_csv(store, made.teacher_token, tmp_path)
    with pytest.raises(UserError):
        classroom.board(store, token=made.teacher_token + "x")
    assert caplog.records, "nothing was logged at all: the check would pass vacuously"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + str(record.exc_text or "")
        assert made.teacher_token not in text and made.teacher_token[:-1] not in text
