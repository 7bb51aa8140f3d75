"""The Train tab: dataset -> architecture -> settings -> Train / Stop -> live curves -> results and downloads.

Controls are generated from the config dataclasses (same bounds and tooltips
as the CLI). The train handler is a generator: it re-sends the plots a few
times a second at most, so the browser keeps up however fast the epochs go.
"""

import time

import gradio as gr

from playground import config as cfg
from playground.data import DATASETS
from playground.errors import UserError
from playground.models.registry import ARCHITECTURES, compatible_architectures
from playground.training.config import TrainConfig
from playground.ui import sessions
from playground.ui.controls import make_controls

UPDATE_SECONDS = 0.4  # live plots are re-sent at most this often
BOUNDARY_SECONDS = 1.0  # the decision boundary costs a grid of predictions: less often
DEFAULT_DATASET = "moons"
MODEL_FIELDS = {name: [f.name for f in cfg.fields(arch.config_class)] for name, arch in ARCHITECTURES.items()}
TRAIN_FIELDS = [f.name for f in cfg.fields(TrainConfig)]
SUGGESTED_FIELDS = sorted({k for d in DATASETS.values() for k in d.suggested.get("train_settings", {})})


# helpers: everything below takes plain values, so tests can call it without a browser


def split_values(model_name: str, values) -> tuple[dict, dict]:
    """The flat list of control values -> (this architecture's settings, training settings)."""
    values = list(values)
    offset, model_settings = 0, {}
    for name, names in MODEL_FIELDS.items():
        if name == model_name:
            model_settings = dict(zip(names, values[offset:offset + len(names)]))
        offset += len(names)
    return model_settings, dict(zip(TRAIN_FIELDS, values[offset:]))


def make_run(dataset_name, noise, model_name, values):
    from playground.training.run import Run

    model_settings, train_settings = split_values(model_name, values)
    options = {"noise": noise} if "noise" in DATASETS[dataset_name].options else {}
    return Run(model_name, dataset_name, model_settings=model_settings, train_settings=train_settings,
               dataset_options=options)


def default_values() -> list:
    """Every control's default, in input order (what a fresh page submits)."""
    return [f.default for arch in ARCHITECTURES.values() for f in cfg.fields(arch.config_class)] + \
           [f.default for f in cfg.fields(TrainConfig)]


def is_two_d(splits) -> bool:
    return splits.kind == "tabular" and splits.input_shape == (2,)


# handlers


def on_dataset(dataset_name):
    """New dataset: its description, preview, the architectures that fit it, and its suggested settings."""
    from playground.data import load_dataset
    from playground.plots.data_preview import dataset_preview

    dataset = DATASETS[dataset_name]
    models = compatible_architectures(dataset.kind)
    model = dataset.suggested.get("model", models[0])
    noise = gr.update(visible="noise" in dataset.options, value=dataset.options.get("noise", 0.2))
    preview = dataset_preview(load_dataset(dataset_name))
    suggested = dataset.suggested
    model_updates = [gr.update(value=suggested.get("model_settings", {}).get(f.name, f.default))
                     for arch in ARCHITECTURES.values() for f in cfg.fields(arch.config_class)]
    train_updates = [gr.update(value=suggested.get("train_settings", {}).get(f.name, f.default))
                     if f.name in SUGGESTED_FIELDS else gr.skip() for f in cfg.fields(TrainConfig)]
    choices = [(ARCHITECTURES[m].title, m) for m in models]
    return [f"*{dataset.description}*", noise, gr.update(choices=choices, value=model), preview,
            *[gr.update(visible=name == model) for name in ARCHITECTURES], *model_updates, *train_updates]


def on_model(model_name):
    return [gr.update(visible=name == model_name) for name in ARCHITECTURES]


def describe(dataset_name, noise, model_name, *values):
    """The layer table and parameter count, before any training."""
    try:
        run = make_run(dataset_name, noise, model_name, values)
    except UserError as error:
        return f"⚠️ {error}", None
    rows = run.layers()
    status = (f"**{run.architecture.title}** on **{dataset_name}**: {run.parameters:,} parameters · "
              f"{run.splits.sizes()['train']} training examples · device **{run.device}**. Press **Train**.")
    return status, [[r["layer"], r["type"], r["output shape"], r["parameters"]] for r in rows]


