"""The teacher's CSV of a class: one row per posted run, its score, its test metrics and every setting.

Real nicknames (it is the teacher's own file, hide_names or not), every
setting rather than only the varying ones (a spreadsheet can drop columns,
not invent them), and no visitor ids. A cell that a spreadsheet would run
as a formula (a nickname like `=HYPERLINK(...)`) is written with a leading
apostrophe, as OWASP advises against CSV injection.
"""

from __future__ import annotations

import csv
from pathlib import Path

from playground.classroom import leaderboard, lookup
from playground.store import db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(store: db.Store, token, folder) -> Path:
    """Write the class's runs to `folder`/class-<id>-runs.csv (the teacher's token opens it); returns the path."""
    found = lookup.by_token(store, token)
    rows = leaderboard.posted(store, found["id"])
    settings = sorted({name for row in rows for name in row["flat"]})
    metrics = sorted({name for row in rows for name, value in (row["metrics"] or {}).items()
                      if name.startswith("test_") and isinstance(value, (int, float))})
    path = Path(folder) / f"class-{found['id']}-runs.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["rank", "nickname", "model", "score", "posted_at", "run_id", *metrics, *settings])
        for row in rows:
            writer.writerow([cell(v) for v in (
                row["rank"], row["nickname"], row["model"], row["score"], row["posted_at"].isoformat(),
                row["run_id"], *[(row["metrics"] or {}).get(m) for m in metrics],
                *[row["flat"].get(s) for s in settings])])
    return path
