"""The Class tab: a teacher creates a class and watches its live board; students join it with a nickname.

Students join here (a join link fills the code), then train in the Train tab
as usual: each finished run on the class's task posts itself to the board
(playground/classroom hooks into the run store). The board refreshes on a
gr.Timer every BOARD_SECONDS while it is open and this tab is shown; it
stops on another tab, and for good once the class is closed.

The teacher's link carries the token in its fragment (`#teacher=...`): a
browser never sends a fragment to the server, so it reaches no access log.
A script on page load reads it into the (password) token box, keeps it in
this tab's sessionStorage so a reload still opens the board, and takes it
off the address bar, where a projector would show it to the class.

Handlers are in class_actions.py, the board's rendering in class_board.py.
"""

from __future__ import annotations

import gradio as gr

from playground.data import DATASETS
from playground.i18n import ui
from playground.models.registry import ARCHITECTURES, compatible_architectures
from playground.plots.style import empty
from playground.ui import class_actions as actions
from playground.ui import engine

BOARD_SECONDS = 2.0
DEFAULT_DATASET = "moons"
TOKEN_KEY = "playground-teacher-token"  # sessionStorage: per browser tab, kept over a reload
READ_TEACHER_LINK = f"""() => {{
  const found = new URLSearchParams(window.location.hash.slice(1)).get("teacher");
  if (found) {{
    sessionStorage.setItem("{TOKEN_KEY}", found);
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }}
  return sessionStorage.getItem("{TOKEN_KEY}") || "";
}}"""
KEEP_TOKEN = f"""(token) => {{ if (token) sessionStorage.setItem("{TOKEN_KEY}", token); return token; }}"""
BOARD = ("leaderboard", "counts", "curves", "scatter", "setting", "controls", "hide_names", "timer", "seen")


def fitting(dataset) -> list[tuple[str, str]]:
    """The architectures that can train on `dataset`, as (title, name) choices."""
    fits = compatible_architectures(DATASETS[dataset].kind) if dataset in DATASETS else list(ARCHITECTURES)
    return [(ARCHITECTURES[a].title, a) for a in fits]


def shown_file():
    return gr.update(visible=True)  # the CSV's box takes room only once there is a file in it


def architectures_for(dataset) -> dict:
    return {"architectures": gr.update(choices=fitting(dataset), value=[])}


def build():
    tab = gr.context.get_render_context()
    tabs = getattr(tab, "parent", None)
    tab_id = getattr(tab, "id", None) if isinstance(tabs, gr.Tabs) else None
    views = {}
    gr.Markdown(ui("class.intro"))
    with gr.Accordion(ui("class.join.heading"), open=True):
        with gr.Row(equal_height=True):
            views["join_code"] = gr.Textbox(label=ui("class.join.code.label"), info=ui("class.join.code.info"),
                                            max_length=200, elem_id="class-join-code", scale=3)
            views["nickname"] = gr.Textbox(label=ui("class.join.nickname.label"),
                                           info=ui("class.join.nickname.info"), max_length=200,
                                           elem_id="class-nickname", scale=2)
            join_button = gr.Button(ui("class.join.button"), variant="primary", scale=1, elem_id="class-join")
        views["join_status"] = gr.Markdown(elem_id="class-join-status")
    with gr.Accordion(ui("class.create.heading"), open=False):
        with gr.Row():
            views["title"] = gr.Textbox(label=ui("class.create.title.label"), max_length=200, elem_id="class-title")
            views["dataset"] = gr.Dropdown(list(DATASETS), value=DEFAULT_DATASET,
                                           label=ui("class.create.dataset.label"), elem_id="class-dataset")
        views["architectures"] = gr.CheckboxGroup(label=ui("class.create.architectures.label"),
                                                  info=ui("class.create.architectures.info"),
                                                  choices=fitting(DEFAULT_DATASET), value=[])
        with gr.Row():
            views["lock_epochs"] = gr.Number(0, precision=0, minimum=0, label=ui("class.create.lock_epochs.label"),
                                             info=ui("class.create.lock_epochs.info"), elem_id="class-lock-epochs")
            views["lock_lr"] = gr.Number(0, minimum=0, label=ui("class.create.lock_lr.label"),
                                         info=ui("class.create.lock_lr.info"), elem_id="class-lock-lr")
            views["ends_at"] = gr.DateTime(None, label=ui("class.create.ends_at.label"),
                                           info=ui("class.create.ends_at.info"), type="string")
        create_button = gr.Button(ui("class.create.button"), variant="primary", elem_id="class-create")
        views["teacher_status"] = gr.Markdown(elem_id="class-teacher-status")
        with gr.Row():
            views["code"] = gr.Textbox(label=ui("class.create.code.label"), interactive=False, elem_id="class-code")
            views["join_link"] = gr.Textbox(label=ui("class.create.join_link.label"), interactive=False,
                                            buttons=["copy"], elem_id="class-join-link")
        views["teacher_link"] = gr.Textbox(label=ui("class.create.teacher_link.label"),
                                           info=ui("class.create.teacher_link.info"), type="password",
                                           interactive=False, buttons=["copy"], elem_id="class-teacher-link")
    gr.Markdown(ui("class.board.heading"))
    with gr.Row(equal_height=True):
        views["token"] = gr.Textbox(label=ui("class.board.token.label"), info=ui("class.board.token.info"),
                                    type="password", max_length=200, elem_id="class-token", scale=4)
        open_button = gr.Button(ui("class.board.open_button"), scale=1, elem_id="class-open-board")
    views["counts"] = gr.Markdown(elem_id="class-counts")
    with gr.Row(visible=False) as views["controls"]:
        views["hide_names"] = gr.Checkbox(False, label=ui("class.teacher.hide_names.label"),
                                          info=ui("class.teacher.hide_names.info"), elem_id="class-hide-names")
        close_button = gr.Button(ui("class.teacher.close"), variant="stop", elem_id="class-close")
        export_button = gr.Button(ui("class.teacher.export"), elem_id="class-export")
        views["export"] = gr.File(label=ui("class.teacher.export.label"), interactive=False, visible=False,
                                  elem_id="class-csv")
    views["leaderboard"] = gr.Dataframe(interactive=False, wrap=True, label=ui("class.board.leaderboard.label"),
                                        elem_id="class-leaderboard")
    with gr.Row():
        views["curves"] = gr.Plot(empty(" "), label=ui("class.board.curves.label"), elem_id="class-curves")
        with gr.Column():
            views["setting"] = gr.Dropdown([], label=ui("class.board.setting.label"), elem_id="class-setting")
            views["scatter"] = gr.Plot(empty(" "), label=ui("class.board.scatter.label"), elem_id="class-scatter")
    views["timer"] = gr.Timer(BOARD_SECONDS, active=False)
    views["seen"] = gr.State()  # the shown board's signature: an unchanged board is not sent again
    views["tabs"] = tabs if tab_id is not None else gr.State()
    wire(views, join_button, create_button, open_button, close_button, export_button, tab_id)
    pick = {name: views[name] for name in (*BOARD, "join_status")}
    return [(engine.named(pick)(actions.on_tab), [views["token"], views["setting"]], list(pick.values()), "select")]


