"""A finished job as a run-store row: what any tab's run holds, read the same way for every tab.

Every run a tab trains (training.Run, a GAN or VAE run, a sweep runner, a
transfer experiment, the tiny GPT's result) already keeps the same three
things under the same names: `settings()` or a `config` dataclass, a
`summary` dict of final numbers, a `history` list. So one reader serves them
all and no tab has to say how it is stored; the downloads come from the tab's
last update (its "downloads" or "download" output), the one place every tab
names them.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from playground import config as cfg

FILE_OUTPUTS = ("downloads", "download", "files")  # output names under which the tabs hand over their files


def settings_of(job, result) -> dict:
    settings = getattr(result, "settings", None)
    if callable(settings):
        return settings()
    config = getattr(result, "config", None)
    if dataclasses.is_dataclass(config):
        return cfg.to_dict(config)
    work = job.work  # a tab whose result is plain numbers passes its config to the work (functools.partial)
    if isinstance(work, functools.partial):
        for argument in work.args:
            if dataclasses.is_dataclass(argument) and not isinstance(argument, type):
                return cfg.to_dict(argument)
    return {}


def metrics_of(result) -> dict:
    summary = getattr(result, "summary", None)
    if isinstance(summary, dict):
        return dict(summary)
    if isinstance(result, dict):
        return {k: v for k, v in result.items() if isinstance(v, (int, float, str, bool)) or v is None}
    return {}


def history_of(job, result) -> list:
    history = getattr(result, "history", None)
    if isinstance(history, list):
        return list(history)
    view = job.view()
    for name in ("history", "rows"):  # what the worker published for its curves
        if isinstance(view.get(name), list):
            return view[name]
    return []


def files_of(update: dict, result) -> list[str]:
    """The existing files the tab handed over in its last update (and a tiny GPT's saved folder)."""
    found = []
    for name in FILE_OUTPUTS:
        value = update.get(name)
        if isinstance(value, dict):  # gr.update(value=..., visible=True)
            value = value.get("value")
        found += value if isinstance(value, (list, tuple)) else [value]
    if isinstance(result, dict) and result.get("path"):
        found.append(result["path"])
    return [str(path) for path in found if isinstance(path, (str, Path)) and Path(path).exists()]


def record_of(job, update: dict, visitor: str) -> dict:
    """The row for `job` (ended done or stopped), whose tab's last update was `update`."""
    result = job.result if job.result is not None else job.subject
    metrics = metrics_of(result)
    seconds = metrics.get("seconds") if isinstance(metrics.get("seconds"), (int, float)) else job.view()["seconds"]
    status = update.get("status")
    return {"visitor": visitor, "kind": job.kind, "title": job.title.replace("**", ""), "state": job.state,
            "seconds": seconds, "settings": settings_of(job, result), "metrics": metrics,
            "history": history_of(job, result), "files": files_of(update, result),
            "status": status if isinstance(status, str) else ""}
