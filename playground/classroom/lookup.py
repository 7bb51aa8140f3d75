"""Finding a class: by the teacher's token (the teacher's view) or by the join code (a student's), never across.

Two separate lookups on two separate columns: `by_token` hashes the token and
matches `teacher_key` only, `by_code` matches `code` only, so a join code
pasted where a token goes finds nothing (its hash is no class's key), and no
code path turns one into the other. Both refuse with the same sentence
whether the class is missing or the secret is wrong, so a guesser learns
nothing. Also here: reading a row's times as UTC (SQLite hands back naive
datetimes) and whether a class has ended.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from playground import i18n
from playground.classroom import tokens
from playground.errors import UserError
from playground.store import db

SECRET_CHARS = 200  # longer than any code or token we make; anything longer is refused before hashing


def utc(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def now() -> datetime:
    return datetime.now(timezone.utc)


def as_dict(row) -> dict:
    found = dict(row._mapping)
    for name in ("ends_at", "created_at", "joined_at", "posted_at"):
        if name in found:
            found[name] = utc(found[name])
    return found


def is_open(found: dict, moment: datetime | None = None) -> bool:
    """Not closed by the teacher and not past its end time."""
    ends = utc(found.get("ends_at"))
    return not found["closed"] and (ends is None or ends > (moment or now()))


def available(store: db.Store) -> None:
    if not store.available:
        raise UserError(i18n.t("classroom.error.no_store", problem=store.problem))


def _secret(value) -> str:
    text = str(value if value is not None else "").strip()
    return text if 0 < len(text) <= SECRET_CHARS else ""


def by_token(store: db.Store, token) -> dict:
    """The class whose teacher holds `token`, or a UserError: the teacher's view and controls start here."""
    available(store)
    secret = _secret(token)
    if secret:
        key = tokens.key_of(secret)
        with store.engine.connect() as connection:
            row = connection.execute(sa.select(db.classes).where(db.classes.c.teacher_key == key)).first()
        if row is not None and tokens.same(row.teacher_key, key):
            return as_dict(row)
    raise UserError(i18n.t("classroom.error.bad_token"))


def by_code(store: db.Store, code) -> dict:
    """The class with join code `code`, or a UserError: joining and the students' view start here."""
    available(store)
    secret = _secret(code)
    if secret:
        with store.engine.connect() as connection:
            row = connection.execute(sa.select(db.classes).where(db.classes.c.code == secret)).first()
        if row is not None and tokens.same(row.code, secret):
            return as_dict(row)
    raise UserError(i18n.t("classroom.error.bad_code"))
