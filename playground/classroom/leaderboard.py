"""A class's board: the posted runs ranked by held-out test score, the top runs' validation curves, the counts.

`board(token=...)` is the teacher's view, `board(code=...)` a student's; both
read the same rows (lookup.py keeps the two doors apart). With hide_names on
(projector mode) every view, the teacher's included, shows "Student 1..n"
(numbered in joining order, so a number stays with its student); the CSV
export is the teacher's own file and keeps the names. A Board holds no
visitor ids and no token: it is safe to hand to any page.

Each row carries the settings that vary across the class's runs (the ones
all runs share say nothing about the score), flattened: the training
settings by name (`lr`, `batch_size`), an architecture's own as
`<model>_<field>` like the Train tab's controls (`mlp_hidden_layers`), and
`epochs_run`. `settings` lists those names, for the scatter of each against
the score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from playground import i18n
from playground.classroom import lookup, running, task as tasks
from playground.store import db

TOP_CURVES = 8  # the runs whose validation curves are overlaid
NOT_SETTINGS = ("device", "channels_last")  # where a run trained, not what it tried (same results)


@dataclass
class Board:
    title: str
    dataset: str
    code: str  # the join code (students have it already; the teacher shares it)
    closed: bool  # closed by the teacher or past its end time
    hide_names: bool
    ends_at: datetime | None
    score_name: str  # 'test accuracy', 'test R²' (in the visitor's language)
    curve_name: str  # the validation score the curves show
    rows: list[dict] = field(default_factory=list)  # rank, nickname, model, score, <settings>, posted_at, run_id
    curves: list[dict] = field(default_factory=list)  # rank, nickname, run_id, epochs: [...], values: [...]
    counts: dict = field(default_factory=dict)  # joined, running, finished (students with a posted run), runs
    settings: list[str] = field(default_factory=list)  # the settings that vary across rows


def flat_settings(settings: dict) -> dict:
    """One run's settings as one flat dict of plain values (see the module's docstring)."""
    model = settings.get("model") or ""
    flat = {k: v for k, v in (settings.get("train_settings") or {}).items() if k not in NOT_SETTINGS}
    flat.update({f"{model}_{k}": v for k, v in (settings.get("model_settings") or {}).items()})
    flat.update({k: v for k, v in (settings.get("task_settings") or {}).items()})
    if settings.get("epochs_run") is not None:
        flat["epochs_run"] = settings["epochs_run"]
    return {k: (v if isinstance(v, (int, float, str, bool)) or v is None else str(v)) for k, v in flat.items()}


def varying(flats: list[dict]) -> list[str]:
    names = sorted({name for flat in flats for name in flat})
    return [name for name in names if len({repr(flat.get(name)) for flat in flats}) > 1]


def posted(store: db.Store, class_id: int) -> list[dict]:
    """Every posted run of the class, best first: nickname (as given), member's number, model, score, settings..."""
    members = sa.select(db.class_members.c.id, db.class_members.c.nickname).where(
        db.class_members.c.class_id == class_id).order_by(db.class_members.c.id)
    query = (sa.select(db.class_runs.c.run_id, db.class_runs.c.member_id, db.class_runs.c.score,
                       db.class_runs.c.posted_at, db.runs.c.settings, db.runs.c.metrics)
             .join(db.runs, db.runs.c.id == db.class_runs.c.run_id)
             .where(db.class_runs.c.class_id == class_id)
             .order_by(db.class_runs.c.score.desc(), db.class_runs.c.posted_at, db.class_runs.c.id))
    with store.engine.connect() as connection:
        numbered = {row.id: (index + 1, row.nickname) for index, row in enumerate(connection.execute(members))}
        rows = [lookup.as_dict(row) for row in connection.execute(query)]
    for rank, row in enumerate(rows, 1):
        number, nickname = numbered[row["member_id"]]
        row.update(rank=rank, number=number, nickname=nickname, model=(row["settings"] or {}).get("model"),
                   flat=flat_settings(row["settings"] or {}))
    return rows


def _curves(store: db.Store, rows: list[dict], task: tasks.Task) -> list[dict]:
    top = rows[:TOP_CURVES]
    if not top:
        return []
    with store.engine.connect() as connection:
        histories = dict(connection.execute(sa.select(db.runs.c.id, db.runs.c.history)
                                            .where(db.runs.c.id.in_([row["run_id"] for row in top]))).all())
    curves = []
    for row in top:
        points = [(h.get("epoch"), h.get(f"val_{task.score}")) for h in histories.get(row["run_id"]) or []
                  if isinstance(h, dict)]
        points = [(e, v) for e, v in points if isinstance(e, (int, float)) and isinstance(v, (int, float))]
        curves.append({"rank": row["rank"], "nickname": row["shown"], "run_id": row["run_id"],
                       "epochs": [e for e, _ in points], "values": [v for _, v in points]})
    return curves


def board(store: db.Store, *, token=None, code=None) -> Board:
    """The teacher's view (`token`) or a student's (`code`; only when no token is given); a wrong one is a
    UserError."""
    found = lookup.by_code(store, code) if token is None and code is not None else lookup.by_token(store, token)
    task = tasks.Task(found["dataset"], tuple(found["architectures"]), dict(found["locked"] or {}))
    rows = posted(store, found["id"])
    for row in rows:
        row["shown"] = i18n.t("classroom.board.student", number=row["number"]) if found["hide_names"] \
            else row["nickname"]
    names = varying([row["flat"] for row in rows])
    with store.engine.connect() as connection:
        visitors = connection.execute(sa.select(db.class_members.c.visitor)
                                      .where(db.class_members.c.class_id == found["id"])).scalars().all()
    counts = {"joined": len(visitors), "running": running.count(visitors),
              "finished": len({row["member_id"] for row in rows}), "runs": len(rows)}
    shown_rows = [{"rank": row["rank"], "nickname": row["shown"], "model": row["model"], "score": row["score"],
                   **{name: row["flat"].get(name) for name in names}, "posted_at": row["posted_at"],
                   "run_id": row["run_id"]} for row in rows]
    return Board(title=found["title"], dataset=found["dataset"], code=found["code"],
                 closed=not lookup.is_open(found), hide_names=bool(found["hide_names"]), ends_at=found["ends_at"],
                 score_name=task.score_name, curve_name=i18n.t(f"classroom.curve.{task.score}"), rows=shown_rows,
                 curves=_curves(store, rows, task), counts=counts, settings=names)
