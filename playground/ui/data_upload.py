"""The Train tab's "Your own data" panel: a CSV table or a zip of image folders becomes a dataset.

The upload is checked and prepared by `playground/data` (csv_table.py,
image_folders.py) and filed in the registry under this visitor's session, so
it is an ordinary dataset for them, in every tab and in the API, and
invisible to everybody else. Importing this module tells the registry how to
find the visitor behind a call: Gradio's session hash.

A CSV is parsed once: the table a visitor's page opened is kept for them (one
per visitor) and reused when they change the target and press "Use this
table". Their tables and uploads go when the page closes (`visitors.on_leave`),
or when their session state expires for a caller without a page.
"""

import threading
from pathlib import Path

import gradio as gr
import pandas as pd

from playground import i18n
from playground.data import registry
from playground.data.uploads import register_upload
from playground.ui.refusals import refuses
from playground.ui import visitors


def _gradio_session() -> str | None:
    from gradio.context import LocalContext

    return getattr(LocalContext.request.get(None), "session_hash", None)


registry.set_session_resolver(_gradio_session)


def refresh_datasets(kind: str | None = None):
    """A tab-select hook for a dataset menu: the bundled datasets of `kind` plus this visitor's uploads."""
    def refresh(current):
        names = registry.dataset_names(kind)
        return gr.update(choices=names, value=current if current in names else names[0])

    return refresh


_tables: dict[str, tuple[tuple, object]] = {}  # session -> (file key, DataFrame): the last CSV their page opened
_tables_lock = threading.Lock()


def _file_key(path) -> tuple | None:
    try:
        stat = Path(path).stat()
    except (OSError, TypeError, ValueError):
        return None
    return str(path), stat.st_size, stat.st_mtime_ns


def kept_table(session: str, path):
    """The table this visitor's page already parsed from `path`, or None."""
    key = _file_key(path)
    with _tables_lock:
        held = _tables.get(session)
    return held[1] if held is not None and key is not None and held[0] == key else None


def open_table(session: str, path):
    """`path` parsed once for this visitor: the kept table, or read_table's, then kept (one per visitor)."""
    from playground.data.csv_table import read_table

    frame = kept_table(session, path)
    if frame is None:
        frame = read_table(path)
        with _tables_lock:
            _tables[session] = (_file_key(path), frame)
    return frame


@visitors.on_leave
def forget(owner) -> None:
    """A visitor's page closed (or, for a caller without one, their session state expired): their uploads and
    their kept table go."""
    if owner:
        registry.forget_session(owner)
        with _tables_lock:
            _tables.pop(owner, None)


def task_word(task: str) -> str:
    """'classification' / 'regression' in the visitor's words."""
    return i18n.t_or(f"train.task.{task}", task)


# handlers


@refuses
def on_table(request: gr.Request, path):
    """A CSV arrived: preview, statistics, and target/feature pickers."""
    from playground.data.csv_table import column_kind, describe, infer_task

    if path is None:
        return [gr.update(value=None, visible=False), gr.update(value=None, visible=False),
                gr.update(choices=[], value=None), gr.update(choices=[], value=[]), gr.update(value="auto"), ""]
    frame = open_table(visitors.session_of(request), path)
    stats = describe(frame)
    columns = [str(c) for c in frame.columns]
    target = columns[-1]
    features = [c for c in columns[:-1] if column_kind(frame[c]) != "text"]
    text = [row["column"] for row in stats if row["kind"] == "text"]
    note = i18n.t("upload.table.note", rows=f"{len(frame):,}", columns=len(columns), target=target,
                  task=task_word(infer_task(frame[target])))
    if text:
        note += " " + i18n.t("upload.table.left_out", columns=", ".join(text))
    keys = ["column", "kind", "missing", "distinct", "mean", "std", "min", "max", "top values"]
    headers = [i18n.t(f"upload.stats.{k.replace(' ', '_')}") for k in keys]
    return [gr.update(value=frame.head(8).round(4), visible=True),
            gr.update(value=pd.DataFrame([[row.get(k, "") for k in keys] for row in stats], columns=headers),
                      visible=True),
            gr.update(choices=columns, value=target), gr.update(choices=columns, value=features),
            gr.update(value="auto"), note]


@refuses
def on_target(request: gr.Request, path, target, features):
    """Changing the target takes it out of the features and says which task it implies."""
    from playground.data.csv_table import infer_task

    if path is None or not target:
        return gr.skip(), ""
    frame = open_table(visitors.session_of(request), path)
    if not isinstance(target, str) or target not in frame.columns:
        return gr.skip(), ""
    kept = [f for f in features if f != target] if isinstance(features, list) else gr.skip()
    return kept, i18n.t("upload.table.target", target=target, task=task_word(infer_task(frame[target])))


