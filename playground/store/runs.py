"""What the run store keeps: save, list, get and delete finished runs (rows of db.runs), for one visitor.

A run is saved as plain JSON (its settings, final metrics, per-epoch history
and the paths of its downloads), so any tab's run fits the same row and the
same reader; `plain` turns what a run holds (numpy numbers, tensors' floats,
NaN from a diverged run, paths) into JSON every database accepts.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from playground import i18n, limits
from playground.store import db

LIST_LIMIT = 200  # the most runs one listing returns (newest first)
FIELDS = ("visitor", "kind", "title", "state", "seconds", "settings", "metrics", "history", "files", "status")


class NotStored(Exception):
    """The database refused or couldn't be reached; str() is one sentence for the run's status."""


def plain(value, depth: int = 0):
    """`value` as JSON-safe data: dicts with string keys, lists, finite floats (NaN/inf become None), strings."""
    if depth > 20:
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v, depth + 1) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:  # numpy / torch scalars
        return plain(value.item(), depth + 1)
    if isinstance(value, Path):
        return str(value)
    return str(value)


def save(store: db.Store, **record) -> int:
    """Insert one finished run; returns its id. Raises NotStored with a sentence when it can't be kept."""
    if not store.available:
        raise NotStored(store.problem)
    unknown = set(record) - set(FIELDS)
    assert not unknown, f"not a column of runs: {sorted(unknown)}"
    row = {name: plain(record.get(name)) for name in FIELDS}
    row.update(visitor=str(row["visitor"] or "local")[:64], kind=str(row["kind"] or "")[:32],
               title=str(row["title"] or "")[:300], state=str(row["state"] or "done")[:16],
               status=str(row["status"] or ""), created_at=datetime.now(timezone.utc))
    for name in ("settings", "metrics"):
        row[name] = row[name] if isinstance(row[name], dict) else {}
    for name in ("history", "files"):
        row[name] = row[name] if isinstance(row[name], list) else []
    try:
        with store.engine.begin() as connection:
            run_id = connection.execute(db.runs.insert().values(**row).returning(db.runs.c.id)).scalar_one()
            _forget_oldest(connection, row["visitor"])
            return run_id
    except SQLAlchemyError as error:
        raise NotStored(i18n.t("errors.store.refused", url=db.shown_url(store.url), reason=db._reason(error))) \
            from error


def _forget_oldest(connection, visitor: str) -> None:
    """Delete this visitor's oldest runs beyond PLAYGROUND_MAX_RUNS_PER_VISITOR (0: keep all), so one visitor
    clicking Train all day can't grow the database without end. A run posted to a class stays: deleting it
    would take its row off the class board."""
    most = int(limits.limit("runs_per_visitor"))
    if most <= 0:
        return
    posted = sa.select(db.class_runs.c.run_id)
    kept = (sa.select(db.runs.c.id).where(db.runs.c.visitor == visitor)
            .order_by(db.runs.c.created_at.desc(), db.runs.c.id.desc()).limit(most))
    connection.execute(db.runs.delete().where(db.runs.c.visitor == visitor, db.runs.c.id.not_in(kept),
                                              db.runs.c.id.not_in(posted)))


def _as_dict(row) -> dict:
    found = dict(row._mapping)
    created = found.get("created_at")
    if created is not None and created.tzinfo is None:  # SQLite hands back naive datetimes: they were UTC
        found["created_at"] = created.replace(tzinfo=timezone.utc)
    return found


def list_runs(store: db.Store, visitor: str, *, limit: int = LIST_LIMIT) -> list[dict]:
    """This visitor's runs, newest first, without their histories (get() has those)."""
    if not store.available:
        return []
    columns = [c for c in db.runs.c if c.name != "history"]
    query = (sa.select(*columns).where(db.runs.c.visitor == visitor)
             .order_by(db.runs.c.created_at.desc(), db.runs.c.id.desc()).limit(limit))
    with store.engine.connect() as connection:
        return [_as_dict(row) for row in connection.execute(query)]


def get(store: db.Store, run_id: int, visitor: str) -> dict | None:
    """One run of this visitor, history included; None when there is none with that id (or it is someone else's)."""
    if not store.available:
        return None
    query = sa.select(db.runs).where(db.runs.c.id == int(run_id), db.runs.c.visitor == visitor)
    with store.engine.connect() as connection:
        row = connection.execute(query).first()
    return _as_dict(row) if row is not None else None


def delete(store: db.Store, run_id: int, visitor: str) -> bool:
    """Delete one run of this visitor; False when there was none to delete. Its files are left to the sweeper."""
    if not store.available:
        return False
    with store.engine.begin() as connection:
        result = connection.execute(db.runs.delete().where(db.runs.c.id == int(run_id), db.runs.c.visitor == visitor))
    return result.rowcount > 0


def count(store: db.Store) -> int:
    if not store.available:
        return 0
    with store.engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(db.runs)).scalar_one()
