"""Where finished runs are kept: one SQLAlchemy engine, SQLite by default, PostgreSQL for several replicas.

Why a database: a Space restarts on every push, on sleep and on a crash, and a
class of 30 needs its runs to survive that. `PLAYGROUND_DATABASE_URL` names
the database (any SQLAlchemy URL; `postgres://` and `postgresql://` are read
as psycopg 3, the driver we ship); unset, it is SQLite in
`PLAYGROUND_DATA_DIR/playground.db` (default `./playground-data`, `/data` on a
Space with persistent storage).

Schema changes: a one-row `schema_version` table next to `create_all`, not
Alembic. There is one small set of tables; `create_all` makes them on a fresh
database and leaves an existing one alone, and the version row lets a later
release see which layout it opened (and refuse a newer one with a sentence)
without carrying a migrations folder and its env for a handful of tables.
Version 2 only added tables (the classes of playground/classroom): `create_all`
adds them to a version-1 database and the row is raised to 2; a change to an
existing table would be the point to bring Alembic in.

A database that can't be opened (corrupt file, server down, wrong password)
never stops the app: `store()` returns an unavailable Store whose `problem`
says so in one sentence, logged once at start and shown in the System tab;
training goes on, and each run that could not be stored says so in its status.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from playground import i18n, places

SCHEMA_VERSION = 2  # 1: runs; 2: + classes, class_members, class_runs (added to a v1 file by create_all)
CONNECT_SECONDS = 5  # how long opening a database server may take before the store is called unreachable
log = logging.getLogger(__name__)
metadata = sa.MetaData()

schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

runs = sa.Table(
    "runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("visitor", sa.String(64), nullable=False, index=True),  # the browser's id (or the API session's)
    sa.Column("kind", sa.String(32), nullable=False),  # the job's kind: train, gan, vae, sweep, transfer, tiny-gpt
    sa.Column("title", sa.String(300), nullable=False, default=""),
    sa.Column("state", sa.String(16), nullable=False),  # done | stopped
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("seconds", sa.Float),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("metrics", sa.JSON, nullable=False),
    sa.Column("history", sa.JSON, nullable=False),  # one dict per epoch (or step), as the run kept it
    sa.Column("files", sa.JSON, nullable=False),  # paths of its downloads (they may be swept later)
    sa.Column("status", sa.Text, nullable=False, default=""),  # the line the visitor was shown at the end
)

# a class (playground/classroom): a teacher's task, the students who joined it and the runs they posted to it
classes = sa.Table(
    "classes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(64), nullable=False, unique=True),  # the join code, on the students' link
    sa.Column("teacher_key", sa.String(64), nullable=False, unique=True),  # sha256 hex of the teacher's token, never
    # the token itself: whoever reads the database still can't open a teacher view
    sa.Column("title", sa.String(80), nullable=False),
    sa.Column("dataset", sa.String(64), nullable=False),
    sa.Column("architectures", sa.JSON, nullable=False),  # the architectures allowed, a list of names
    sa.Column("locked", sa.JSON, nullable=False),  # setting -> the value every posted run must have
    sa.Column("ends_at", sa.DateTime(timezone=True)),  # None: open until closed
    sa.Column("closed", sa.Boolean, nullable=False, default=False),
    sa.Column("hide_names", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

class_members = sa.Table(
    "class_members", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False),
    sa.Column("visitor", sa.String(64), nullable=False, index=True),  # as ui/run_store.visitor_of gives it
    sa.Column("nickname", sa.String(200), nullable=False),
    sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("class_id", "nickname"),
    sa.UniqueConstraint("class_id", "visitor"),  # one member per browser per class, even when two joins race
)

class_runs = sa.Table(
    "class_runs", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("class_members.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False, unique=True),
    sa.Column("score", sa.Float, nullable=False),  # the run's held-out test score (classroom/task.py says which)
    sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False, index=True),  # the rate limit counts these
)


def data_dir() -> Path:
    return places.data_dir()


def database_url() -> str:
    url = os.environ.get("PLAYGROUND_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{(data_dir() / 'playground.db').resolve()}"
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def shown_url(url: str) -> str:
    """The URL without its password, for the log and the System tab."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001: an unparsable URL is shown as a sentence, not echoed
        return "(an unreadable URL)"


class Store:
    """An open database (`engine`), or an unavailable one (`engine` None, `problem` the sentence why)."""

    def __init__(self, url: str, engine: sa.Engine | None = None, problem: str | tuple[str, dict] = ""):
        self.url, self.engine, self._problem = url, engine, problem

    @property
    def problem(self) -> str:
        """The sentence, in the language of whoever reads it now (kept as a catalogue key and its values)."""
        if isinstance(self._problem, tuple):
            key, values = self._problem
            return i18n.t(key, **values)
        return self._problem

    @property
    def available(self) -> bool:
        return self.engine is not None

    def describe(self) -> str:
        return f"{shown_url(self.url)}: " + ("ok" if self.available else self.problem)


def _make_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})  # 30 s: writers wait their turn

        @sa.event.listens_for(engine, "connect")
        def _wal(connection, _):  # readers don't block the writer; 30 visitors finishing at once all get in
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")  # a deleted run leaves its class's board (ON DELETE CASCADE)

        return engine
    options = {"connect_timeout": CONNECT_SECONDS} if parsed.get_backend_name() == "postgresql" else {}
    return sa.create_engine(url, connect_args=options, pool_pre_ping=True, pool_size=10, max_overflow=30)


def open_store(url: str | None = None) -> Store:
    """Open (and on first use create) the database at `url`; never raises: a failure is an unavailable Store."""
    url = url or database_url()
    engine = None
    try:
        engine = _make_engine(url)
        metadata.create_all(engine)
        with engine.begin() as connection:
            found = connection.execute(sa.select(schema_version.c.version)).scalars().all()
            if not found:
                connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))
            elif max(found) < SCHEMA_VERSION:  # an older file: create_all has just added the newer tables
                connection.execute(schema_version.update().values(version=SCHEMA_VERSION))
            elif max(found) > SCHEMA_VERSION:
                engine.dispose()
                return Store(url, problem=("errors.store.newer", {"url": shown_url(url), "found": max(found),
                                                                  "reads": SCHEMA_VERSION}))
        return Store(url, engine)
    except (SQLAlchemyError, OSError, ValueError, ImportError) as error:
        if engine is not None:
            engine.dispose()
        log.debug("opening the run store failed", exc_info=True)
        reason = _reason(error)
        return Store(url, problem=("errors.store.cannot_open", {"url": shown_url(url), "reason": reason}))


def _reason(error: Exception) -> str:
    """The first line of the driver's own message, short: 'file is not a database', 'connection refused'."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return text[:160]


_store: Store | None = None
_lock = threading.Lock()


def store() -> Store:
    """The app's store, opened on first use (app start), with its problem logged once."""
    global _store
    with _lock:
        if _store is None:
            _store = open_store()
            if _store.available:
                log.info("run store: %s", shown_url(_store.url))
            else:
                log.warning("Run store unavailable: %s", _store.problem)
        return _store


def use(new: Store | None) -> Store | None:
    """Swap the app's store (tests point it at a temporary database); returns the one it replaced."""
    global _store
    with _lock:
        previous, _store = _store, new
    return previous
