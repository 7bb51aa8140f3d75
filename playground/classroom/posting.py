"""A student's finished run goes to their class by itself: checked, scored, rate-limited, posted once.

`post_run` is called by ui/run_store.post right after the run was saved to
the run store. It looks up the class this visitor joined last; a visitor in
no class gets None (nothing to say). A member always gets one status line:
posted (with the score and the rank), or not posted and why (the class has
ended, the run is off the class's task, or the rate limit).

The rate limit (`PLAYGROUND_CLASS_POSTS_PER_MINUTE`) is counted in the
database from class_runs.posted_at, so it holds across replicas and
restarts. The post is inserted first and counted after, inside one
transaction that first locks the member's row: on PostgreSQL the lock
makes one student's posts take turns (other students' posts don't wait);
on SQLite the insert takes the database's write lock, so the count after it
is exact either way, and a post over the limit is rolled back.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from playground import i18n, limits
from playground.classroom import classes, lookup, nicknames, task as tasks
from playground.store import db, runs

WINDOW = timedelta(minutes=1)
log = logging.getLogger(__name__)


class _OverLimit(Exception):
    pass


def _task(found: dict) -> tasks.Task:
    return tasks.Task(found["dataset"], tuple(found["architectures"]), dict(found["locked"] or {}))


def post_run(store: db.Store, visitor: str, run_id: int, record: dict) -> str | None:
    """Post saved run `run_id` (whose row is `record`, as store/record.record_of made it) to the visitor's class.
    Returns the status line for a member (posted or why not); None when the visitor is in no class."""
    record = runs.plain(record)  # numpy scores as floats, as the run store keeps them
    joined = classes.memberships(store, visitor)
    if not joined:
        return None
    open_ones = [(m, c) for m, c in joined if lookup.is_open(c)]
    member, found = open_ones[0] if open_ones else joined[0]
    title = nicknames.escaped(found["title"])
    if not open_ones:
        return i18n.t("classroom.post.not_posted", title=title, reason=i18n.t("classroom.post.ended"))
    task = _task(found)
    why = tasks.refusal(task, record)
    if why:
        return i18n.t("classroom.post.not_posted", title=title, reason=why)
    score = tasks.score_of(task, record)
    most = int(limits.limit("class_posts_per_minute"))
    try:
        _insert(store, member["id"], found["id"], int(run_id), score, most)
    except _OverLimit:
        return i18n.t("classroom.post.not_posted", title=title,
                      reason=i18n.t("classroom.post.rate_limit", most=most))
    except IntegrityError:  # this run is already on the board (posted twice, or its run row is gone)
        return i18n.t("classroom.post.not_posted", title=title, reason=i18n.t("classroom.post.twice"))
    except SQLAlchemyError as error:
        log.warning("posting run %s to class %s failed: %s", run_id, found["id"], db._reason(error))
        return i18n.t("classroom.post.not_posted", title=title,
                      reason=i18n.t("classroom.post.store_error", reason=db._reason(error)))
    rank, of = _rank(store, found["id"], score)
    return i18n.t("classroom.post.posted", title=title, nickname=nicknames.escaped(member["nickname"]),
                  score_name=task.score_name, score=f"{score:.3f}", rank=rank, of=of)


def _insert(store: db.Store, member_id: int, class_id: int, run_id: int, score: float, most: int) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.select(db.class_members.c.id).where(db.class_members.c.id == member_id)
                           .with_for_update())  # PostgreSQL: this student's posts take turns (SQLite ignores it)
        moment = lookup.now()
        connection.execute(db.class_runs.insert().values(class_id=class_id, member_id=member_id, run_id=run_id,
                                                         score=score, posted_at=moment))
        recent = connection.execute(sa.select(sa.func.count()).select_from(db.class_runs).where(
            db.class_runs.c.member_id == member_id, db.class_runs.c.posted_at > moment - WINDOW)).scalar_one()
        if recent > most:
            raise _OverLimit  # leaves the transaction: the insert is rolled back


def _rank(store: db.Store, class_id: int, score: float) -> tuple[int, int]:
    """Where `score` stands among the class's posted runs (1 is the best), and how many there are."""
    with store.engine.connect() as connection:
        better, total = connection.execute(sa.select(
            sa.func.count().filter(db.class_runs.c.score > score), sa.func.count())
            .where(db.class_runs.c.class_id == class_id)).one()
    return int(better) + 1, int(total)