def wire(views, join_button, create_button, open_button, close_button, export_button, tab_id):
    board = {name: views[name] for name in BOARD}
    token, setting = {"token": views["token"]}, {"setting": views["setting"]}
    created = {n: views[n] for n in ("code", "token", "join_link", "teacher_link", "teacher_status")}
    create_inputs = {n: views[n] for n in ("title", "dataset", "architectures", "lock_epochs", "lock_lr", "ends_at")}
    engine.listen(create_button.click, actions.create_class, inputs=create_inputs, outputs={**created, **board},
                  api_name="create_class").then(None, [views["token"]], [views["token"]], js=KEEP_TOKEN)
    engine.listen(join_button.click, actions.join_class, inputs={"code": views["join_code"],
                                                                 "nickname": views["nickname"]},
                  outputs={"join_status": views["join_status"], **board}, api_name="join_class")
    engine.listen(open_button.click, actions.class_board, inputs={**token, **setting}, outputs=board,
                  api_name="class_board")
    engine.listen(views["token"].submit, actions.class_board, inputs={**token, **setting}, outputs=board,
                  api_visibility="private")
    engine.listen(views["setting"].input, actions.class_board, inputs={**token, **setting}, outputs=board,
                  api_visibility="private")
    engine.listen(views["timer"].tick, actions.tick, inputs={**token, **setting, "seen": views["seen"]}, outputs=board,
                  api_visibility="private", show_progress="hidden", trigger_mode="always_last")
    engine.listen(views["hide_names"].input, actions.hide_names,
                  inputs={**token, "hide": views["hide_names"], **setting}, outputs=board, api_name="hide_names")
    engine.listen(close_button.click, actions.close_class, inputs={**token, **setting},
                  outputs={**board, "teacher_status": views["teacher_status"]}, api_name="close_class")
    engine.listen(export_button.click, actions.export_csv, inputs=token, outputs={"export": views["export"]},
                  api_name="export_class_csv").success(shown_file, None, views["export"], api_visibility="private")
    engine.listen(views["dataset"].input, architectures_for, inputs={"dataset": views["dataset"]},
                  outputs={"architectures": views["architectures"]}, api_visibility="private")

    # a page opens: a join link's code goes in the box; a teacher link's token (from the fragment) opens the board
    def join_link(request: gr.Request):
        return actions.on_page(request, tab_id)

    def teacher_link(request: gr.Request, token=""):
        """The page opened with a teacher token (its link's fragment, or this tab's sessionStorage): its board."""
        if not str(token or "").strip():
            return {"timer": gr.Timer(active=False)}
        update = actions.on_tab(request, token)
        return {**update, "tabs": gr.Tabs(selected=tab_id)} if tab_id is not None and "counts" in update else update

    if tab_id is not None:  # another tab opened: the board is out of sight, its timer stops (this tab's own
        # select hook, in build's return, starts it again)
        def other_tab(evt: gr.SelectData):
            picked = (getattr(evt, "_data", None) or {}).get("id", evt.index)
            return gr.update() if picked == tab_id else gr.Timer(active=False)

        views["tabs"].select(other_tab, None, views["timer"], api_visibility="private", show_progress="hidden")

    root = gr.context.Context.root_block
    engine.listen(root.load, join_link, outputs={"join_code": views["join_code"], "tabs": views["tabs"]},
                  api_visibility="private")
    root.load(None, None, [views["token"]], js=READ_TEACHER_LINK, api_visibility="private").then(
        engine.named({**board, "tabs": views["tabs"]})(teacher_link), [views["token"]],
        [*board.values(), views["tabs"]], api_visibility="private", show_progress="hidden")
