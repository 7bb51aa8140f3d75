"""The Train tab's settings: their API names, the run they make, and what a change of dataset or model updates.

Every control has a name that is its parameter in the API: `dataset`, `noise`,
`model`, an architecture's settings as `<model>_<field>` (`mlp_width`), the
regression settings as `regression_<field>` and the training settings (`epochs`,
`lr`...). `make_run` turns those named values into a Run; `on_dataset` and
`on_model` say what the page changes when the visitor picks another dataset or
architecture (its suggested settings, the groups shown). They take plain
values, so tests call them without a browser; train_tab.py lays the tab out and
wires these to it.
"""

import gradio as gr
import pandas as pd

from playground import config as cfg
from playground import i18n
from playground.data import DATASETS, dataset_names, get_dataset
from playground.errors import UserError
from playground.models.registry import ARCHITECTURES, compatible_architectures
from playground.training.config import RegressionConfig, TrainConfig
from playground.ui import train_results

DEFAULT_DATASET = "moons"
MODEL_FIELDS = {name: [f.name for f in cfg.fields(arch.config_class)] for name, arch in ARCHITECTURES.items()}
TRAIN_FIELDS = [f.name for f in cfg.fields(TrainConfig)]
SUGGESTED_FIELDS = sorted({k for d in DATASETS.values() for k in d.suggested.get("train_settings", {})})
MODEL_TRAIN_FIELDS = sorted({k for a in ARCHITECTURES.values() for k in a.suggested_train})  # set on a model change
REGRESSION_FIELDS = {f"regression_{f.name}": f.name for f in cfg.fields(RegressionConfig)}
# what a new dataset (or a share link) may change on the page: on_dataset's outputs
DATASET_OUTPUTS = ["dataset", "description", "noise", "model", "plane", "regression_group",
                   *[f"group_{name}" for name in ARCHITECTURES],
                   *[f"{name}_{field}" for name, fields in MODEL_FIELDS.items() for field in fields], *TRAIN_FIELDS]


def described(data) -> str:
    """A dataset's description in the visitor's language (an upload's is its own, written when it arrived)."""
    return i18n.t_or(f"dataset.{data.name}.description", data.description)


def model_title(name: str) -> str:
    return i18n.t_or(f"model.{name}.title", ARCHITECTURES[name].title if name in ARCHITECTURES else name)


def layer_table(rows: list[list]) -> pd.DataFrame:
    """The layers of a model under headers in the visitor's language (a table's headers aren't translated by the
    page)."""
    columns = [i18n.t(f"train.layers.{name}") for name in ("layer", "type", "shape", "parameters")]
    return pd.DataFrame(rows, columns=columns)


def setting_name(model: str, field: str) -> str:
    """An architecture's setting as the page and the API name it: `mlp_width`."""
    return f"{model}_{field}"


def make_run(dataset: str = DEFAULT_DATASET, model: str = "mlp", noise: float | None = None, **settings):
    """A Run from the tab's named values; anything not given keeps its default, other models' settings are
    ignored."""
    from playground.training.run import Run

    known = {setting_name(m, f) for m, names in MODEL_FIELDS.items() for f in names} | set(REGRESSION_FIELDS) | \
        set(TRAIN_FIELDS)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise UserError(i18n.t("train.refusal.unknown_settings", settings=", ".join(unknown)))
    if model not in MODEL_FIELDS:
        raise UserError(i18n.t("train.refusal.unknown_model", model=model, models=", ".join(MODEL_FIELDS)))
    data = get_dataset(dataset)
    model_settings = {f: settings[setting_name(model, f)] for f in MODEL_FIELDS[model] if setting_name(model, f) in
                      settings}
    task_settings = {field: settings[name] for name, field in REGRESSION_FIELDS.items() if name in settings}
    options = {"noise": noise} if "noise" in data.options and noise is not None else {}
    return Run(model, dataset, model_settings=model_settings,
               train_settings={f: settings[f] for f in TRAIN_FIELDS if f in settings}, dataset_options=options,
               task_settings=task_settings if data.task == "regression" else None)


def on_dataset(dataset, overrides: dict | None = None) -> dict:
    """New dataset: its description, preview, the architectures that fit it, and its suggested settings."""
    from playground.data import load_dataset

    data = get_dataset(dataset)
    overrides = overrides or {}
    models = compatible_architectures(data.kind)
    model = overrides.get("model") if overrides.get("model") in models else data.suggested.get("model", models[0])
    suggested = {**data.suggested.get("model_settings", {}), **overrides.get("model_settings", {})}
    train_suggested = {**data.suggested.get("train_settings", {}), **overrides.get("train_settings", {})}
    update = {"dataset": gr.update(choices=dataset_names(), value=dataset), "description": f"*{described(data)}*",
              "noise": gr.update(visible="noise" in data.options,
                                 value=overrides.get("noise", data.options.get("noise", 0.2))),
              "model": gr.update(choices=[(model_title(m), m) for m in models], value=model),
              "plane": train_results.preview(load_dataset(dataset)),
              "regression_group": gr.update(visible=data.task == "regression"), **on_model(model)}
    for name, arch in ARCHITECTURES.items():
        for f in cfg.fields(arch.config_class):
            update[setting_name(name, f.name)] = suggested.get(f.name, f.default) if name == model else f.default
    for f in cfg.fields(TrainConfig):
        if f.name in SUGGESTED_FIELDS or f.name in MODEL_TRAIN_FIELDS or f.name in train_suggested:
            update[f.name] = train_suggested.get(f.name, ARCHITECTURES[model].suggested_train.get(f.name, f.default))
    return update


def on_model(model, dataset: str | None = None) -> dict:
    """New architecture: its settings group, and the training settings it wants (`lr` for a Transformer), where
    the dataset doesn't suggest its own for that architecture."""
    update = {f"group_{name}": gr.update(visible=name == model) for name in ARCHITECTURES}
    if dataset is None or model not in ARCHITECTURES:
        return update  # from on_dataset, which sets the training settings itself
    data = get_dataset(dataset)
    own = data.suggested.get("train_settings", {}) if data.suggested.get("model") == model else {}
    for f in cfg.fields(TrainConfig):
        if f.name in MODEL_TRAIN_FIELDS:
            update[f.name] = own.get(f.name, ARCHITECTURES[model].suggested_train.get(f.name, f.default))
    return update


def describe(**settings) -> dict:
    """The layer table and parameter count, before any training."""
    try:
        run = make_run(**settings)
    except UserError as error:
        return {"status": f"⚠️ {error}", "layers": None}
    status = i18n.t("train.status.summary", model=model_title(run.architecture.name), dataset=run.splits.name,
                    task=i18n.t(f"train.task.{run.task}"), parameters=f"{run.parameters:,}",
                    examples=run.splits.sizes()["train"], device=run.device)
    return {"status": status, "layers": layer_table([[r["layer"], r["type"], r["output shape"], r["parameters"]]
                                                     for r in run.layers()])}
