"""Making a class and joining one: the teacher's create, close and hide-names; a student's join.

`create` checks the task (task.py) and the title, stores the class with its
join code and the sha256 of the teacher's token (tokens.py), and hands the
token back once: only the teacher's link holds it from then on. `join`
binds a visitor (a browser's id, or an API session: ui/run_store.visitor_of)
to a class under a nickname; the same visitor joining again gets the same
member back, so a reloaded page or a second tab is not a second student.
Races (two students taking one nickname at the same moment, one student
double-clicking Join) are settled by the database's unique constraints, not
by a check-then-insert that two replicas could both pass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from playground import i18n
from playground.classroom import lookup, nicknames, task as tasks, tokens
from playground.errors import UserError, shown
from playground.store import db

TITLE_CHARS = 80
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Created:
    class_id: int
    code: str  # the join code: the students' link
    teacher_token: str  # the teacher's secret: shown to the teacher once, never stored, never logged

    def __repr__(self) -> str:  # a Created that lands in a log or a traceback doesn't spill the token
        return f"Created(class_id={self.class_id}, code={self.code!r}, teacher_token='…')"


@dataclass(frozen=True)
class Member:
    class_id: int
    member_id: int
    nickname: str
    title: str  # the class's title
    code: str = ""  # the class's join code (the member has it: it is on their join link), to open its board


def _title(title) -> str:
    text = " ".join(str(title if title is not None else "").split())  # newlines and tabs become single spaces
    if not 1 <= len(text) <= TITLE_CHARS:
        raise UserError(i18n.t("classroom.error.title", most=TITLE_CHARS, got=len(text)))
    return text


def _ends_at(value) -> datetime | None:
    """None, a datetime, an ISO string or epoch seconds (what gr.DateTime hands over) -> an aware UTC time."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            moment = datetime.fromtimestamp(float(value), timezone.utc)
        else:
            moment = datetime.fromisoformat(str(value).strip())
    except (TypeError, ValueError, OverflowError, OSError):
        raise UserError(i18n.t("classroom.error.ends_at", got=shown(value))) from None
    moment = lookup.utc(moment).astimezone(timezone.utc)
    if moment <= lookup.now():
        raise UserError(i18n.t("classroom.error.ends_past"))
    return moment


def create(store: db.Store, *, title, dataset, architectures=(), locked=None, ends_at=None) -> Created:
    """A new class; its teacher token is in the answer and nowhere else."""
    lookup.available(store)
    row = dict(title=_title(title), closed=False, hide_names=False, created_at=lookup.now(), ends_at=_ends_at(ends_at))
    task = tasks.make(dataset, architectures, locked)
    row.update(dataset=task.dataset, architectures=list(task.architectures), locked=dict(task.locked))
    code, token = tokens.new_code(), tokens.new_teacher_token()
    with store.engine.begin() as connection:
        class_id = connection.execute(db.classes.insert().values(code=code, teacher_key=tokens.key_of(token), **row)
                                      .returning(db.classes.c.id)).scalar_one()
    log.info("class %s created (%s on %s)", class_id, row["title"], task.dataset)  # never the token
    return Created(class_id, code, token)


def _member(connection, class_id: int, visitor: str):
    return connection.execute(sa.select(db.class_members).where(db.class_members.c.class_id == class_id,
                                                                db.class_members.c.visitor == visitor)).first()


def join(store: db.Store, code, nickname, visitor: str) -> Member:
    """Bind `visitor` to the class of `code` as `nickname` (or give back the member it already is)."""
    found = lookup.by_code(store, code)
    visitor = str(visitor)[:64]
    with store.engine.connect() as connection:
        mine = _member(connection, found["id"], visitor)
    if mine is not None:
        return Member(found["id"], mine.id, mine.nickname, found["title"], found["code"])
    if not lookup.is_open(found):
        raise UserError(i18n.t("classroom.error.join_closed", title=found["title"]))
    name = nicknames.checked(nickname)
    with store.engine.connect() as connection:
        taken = connection.execute(sa.select(db.class_members.c.nickname)
                                   .where(db.class_members.c.class_id == found["id"])).scalars().all()
    if nicknames.folded(name) in {nicknames.folded(t) for t in taken}:
        raise UserError(i18n.t("classroom.error.nickname_taken", nickname=name))
    return _claim(store, found, visitor, name)


