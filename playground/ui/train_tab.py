"""The Train tab: dataset -> architecture -> settings -> Train / Step / Continue / Stop -> live curves -> results.

Controls are generated from the config dataclasses (same bounds and tooltips
as the CLI). Train, Step (one epoch) and Continue (N more) share one streaming
generator (train_stream.py). The panels live in their own modules:
your own data (data_upload.py), inside the network (train_inside.py), export,
share and saved runs (train_keep.py); what is drawn per task in
train_results.py.
"""

import gradio as gr

from playground import config as cfg
from playground.data import DATASETS, dataset_names, get_dataset
from playground.errors import UserError
from playground.models.registry import ARCHITECTURES, compatible_architectures
from playground.training.config import TrainConfig
from playground.training.config import RegressionConfig
from playground.ui import data_upload, sessions, train_inside, train_keep, train_results, train_stream
from playground.ui.controls import make_controls

DEFAULT_DATASET = "moons"
MODEL_FIELDS = {name: [f.name for f in cfg.fields(arch.config_class)] for name, arch in ARCHITECTURES.items()}
TASK_FIELDS = [f.name for f in cfg.fields(RegressionConfig)]
TRAIN_FIELDS = [f.name for f in cfg.fields(TrainConfig)]
SUGGESTED_FIELDS = sorted({k for d in DATASETS.values() for k in d.suggested.get("train_settings", {})})


# helpers: everything below takes plain values, so tests can call it without a browser


def split_values(model_name: str, values) -> tuple[dict, dict, dict]:
    """The flat list of control values -> (this architecture's settings, regression settings, training settings)."""
    values = list(values)
    offset, model_settings = 0, {}
    for name, names in MODEL_FIELDS.items():
        if name == model_name:
            model_settings = dict(zip(names, values[offset:offset + len(names)]))
        offset += len(names)
    task_settings = dict(zip(TASK_FIELDS, values[offset:offset + len(TASK_FIELDS)]))
    return model_settings, task_settings, dict(zip(TRAIN_FIELDS, values[offset + len(TASK_FIELDS):]))


def make_run(dataset_name, noise, model_name, values):
    from playground.training.run import Run

    model_settings, task_settings, train_settings = split_values(model_name, values)
    dataset = get_dataset(dataset_name)
    options = {"noise": noise} if "noise" in dataset.options else {}
    return Run(model_name, dataset_name, model_settings=model_settings, train_settings=train_settings,
               dataset_options=options, task_settings=task_settings if dataset.task == "regression" else None)


def default_values() -> list:
    """Every control's default, in input order (what a fresh page submits)."""
    return [f.default for arch in ARCHITECTURES.values() for f in cfg.fields(arch.config_class)] + \
           [f.default for f in cfg.fields(RegressionConfig)] + [f.default for f in cfg.fields(TrainConfig)]


# handlers


def on_dataset(dataset_name, overrides: dict | None = None):
    """New dataset: its description, preview, the architectures that fit it, and its suggested settings."""
    from playground.data import load_dataset

    dataset = get_dataset(dataset_name)
    overrides = overrides or {}
    models = compatible_architectures(dataset.kind)
    model = overrides.get("model") if overrides.get("model") in models else dataset.suggested.get("model", models[0])
    noise = gr.update(visible="noise" in dataset.options,
                      value=overrides.get("noise", dataset.options.get("noise", 0.2)))
    preview = train_results.preview(load_dataset(dataset_name))
    suggested = {**dataset.suggested.get("model_settings", {}), **overrides.get("model_settings", {})}
    model_updates = [gr.update(value=suggested.get(f.name, f.default)) if name == model else
                     gr.update(value=f.default) for name, arch in ARCHITECTURES.items()
                     for f in cfg.fields(arch.config_class)]
    train_suggested = {**dataset.suggested.get("train_settings", {}), **overrides.get("train_settings", {})}
    train_updates = [gr.update(value=train_suggested.get(f.name, f.default))
                     if f.name in SUGGESTED_FIELDS or f.name in train_suggested else gr.skip()
                     for f in cfg.fields(TrainConfig)]
    choices = [(ARCHITECTURES[m].title, m) for m in models]
    return [gr.update(choices=dataset_names(), value=dataset_name), f"*{dataset.description}*", noise,
            gr.update(choices=choices, value=model), preview,
            *[gr.update(visible=name == model) for name in ARCHITECTURES],
            gr.update(visible=dataset.task == "regression"), *model_updates, *train_updates]