def train(request: gr.Request, dataset_name, noise, model_name, *values):
    """Train and stream: status, curves, data/boundary plot, then metrics, confusion matrix, mistakes, files."""
    from playground.outputs import new_run_dir
    from playground.plots import boundary, curves, results
    from playground.training.events import DoneEvent, EpochEvent, StepEvent

    try:
        run = make_run(dataset_name, noise, model_name, values)
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    flag = sessions.start(request, "train")
    steps: list[dict] = []
    last_update = last_boundary = 0.0
    two_d = is_two_d(run.splits)
    title = f"**{run.architecture.title}** on **{dataset_name}** ({run.parameters:,} parameters, {run.device})"
    hidden = [gr.update(visible=False)] * 3
    yield [f"{title}: starting…", gr.skip(), gr.skip(), *hidden, None, None]
    try:
        for event in run.events(flag):
            if isinstance(event, StepEvent):
                steps.append(event.to_dict())
            if isinstance(event, DoneEvent):
                break
            now = time.monotonic()
            if now - last_update < UPDATE_SECONDS and not (isinstance(event, EpochEvent) and event.epoch == 1):
                continue
            last_update = now
            progress = (f"epoch {run.history[-1]['epoch']}/{run.train_config.epochs} · validation accuracy "
                        f"{run.history[-1]['val_accuracy']:.3f}" if run.history else "first epoch…")
            boundary_plot = gr.skip()
            if two_d and now - last_boundary >= BOUNDARY_SECONDS:
                boundary_plot, last_boundary = boundary.decision_boundary(run.model, run.splits), now
            yield [f"{title}: {progress}", curves.training_curves(run.history, steps), boundary_plot,
                   *[gr.skip()] * 3, gr.skip(), gr.skip()]
    finally:
        sessions.forget(request, "train", flag)
    summary = run.summary
    files = [str(p) for p in run.save(new_run_dir("train")).values()]
    icon = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}[summary["status"]]
    status = (f"{icon} {summary['message']} {title}: **test accuracy {summary['test_accuracy']:.3f}**, "
              f"F1 {summary['test_f1']:.3f}, {summary['epochs_run']} epochs in {summary['seconds']:.1f} s.")
    mistakes = results.misclassified(run.model, run.splits)
    yield [status, curves.training_curves(run.history, steps),
           boundary.decision_boundary(run.model, run.splits) if two_d else gr.skip(),
           gr.update(value=results.metrics_rows(summary), visible=True),
           gr.update(value=results.confusion_matrix(summary["confusion_matrix"], run.splits.classes), visible=True),
           gr.update(value=mistakes, visible=mistakes is not None), files, run]


def stop(request: gr.Request):
    sessions.stop(request, "train")


# layout


def build():
    dataset = DATASETS[DEFAULT_DATASET]
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            dataset_box = gr.Dropdown(list(DATASETS), value=DEFAULT_DATASET, label="Dataset",
                                      info="Bundled data: tables, 2-D point clouds, images and sequences.")
            description = gr.Markdown(f"*{dataset.description}*")
            noise = gr.Slider(0.0, 1.0, value=dataset.options["noise"], step=0.05, label="Noise",
                              info="How much the points scatter: more noise, harder problem.")
            # every architecture here, so API callers may pick any; the page narrows it to the ones that fit
            model = gr.Radio([(arch.title, name) for name, arch in ARCHITECTURES.items()],
                             value="mlp", label="Architecture", info="Only the ones that fit this data are offered.")
            groups, model_controls = {}, []
            for name, arch in ARCHITECTURES.items():
                with gr.Accordion(f"{arch.title} settings", open=True, visible=name == "mlp") as group:
                    gr.Markdown(arch.description)
                    model_controls += list(make_controls(arch.config_class).values())
                groups[name] = group
            with gr.Accordion("Training settings", open=True):
                train_controls = list(make_controls(TrainConfig).values())
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
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
    run_state = gr.State()

    inputs = [dataset_box, noise, model, *model_controls, *train_controls]
    group_list = list(groups.values())
    dataset_outputs = [description, noise, model, data_plot, *group_list, *model_controls, *train_controls]
    dataset_change = dataset_box.change(on_dataset, dataset_box, dataset_outputs, api_visibility="private")
    dataset_change.then(describe, inputs, [status, layers], api_visibility="private")
    model.change(on_model, model, group_list, api_visibility="private").then(
        describe, inputs, [status, layers], api_visibility="private")
    for control in [noise, *model_controls]:
        control.change(describe, inputs, [status, layers], api_visibility="private", trigger_mode="always_last")
    train_event = train_button.click(
        train, inputs, [status, curves_plot, data_plot, metrics, confusion, mistakes, downloads, run_state],
        api_name="train", concurrency_limit=2, concurrency_id="train")
    stop_button.click(stop, None, None, api_name="stop", cancels=[train_event], queue=False)
    # run when a page opens: the default dataset's preview, its architectures, and the model summary
    return [(on_dataset, [dataset_box], dataset_outputs), (describe, inputs, [status, layers])]
