"""The live tabs' side of the run store: each job that ends is saved once, by the engine, for every tab.

`engine.follow` hands over each job that ran (`ended`); `engine.named`, once
the tab's handler has yielded its last update (the status line, the files),
calls `post`, which saves the run under this browser's id and returns a
status line only when it could not be saved, so the visitor is told. The
browser's id comes from the My runs tab (`bind`, a gr.BrowserState id); an
API client without one is known by its session. Both per-request and
per-session entries go with the request or the visitor (weak keys,
visitors.on_leave).
"""

from __future__ import annotations

import logging
import threading
import weakref

import gradio as gr

from playground import classroom, i18n
from playground.classroom import running
from playground.store import db, record, runs
from playground.ui import visitors

log = logging.getLogger(__name__)
_ended: "weakref.WeakKeyDictionary[gr.Request, object]" = weakref.WeakKeyDictionary()
_browsers: dict[str, str] = {}  # session -> browser id, freed when the page closes
_lock = threading.Lock()


def bind(request: gr.Request | None, browser_id: str) -> None:
    """This page's runs are saved under `browser_id` (kept in the browser, so it survives restarts)."""
    with _lock:
        _browsers[visitors.session_of(request)] = str(browser_id)[:64]


def visitor_of(request: gr.Request | None) -> str:
    session = visitors.session_of(request)
    with _lock:
        return _browsers.get(session, session)


visitors.on_leave(running.forget)  # the board's running count drops a closed page's jobs


@visitors.on_leave
def forget(session: str) -> None:
    with _lock:
        _browsers.pop(session, None)


def ended(request, job) -> None:
    """`job` ran and ended; its tab's handler is about to yield its results."""
    if not isinstance(request, gr.Request) or not job.ran or job.state not in ("done", "stopped"):
        return  # only a served page or API call has a request to hand its job over with (tests pass stand-ins)
    with _lock:
        _ended[request] = job


def post(request, update: dict) -> str | None:
    """Save the run that ended in this request, `update` being what its tab's outputs show at the end, and post it to
    the visitor's class if they joined one. Returns a status line when it could not be saved (the line the visitor
    saw, and why it isn't kept) or when it went to a class (posted, or why not); None otherwise."""
    with _lock:
        job = _ended.pop(request, None) if isinstance(request, gr.Request) else None
    if job is None:
        return None
    shown = update.get("status") if isinstance(update.get("status"), str) else ""
    try:
        row = record.record_of(job, update, visitor_of(request))
        run_id = runs.save(db.store(), **row)
        log.debug("run %s saved", run_id)
    except runs.NotStored as error:
        return f"{shown} {i18n.t('run_store.status.not_saved', reason=error)}".strip()
    except Exception:  # noqa: BLE001: a bug in saving must not hide the run the visitor just trained
        log.exception("saving a %s run failed", job.kind)
        return f"{shown} {i18n.t('run_store.status.not_saved', reason=i18n.t('run_store.status.failed'))}"
    return _posted(shown, row, run_id)


def _posted(shown: str, row: dict, run_id: int) -> str | None:
    """Post the saved run to the visitor's class (playground/classroom); its line follows the run's own."""
    try:
        line = classroom.post_run(db.store(), row["visitor"], run_id, row)
    except Exception:  # noqa: BLE001: a bug in posting must not hide the run the visitor just trained
        log.exception("posting run %s to a class failed", run_id)
        line = i18n.t("classroom.post.failed")
    return f"{shown}\n\n{line}".strip() if line else None
