"""The Class tab's handlers: create a class, join one, read its board, and the teacher's controls.

Each takes named values and returns a dict keyed by output name; the
classroom package (playground/classroom) does the work and refuses with a
sentence. Who may see what is decided there, by which secret is presented:
the teacher's token opens the teacher's board and controls, a join code only
ever opens a membership, and a student's board is read through their
membership (this browser's id, or the API session's), never a secret.

The teacher's token travels only in request bodies and the link's fragment
(`#teacher=...`, which browsers never send to a server), so no access log
holds it; nothing here logs it either.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode, urlsplit, urlunsplit

import gradio as gr

from playground import classroom
from playground.classroom import escaped
from playground.errors import UserError
from playground.i18n import t
from playground.outputs import new_run_dir
from playground.store import db
from playground.ui import class_board as board_view
from playground.ui import run_store

JOIN_PARAMETER, TEACHER_PARAMETER = "join", "teacher"  # ?join=CODE on the students' link, #teacher=TOKEN


def page_url(request: gr.Request | None) -> str:
    """The page's address without query or fragment: the browser's Referer, else the app's root URL."""
    headers = {k.lower(): v for k, v in dict(getattr(request, "headers", None) or {}).items()}
    referer = headers.get("referer", "")
    if referer.startswith(("http://", "https://")):
        parts = urlsplit(referer)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    host = (headers.get("x-forwarded-host") or headers.get("host") or "localhost:7860").split(",")[0].strip()
    scheme = (headers.get("x-forwarded-proto") or "").split(",")[0].strip() or \
        urlsplit(str(getattr(request, "url", "") or "")).scheme or "http"
    return f"{scheme}://{host}/"


def links(request, code: str, token: str) -> dict:
    """The students' link (the code in the query) and the teacher's (the token in the fragment, never sent)."""
    url = page_url(request)
    return {"join_link": f"{url}?{urlencode({JOIN_PARAMETER: code})}",
            "teacher_link": f"{url}#{urlencode({TEACHER_PARAMETER: token})}"}


def locked_settings(lock_epochs=None, lock_lr=None, locked: dict | None = None) -> dict:
    found = dict(locked or {})
    for name, value in (("epochs", lock_epochs), ("lr", lock_lr)):
        if value not in (None, "", 0):
            found[name] = value
    return found


def _store() -> db.Store:
    return db.store()


def code_of(member) -> str:
    """The join code of a member's class: a student's board is opened with it, as on their join link."""
    code = getattr(member, "code", None)
    if code:
        return code
    import sqlalchemy as sa

    with _store().engine.connect() as connection:
        return connection.execute(sa.select(db.classes.c.code).where(db.classes.c.id == member.class_id)).scalar_one()


def closed_timer(board) -> gr.Timer:
    """The board's timer runs while the class can still change; a closed class's board is final."""
    return gr.Timer(active=not board.closed)


def signature(board, setting, teacher: bool) -> str:
    """What a board shows, in a few bytes: the timer re-sends the board (two figures) only when it changed."""
    seen = (board.title, board.closed, board.hide_names, board.counts, board.rows, board.settings, setting, teacher)
    return hashlib.sha256(repr(seen).encode()).hexdigest()[:16]


def shown(board, setting, teacher: bool, refresh: bool = False) -> dict:
    return {**board_view.render(board, setting, teacher, controls_state=not refresh), "timer": closed_timer(board),
            "seen": signature(board, setting, teacher)}


# handlers


def create_class(request: gr.Request, title, dataset, architectures=None, lock_epochs=None, lock_lr=None,
                 ends_at=None, locked: dict | None = None):
    """A new class: its join code and teacher token (the API's first two outputs), both links, its board."""
    made = classroom.create(_store(), title=title, dataset=dataset, architectures=list(architectures or ()),
                            locked=locked_settings(lock_epochs, lock_lr, locked), ends_at=ends_at or None)
    found = links(request, made.code, made.teacher_token)
    board = classroom.board(_store(), token=made.teacher_token)
    note = t("class.status.created", title=escaped(board.title), dataset=board.dataset)
    return {"code": made.code, "token": made.teacher_token, **found, "teacher_status": note,
            **shown(board, None, teacher=True)}


def join_class(request: gr.Request, code, nickname):
    """Bind this browser (or API session) to the class of `code` as `nickname`; its board opens."""
    code = str(code or "").strip()
    member = classroom.join(_store(), code, nickname, run_store.visitor_of(request))
    board = classroom.board(_store(), code=code)
    note = t("class.status.joined", title=escaped(member.title), nickname=escaped(member.nickname),
             dataset=board.dataset)
    return {"join_status": note, **shown(board, None, teacher=False)}


def class_board(request: gr.Request, token="", setting=None):
    """The board: the teacher's (the controls too) for a teacher token; without one, the board of the class this
    visitor joined, as students see it. A join code is not a token: it is refused."""
    return board_of(request, token, setting)


def board_of(request, token, setting, refresh: bool = False, say_member: bool = False) -> dict:
    token = str(token or "").strip()
    if token:
        return shown(classroom.board(_store(), token=token), setting, teacher=True, refresh=refresh)
    member = classroom.member_of(_store(), run_store.visitor_of(request))
    if member is None:
        raise UserError(t("class.error.no_board"))
    board = classroom.board(_store(), code=code_of(member))
    update = shown(board, setting, teacher=False, refresh=refresh)
    if say_member:  # back on the tab (a new page of the same browser): which class this is, and as whom
        update["join_status"] = t("class.status.joined", title=escaped(member.title),
                                  nickname=escaped(member.nickname), dataset=board.dataset)
    return update


def tick(request: gr.Request, token="", setting=None, seen=None):
    """The timer's refresh: the board again if it changed, or the timer off when there is no board to show."""
    try:
        update = board_of(request, token, setting, refresh=True)
    except UserError as error:
        return {"counts": f"⚠️ {error}", "timer": gr.Timer(active=False)}
    return update if update["seen"] != seen else {"seen": seen}


def on_tab(request: gr.Request, token="", setting=None):
    """The Class tab opened: its board (and timer) come back when there is one, quietly nothing when not."""
    try:
        return board_of(request, token, setting, say_member=True)
    except UserError:
        return {"timer": gr.Timer(active=False)}


def hide_names(request: gr.Request, token="", hide=True, setting=None):
    """Projector mode: students' names become 'Student 1..n' on every board of this class (teacher only)."""
    classroom.set_hide_names(_store(), str(token or "").strip(), bool(hide))
    return class_board(request, token, setting)


def close_class(request: gr.Request, token="", setting=None):
    """No more joins, no more posts: the board stays as it is (teacher only)."""
    classroom.close(_store(), str(token or "").strip())
    update = class_board(request, token, setting)
    return {**update, "teacher_status": t("class.status.closed")}


def export_csv(request: gr.Request, token=""):
    """Every posted run of this class as a CSV file (teacher only)."""
    path = classroom.export_csv(_store(), str(token or "").strip(), new_run_dir("class"))
    return {"export": str(path)}


def on_page(request: gr.Request, tab_id: str | None = None):
    """A page opens on a join link (`?join=CODE`): the code goes in the box and the Class tab (`tab_id`) is shown."""
    code = str(dict(getattr(request, "query_params", None) or {}).get(JOIN_PARAMETER, "") or "").strip()[:200]
    if code and tab_id is not None:
        return {"join_code": code, "tabs": gr.Tabs(selected=tab_id)}
    return {"join_code": code}