def _claim(store: db.Store, found: dict, visitor: str, name: str) -> Member:
    """Insert `visitor` as `name`, then look again: the database's unique constraint compares nicknames exactly,
    so 'Ada' and 'ada' typed at the same instant can both pass the check above. Of two such rows the earlier
    (lower id) keeps the name; the later one is taken back and refused. Every racer inserts before it looks, so
    the later one always sees the earlier one."""
    try:
        with store.engine.begin() as connection:
            member_id = connection.execute(db.class_members.insert().values(
                class_id=found["id"], visitor=visitor, nickname=name, joined_at=lookup.now())
                .returning(db.class_members.c.id)).scalar_one()
    except IntegrityError:  # a race: this visitor's other click won (same member), or someone took the name first
        with store.engine.connect() as connection:
            mine = _member(connection, found["id"], visitor)
        if mine is not None:
            return Member(found["id"], mine.id, mine.nickname, found["title"], found["code"])
        raise UserError(i18n.t("classroom.error.nickname_taken", nickname=name)) from None
    with store.engine.begin() as connection:
        others = connection.execute(sa.select(db.class_members.c.id, db.class_members.c.nickname)
                                    .where(db.class_members.c.class_id == found["id"],
                                           db.class_members.c.id < member_id)).all()
        late = nicknames.folded(name) in {nicknames.folded(other.nickname) for other in others}
        if late:
            connection.execute(db.class_members.delete().where(db.class_members.c.id == member_id))
    if late:  # refused once the delete is committed (raising inside the block would roll it back)
        raise UserError(i18n.t("classroom.error.nickname_taken", nickname=name))
    return Member(found["id"], member_id, name, found["title"], found["code"])


def memberships(store: db.Store, visitor: str) -> list[tuple[dict, dict]]:
    """(member row, class row) of every class `visitor` joined, the latest joined first."""
    if not store.available:
        return []
    query = (sa.select(db.class_members, db.classes.c.title, db.classes.c.closed, db.classes.c.ends_at,
                       db.classes.c.dataset, db.classes.c.architectures, db.classes.c.locked, db.classes.c.code)
             .join(db.classes, db.classes.c.id == db.class_members.c.class_id)
             .where(db.class_members.c.visitor == str(visitor)[:64])
             .order_by(db.class_members.c.joined_at.desc(), db.class_members.c.id.desc()))
    with store.engine.connect() as connection:
        rows = [lookup.as_dict(row) for row in connection.execute(query)]
    return [(row, {"id": row["class_id"], **{k: row[k] for k in ("title", "closed", "ends_at", "dataset",
                                                                   "architectures", "locked", "code")}})
            for row in rows]


def member_of(store: db.Store, visitor: str, *, open_only: bool = True) -> Member | None:
    """The class this visitor joined most recently that is still open (the one their runs post to), as its
    Member; with open_only=False the latest joined even if it has ended (its final board is still theirs to read).
    None when there is none."""
    for member, found in memberships(store, visitor):
        if lookup.is_open(found) or not open_only:
            return Member(found["id"], member["id"], member["nickname"], found["title"], found["code"])
    return None


def _update(store: db.Store, token, **values) -> None:
    found = lookup.by_token(store, token)
    with store.engine.begin() as connection:
        connection.execute(db.classes.update().where(db.classes.c.id == found["id"]).values(**values))


def set_hide_names(store: db.Store, token, hide: bool) -> None:
    """Projector mode on or off: students' names become 'Student 1..n' on every board of this class."""
    _update(store, token, hide_names=bool(hide))


def close(store: db.Store, token) -> None:
    """No more joins and no more posts; the board stays readable."""
    _update(store, token, closed=True)