def on_model(model_name):
    return [gr.update(visible=name == model_name) for name in ARCHITECTURES]


def describe(dataset_name, noise, model_name, *values):
    """The layer table and parameter count, before any training."""
    try:
        run = make_run(dataset_name, noise, model_name, values)
    except UserError as error:
        return f"⚠️ {error}", None
    rows = run.layers()
    status = (f"**{run.architecture.title}** on **{dataset_name}** ({run.task}): {run.parameters:,} parameters · "
              f"{run.splits.sizes()['train']} training examples · device **{run.device}**. Press **Train**.")
    return status, [[r["layer"], r["type"], r["output shape"], r["parameters"]] for r in rows]


def train(request: gr.Request, dataset_name, noise, model_name, *values):
    """A new run with these settings, trained for its epochs."""
    try:
        run = make_run(dataset_name, noise, model_name, values)
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    train_stream.check_limits(run)
    yield from train_stream.stream(request, run)


def step(request: gr.Request, run, dataset_name, noise, model_name, *values):
    """One more epoch of the current run (a new run with these settings when there is none)."""
    yield from proceed(request, run, 1, dataset_name, noise, model_name, *values)


def proceed(request: gr.Request, run, more, dataset_name, noise, model_name, *values):
    """`more` epochs on from where the current run stopped (same model, optimizer and data streams)."""
    try:
        more = cfg.check_value(next(f for f in cfg.fields(TrainConfig) if f.name == "epochs"), more)
        if run is None:
            run = make_run(dataset_name, noise, model_name, values)
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    train_stream.check_limits(run, more)
    yield from train_stream.stream(request, run, more)


def stop(request: gr.Request):
    sessions.stop(request, "train")


def load_page(request: gr.Request):
    """A page opens: the dataset, model and settings of a share link (URL parameters), else the defaults."""
    found, notes = train_keep.settings_from_query(dict(getattr(request, "query_params", {}) or {}))
    updates = on_dataset(found.get("dataset", DEFAULT_DATASET), found)
    if notes:  # under the dataset's description, where the eye already is
        updates[1] = f"{updates[1]}\n\n⚠️ Ignored from the link: {', '.join(notes)}."
    return [*updates, gr.Tabs(selected=found["tab"]) if found.get("tab") and _app_tabs else gr.skip()]


def share(dataset_name, noise, model_name, *values):
    model_settings, _, train_settings = split_values(model_name, values)
    return train_keep.share_query(dataset_name, noise, model_name, model_settings, train_settings)


# layout


_app_tabs = False  # whether build() found the app's gr.Tabs (then ?tab= in a link selects a tab)