@refuses
def use_table(request: gr.Request, path, target, features, task):
    """The table as a dataset: the one the visitor's page parsed when it is still that file, else read now
    (an API caller without a page is not kept a table)."""
    from playground.data.csv_table import table_dataset

    frame = kept_table(visitors.session_of(request), path)
    splits, description = table_dataset(path, target, features, task or "auto", frame=frame)
    return _file(request, splits, description)


@refuses
def use_images(request: gr.Request, path, size):
    from playground.data.image_folders import image_dataset

    splits, description = image_dataset(path, size)
    return _file(request, splits, description)


def _file(request, splits, description):
    """Register, then point the dataset menu at the new dataset (its `.then` draws the preview)."""
    session = getattr(request, "session_hash", None)
    register_upload(splits, description, session=session)
    with registry.session_scope(session or registry.LOCAL_SESSION):
        names = registry.dataset_names()
    return (gr.update(choices=names, value=splits.name), "✅ " + i18n.t("upload.added", name=splits.name,
                                                                        description=description),
            session or registry.LOCAL_SESSION)


# layout


def build():
    """The panel's components and the click events that end by setting `dataset_box`'s value."""
    with gr.Accordion(i18n.ui("upload.title"), open=False, elem_id="own-data"):
        with gr.Tab(i18n.ui("upload.table.tab")):
            table_file = gr.File(label=i18n.ui("upload.table.file"), file_types=[".csv"], type="filepath",
                                 elem_id="csv-upload")
            table_note = gr.Markdown()
            preview = gr.Dataframe(label=i18n.ui("upload.table.preview"), visible=False, interactive=False,
                                   max_height=260)
            stats = gr.Dataframe(label=i18n.ui("upload.table.columns"), visible=False, interactive=False,
                                 max_height=260)  # headers: on_table's, in the visitor's language
            # column names are checked by csv_table with a sentence, so API callers need not load the choices first
            target = gr.Dropdown([], label=i18n.ui("upload.table.target.label"), elem_id="csv-target",
                                 allow_custom_value=True)
            features = gr.CheckboxGroup([], label=i18n.ui("upload.table.features.label"), elem_id="csv-features",
                                        info=i18n.ui("upload.table.features.info"))
            features.preprocess = lambda payload: payload
            task = gr.Radio([(i18n.ui(f"upload.task.{name}"), name) for name in ("auto", "classification",
                                                                                   "regression")],
                            value="auto", label=i18n.ui("upload.task.label"), info=i18n.ui("upload.task.info"))
            use_table_button = gr.Button(i18n.ui("upload.table.use"), variant="secondary", elem_id="use-table")
        with gr.Tab(i18n.ui("upload.images.tab")):
            gr.Markdown(i18n.ui("upload.images.explain"))
            zip_file = gr.File(label=i18n.ui("upload.images.file"), file_types=[".zip"], type="filepath",
                               elem_id="zip-upload")
            size = gr.Slider(8, 128, value=32, step=4, label=i18n.ui("upload.images.size.label"),
                             info=i18n.ui("upload.images.size.info"))
            use_images_button = gr.Button(i18n.ui("upload.images.use"), variant="secondary", elem_id="use-images")
        upload_status = gr.Markdown(elem_id="upload-status")
    owner = gr.State(None, delete_callback=forget)
    return {"table_file": table_file, "table_note": table_note, "preview": preview, "stats": stats,
            "target": target, "features": features, "task": task, "use_table": use_table_button,
            "zip_file": zip_file, "size": size, "use_images": use_images_button, "status": upload_status,
            "owner": owner}


def wire(panel: dict, dataset_box):
    """Events of the panel; returns the two 'use' events so the tab can chain its dataset refresh."""
    panel["table_file"].change(on_table, panel["table_file"],
                               [panel["preview"], panel["stats"], panel["target"], panel["features"], panel["task"],
                                panel["table_note"]], api_visibility="private")
    panel["target"].input(on_target, [panel["table_file"], panel["target"], panel["features"]],
                          [panel["features"], panel["table_note"]], api_visibility="private")
    outputs = [dataset_box, panel["status"], panel["owner"]]
    table = panel["use_table"].click(use_table, [panel["table_file"], panel["target"], panel["features"],
                                                 panel["task"]], outputs, api_name="use_table")
    images = panel["use_images"].click(use_images, [panel["zip_file"], panel["size"]], outputs, api_name="use_images")
    return table, images
