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
    note = (f"{len(frame):,} rows × {len(columns)} columns. The target **{target}** looks like "
            f"**{infer_task(frame[target])}**.")
    if text:
        note += f" Left out as free text or IDs: {', '.join(text)}."
    keys = ["column", "kind", "missing", "distinct", "mean", "std", "min", "max", "top values"]
    return [gr.update(value=frame.head(8).round(4), visible=True),
            gr.update(value=[[row.get(k, "") for k in keys] for row in stats], visible=True),
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
    return kept, f"The target **{target}** looks like **{infer_task(frame[target])}**."


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
    return (gr.update(choices=names, value=splits.name), f"✅ Added **{splits.name}**: {description}",
            session or registry.LOCAL_SESSION)


# layout


def build():
    """The panel's components and the click events that end by setting `dataset_box`'s value."""
    with gr.Accordion("Your own data: a CSV table or a zip of images", open=False, elem_id="own-data"):
        with gr.Tab("Table (CSV)"):
            table_file = gr.File(label="CSV file", file_types=[".csv"], type="filepath", elem_id="csv-upload")
            table_note = gr.Markdown()
            preview = gr.Dataframe(label="First rows", visible=False, interactive=False, max_height=260)
            stats = gr.Dataframe(label="Columns", visible=False, interactive=False, max_height=260,
                                 headers=["column", "kind", "missing", "distinct", "mean", "std", "min", "max",
                                          "top values"])
            # column names are checked by csv_table with a sentence, so API callers need not load the choices first
            target = gr.Dropdown([], label="Target: the column to predict", elem_id="csv-target",
                                 allow_custom_value=True)
            features = gr.CheckboxGroup([], label="Feature columns", elem_id="csv-features",
                                        info="Numbers are used as they are (gaps get the training median); "
                                             "text with a few values becomes categories.")
            features.preprocess = lambda payload: payload
            task = gr.Radio(["auto", "classification", "regression"], value="auto", label="Task",
                            info="Auto: text or a few whole numbers → classification, other numbers → regression.")
            use_table_button = gr.Button("Use this table", variant="secondary", elem_id="use-table")
        with gr.Tab("Images (zip)"):
            gr.Markdown("One folder per class, PNG or JPEG inside: `cats/1.png`, `dogs/7.jpg`, …")
            zip_file = gr.File(label="Zip file", file_types=[".zip"], type="filepath", elem_id="zip-upload")
            size = gr.Slider(8, 128, value=32, step=4, label="Image size (pixels)",
                             info="Every image is resized to this width and height.")
            use_images_button = gr.Button("Use these images", variant="secondary", elem_id="use-images")
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