def build():
    global _app_tabs
    dataset = DATASETS[DEFAULT_DATASET]
    tabs = getattr(gr.context.get_render_context(), "parent", None)
    _app_tabs = isinstance(tabs, gr.Tabs)
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            # uploads are per visitor, so the registry (not the menu's choices) decides what a name means
            dataset_box = gr.Dropdown(list(DATASETS), value=DEFAULT_DATASET, label="Dataset", elem_id="dataset-box",
                                      info="Bundled data (tables, 2-D points, images, sequences) or your own.",
                                      allow_custom_value=True)
            description = gr.Markdown(f"*{dataset.description}*")
            noise = gr.Slider(0.0, 1.0, value=dataset.options["noise"], step=0.05, label="Noise",
                              info="How much the points scatter: more noise, harder problem.")
            upload = data_upload.build()
            # every architecture here, so API callers may pick any; the page narrows it to the ones that fit
            model = gr.Radio([(arch.title, name) for name, arch in ARCHITECTURES.items()],
                             value="mlp", label="Architecture", info="Only the ones that fit this data are offered.")
            groups, model_controls = {}, []
            for name, arch in ARCHITECTURES.items():
                with gr.Accordion(f"{arch.title} settings", open=True, visible=name == "mlp") as group:
                    gr.Markdown(arch.description)
                    model_controls += list(make_controls(arch.config_class).values())
                groups[name] = group
            with gr.Accordion("Regression settings", open=True, visible=False) as regression_group:
                task_controls = list(make_controls(RegressionConfig).values())
            with gr.Accordion("Training settings", open=True):
                train_controls = list(make_controls(TrainConfig).values())
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            with gr.Row(equal_height=True):
                step_button = gr.Button("Step 1 epoch", size="sm", scale=2, elem_id="step-button")
                continue_button = gr.Button("Continue for", size="sm", scale=2, elem_id="continue-button")
                more = gr.Number(5, precision=0, minimum=1, label="More epochs", show_label=False, container=False,
                                 scale=1, min_width=70, elem_id="more-epochs")
                gr.Markdown("more epochs, from where it stopped", elem_id="more-epochs-label")
            status = gr.Markdown("Pick a dataset and an architecture, then press **Train**.")
            with gr.Accordion("Layers and parameters", open=False):
                layers = gr.Dataframe(headers=["layer", "type", "output shape", "parameters"], interactive=False)
            curves_plot = gr.Plot(label="Training curves")
            data_plot = gr.Plot(label="Data and decision boundary")
            with gr.Row():
                metrics = gr.Dataframe(headers=["metric", "value"], label="Test metrics", visible=False,
                                       interactive=False)
                confusion = gr.Plot(label="Confusion matrix", visible=False)
            mistakes = gr.Plot(label="Misclassified examples", visible=False)
            downloads = gr.File(label="Downloads: weights (safetensors), config (JSON), history (CSV)",
                                file_count="multiple", interactive=False)
            inside = train_inside.build()
            keep = train_keep.build()
    run_state = gr.State()

    inputs = [dataset_box, noise, model, *model_controls, *task_controls, *train_controls]
    group_list = list(groups.values())
    dataset_outputs = [dataset_box, description, noise, model, data_plot, *group_list, regression_group,
                       *model_controls, *train_controls]
    dataset_box.input(on_dataset, dataset_box, dataset_outputs, api_visibility="private").then(
        describe, inputs, [status, layers], api_visibility="private")
    for used in data_upload.wire(upload, dataset_box):
        used.success(on_dataset, dataset_box, dataset_outputs, api_visibility="private").then(
            describe, inputs, [status, layers], api_visibility="private")
    model.input(on_model, model, group_list, api_visibility="private").then(
        describe, inputs, [status, layers], api_visibility="private")
    for control in [noise, *model_controls]:
        control.change(describe, inputs, [status, layers], api_visibility="private", trigger_mode="always_last")

    outputs = [status, curves_plot, data_plot, metrics, confusion, mistakes, downloads, run_state]
    live_outputs = [inside["histograms"], inside["inside"]]
    after = dict(fn=train_stream.after_run, inputs=[run_state, keep["saved"], inside["example"]],
                 outputs=[keep["saved"], keep["saved_plot"], inside["inside"], inside["histograms"]],
                 api_visibility="private")
    # admission is jobs.limited's (train_stream.stream): the training slots every tab that trains shares
    runs = [train_button.click(train, inputs, outputs, api_name="train", concurrency_limit=None),
            step_button.click(step, [run_state, *inputs], outputs, api_name="step", concurrency_limit=None),
            continue_button.click(proceed, [run_state, more, *inputs], outputs, api_name="continue",
                                  concurrency_limit=None)]
    for button, event in zip((train_button, step_button, continue_button), runs):
        event.then(**after)
        button.click(train_stream.watch, None, live_outputs, api_visibility="private", concurrency_limit=None)
    stop_button.click(stop, None, None, api_name="stop", cancels=runs, queue=False)

    inside["look"].click(train_inside.look_inside, [run_state, inside["example"]], inside["inside"],
                         api_name="look_inside")
    keep["export"].click(train_keep.export_files, run_state, keep["files"], api_name="export")
    keep["share"].click(share, inputs, keep["link"], api_name="share").then(
        None, keep["link"], keep["link"], js="(q) => q && q.startsWith('?') ? "
                                           "window.location.origin + window.location.pathname + q : q")
    keep["clear"].click(train_keep.clear_saved, None, [keep["saved"], keep["saved_plot"]], api_visibility="private")
    # run when a page opens: the share link's settings (or the defaults), then the model summary
    page_outputs = [*dataset_outputs, tabs if _app_tabs else gr.State()]
    return [(load_page, None, page_outputs), (describe, inputs, [status, layers])]
