"""The Train tab: dataset -> architecture -> settings -> Train / Step / Continue / Stop -> live curves -> results.

Controls are generated from the config dataclasses (same bounds and tooltips
as the CLI) and every one has a name, which is its parameter in the API:
`dataset`, `noise`, `model`, an architecture's settings as `<model>_<field>`
(`mlp_width`, `cnn_channels`), `regression_loss`, the training settings
(`epochs`, `lr`...) and `until_stop`. So `client.predict(dataset="spiral",
model="mlp", epochs=30, api_name="/train")` works with the rest at their
defaults. Handlers return dicts keyed by those names. Train, Step (one epoch)
and Continue (N more) are one live job each (train_stream.py on ui/engine/);
the replay slider scrubs through the epochs it recorded. The panels live in
their own modules: the settings and what a change of dataset or model does
(train_settings.py), your own data (data_upload.py), inside the network
(train_inside.py), export, share and saved runs (train_keep.py).
"""

import gradio as gr

from playground import config as cfg
from playground import i18n
from playground.data import DATASETS
from playground.models.registry import ARCHITECTURES
from playground.training.config import RegressionConfig, TrainConfig
from playground.ui import data_upload, engine, train_inside, train_keep, train_stream
from playground.ui.controls import make_control
from playground.ui.refusals import refuses
from playground.ui.train_settings import (DATASET_OUTPUTS, DEFAULT_DATASET, MODEL_FIELDS, MODEL_TRAIN_FIELDS,
                                          REGRESSION_FIELDS, TRAIN_FIELDS, describe, make_run, on_dataset, on_model,
                                          setting_name)


def train(request: gr.Request, until_stop: bool = False, example: int = 0, **settings):
    """A new run with these settings, trained for its epochs (or until Stop with `until_stop`); the view inside
    (live and replayed) shows test example `example`."""
    run = make_run(**settings)
    train_stream.check_limits(run, 1 if until_stop else None)
    job = train_stream.train_job(run, until_stop=bool(until_stop), example=train_inside.chosen_example(run, example),
                                 request=request)
    yield from train_stream.follow(request, job, run)


def step(request: gr.Request, run=None, example: int = 0, **settings):
    """One more epoch of the current run (a new run with these settings when there is none)."""
    yield from proceed(request, run, 1, **{**settings, "until_stop": False, "example": example})


def proceed(request: gr.Request, run=None, more: int = 5, until_stop: bool = False, example: int = 0, **settings):
    """`more` epochs on from where the current run stopped (same model, optimizer and data streams), or on and on
    with `until_stop`."""
    more = cfg.check_value(next(f for f in cfg.fields(TrainConfig) if f.name == "epochs"), more)
    run = run if run is not None else make_run(**settings)
    train_stream.check_limits(run, 1 if until_stop else more)
    job = train_stream.train_job(run, more, until_stop=bool(until_stop), previous=engine.current(request, "train"),
                                 example=train_inside.chosen_example(run, example), request=request)
    yield from train_stream.follow(request, job, run)


def look_at(request: gr.Request, example: int = 0):
    train_stream.look_at(request, example)


def stop(request: gr.Request):
    engine.stop(request, "train")


def replay(request: gr.Request, epoch: int = 0):
    return train_stream.replay(request, epoch)


def load_page(request: gr.Request) -> dict:
    """A page opens: the dataset, model and settings of a share link (URL parameters), else the defaults."""
    found, notes = train_keep.settings_from_query(dict(getattr(request, "query_params", {}) or {}))
    update = on_dataset(found.get("dataset", DEFAULT_DATASET), found)
    if not any(value for name, value in found.items() if name != "tab"):
        update = plain_page(update)
    if notes:  # under the dataset's description, where the eye already is
        update["description"] += "\n\n⚠️ " + i18n.t("train.link.ignored", notes=", ".join(notes))
    if found.get("tab") and _app_tabs:
        update["tabs"] = gr.Tabs(selected=found["tab"])
    return update


def plain_page(update: dict) -> dict:
    """A page opened with no settings in its link: the controls were built holding the default dataset's values
    (a test holds them equal), so only what the build can't know goes out: the preview and description in the
    visitor's words, the models that fit the data. Writing the values again would undo what a visitor typed
    before this hook landed (seconds on a busy server: Epochs set to 3 went back to 20)."""
    typed = {"noise", *[setting_name(m, f) for m, fields in MODEL_FIELDS.items() for f in fields], *TRAIN_FIELDS}
    plain = {name: value for name, value in update.items() if name not in typed}
    plain["dataset"] = gr.update(choices=update["dataset"]["choices"])  # the menu, not the choice
    plain["noise"] = gr.update(visible=update["noise"]["visible"])
    return plain


def share(dataset, noise, model, **settings) -> dict:
    model_settings = {f: settings[setting_name(model, f)] for f in MODEL_FIELDS.get(model, [])
                      if setting_name(model, f) in settings}
    train_settings = {f: settings[f] for f in TRAIN_FIELDS if f in settings}
    return {"link": train_keep.share_query(dataset, noise, model, model_settings, train_settings)}


# layout


_app_tabs = False  # whether build() found the app's gr.Tabs (then ?tab= in a link selects a tab)


def build():
    global _app_tabs
    data = DATASETS[DEFAULT_DATASET]
    tabs = getattr(gr.context.get_render_context(), "parent", None)
    _app_tabs = isinstance(tabs, gr.Tabs)
    controls, views = {}, {}  # name -> component: the inputs (= API parameters) and everything handlers update
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            # uploads are per visitor, so the registry (not the menu's choices) decides what a name means
            controls["dataset"] = gr.Dropdown(list(DATASETS), value=DEFAULT_DATASET, label=i18n.ui("train.dataset.label"),
                                              elem_id="dataset-box", allow_custom_value=True,
                                              info=i18n.ui("train.dataset.info"))
            views["description"] = gr.Markdown("*" + i18n.ui_or(f"dataset.{data.name}.description", data.description) + "*")
            controls["noise"] = gr.Slider(0.0, 1.0, value=data.options["noise"], step=0.05,
                                          label=i18n.ui("train.noise.label"), info=i18n.ui("train.noise.info"))
            upload = data_upload.build()
            # every architecture here, so API callers may pick any; the page narrows it to the ones that fit
            controls["model"] = gr.Radio([(i18n.ui_or(f"model.{name}.title", arch.title), name)
                                          for name, arch in ARCHITECTURES.items()],
                                         value="mlp", label=i18n.ui("train.model.label"),
                                         info=i18n.ui("train.model.info"))
            for name, arch in ARCHITECTURES.items():
                with gr.Accordion(i18n.ui_or(f"model.{name}.settings", arch.title), open=True,
                                  visible=name == "mlp") as views[f"group_{name}"]:
                    gr.Markdown(i18n.ui_or(f"model.{name}.description", arch.description))
                    for f in cfg.fields(arch.config_class):
                        controls[setting_name(name, f.name)] = make_control(f)
            with gr.Accordion(i18n.ui("train.regression_settings"), open=True,
                              visible=False) as views["regression_group"]:
                for name, field in REGRESSION_FIELDS.items():
                    controls[name] = make_control(next(f for f in cfg.fields(RegressionConfig) if f.name == field))
            with gr.Accordion(i18n.ui("train.training_settings"), open=True):
                controls.update({f.name: make_control(f) for f in cfg.fields(TrainConfig)})
        with gr.Column(scale=7):
            with gr.Row(equal_height=True):
                train_button = gr.Button(i18n.ui("train.train"), variant="primary", scale=3, elem_id="train-button")
                stop_button = gr.Button(i18n.ui("train.stop"), variant="stop", scale=1, elem_id="stop-button")
                until_stop = gr.Checkbox(False, label=i18n.ui("train.until_stop.label"), scale=2, elem_id="until-stop",
                                         info=i18n.ui("train.until_stop.info"))
            with gr.Row(equal_height=True):
                step_button = gr.Button(i18n.ui("train.step"), size="sm", scale=2, elem_id="step-button")
                continue_button = gr.Button(i18n.ui("train.continue"), size="sm", scale=2, elem_id="continue-button")
                more = gr.Number(5, precision=0, minimum=1, label=i18n.ui("train.more.label"), show_label=False,
                                 container=False, scale=1, min_width=70, elem_id="more-epochs")
                gr.Markdown(i18n.ui("train.more.after"), elem_id="more-epochs-label")
            views["status"] = gr.Markdown(i18n.ui("train.status.start"), elem_id="train-status")
            with gr.Accordion(i18n.ui("train.layers.title"), open=False):
                views["layers"] = gr.Dataframe(interactive=False)  # headers: layer_table, in the visitor's language
            views["curves"] = gr.Plot(label=i18n.ui("train.curves.label"), elem_id="train-curves")
            views["replay"] = gr.Slider(0, 1, value=0, step=1, label=i18n.ui("train.replay.label"), visible=False,
                                        elem_id="replay-epoch", info=i18n.ui("train.replay.info"))
            views["replay"].preprocess = lambda payload: payload  # its maximum grows on the page; replay() clamps
            views["plane"] = gr.Plot(label=i18n.ui("train.plane.label"), elem_id="train-plane")
            with gr.Row():
                views["metrics"] = gr.Dataframe(label=i18n.ui("train.metrics.label"), visible=False,
                                                interactive=False)
                views["second"] = gr.Plot(label=i18n.ui("train.second.label"), visible=False)
            views["mistakes"] = gr.Plot(label=i18n.ui("train.mistakes.label"), visible=False)
            views["downloads"] = gr.File(label=i18n.ui("train.downloads.label"),
                                         elem_id="train-downloads",
                                         file_count="multiple", interactive=False)
            inside = train_inside.build()
            keep = train_keep.build()
    views.update(run=gr.State(), histograms=inside["histograms"], inside=inside["inside"], saved=keep["saved"],
                 saved_plot=keep["saved_plot"], link=keep["link"], tabs=tabs if _app_tabs else gr.State())
    wire(controls, views, upload, until_stop, more, train_button, stop_button, step_button, continue_button,
         inside, keep)
    # run when a page opens: the share link's settings (or the defaults), then the model summary
    everything = {**views, **controls}
    page = pick(everything, *DATASET_OUTPUTS, "tabs")
    summary = pick(views, "status", "layers")
    names = list(controls)

    def describe_page(*values):  # app.py passes a page-load hook's inputs by position
        return describe(**dict(zip(names, values)))

    return [(engine.named(page)(load_page), None, list(page.values())),
            (train_keep.no_saved_runs, None, keep["saved_plot"]),  # drawn per visitor: its words are theirs
            (engine.named(pick(views, "curves"))(train_stream.no_curves_yet), None, [views["curves"]]),
            (engine.named(summary)(describe_page), list(controls.values()), list(summary.values()))]


def pick(components: dict, *names) -> dict:
    return {name: components[name] for name in names}


def wire(controls, views, upload, until_stop, more, train_button, stop_button, step_button, continue_button,
         inside, keep):
    private = dict(api_visibility="private")
    everything = {**views, **controls}
    dataset_outputs = pick(everything, *DATASET_OUTPUTS)
    summary = pick(views, "status", "layers")
    for event in [controls["dataset"].input] + [used.success for used in data_upload.wire(upload, controls["dataset"])]:
        engine.listen(event, on_dataset, inputs=pick(controls, "dataset"), outputs=dataset_outputs, **private).then(
            engine.named(summary)(describe), inputs_kwargs=controls, outputs=list(summary.values()), **private)
    engine.listen(controls["model"].input, on_model, inputs=pick(controls, "model", "dataset"),
                  outputs={**{f"group_{n}": views[f"group_{n}"] for n in ARCHITECTURES},
                           **pick(controls, *MODEL_TRAIN_FIELDS)}, **private).then(
        engine.named(summary)(describe), inputs_kwargs=controls, outputs=list(summary.values()), **private)
    for name, control in controls.items():
        if name == "noise" or name.split("_")[0] in ARCHITECTURES:
            engine.listen(control.change, describe, inputs=controls, outputs=summary, trigger_mode="always_last",
                          **private)

    # the API returns them in this order: status first, downloads last (the gr.State stays on the server)
    outputs = pick(views, "status", "curves", "plane", "metrics", "second", "mistakes", "replay", "histograms",
                   "inside", "downloads", "run")
    after = pick(views, "saved", "saved_plot", "inside", "histograms")
    # admission is the engine's (jobs.py slots shared by every tab that trains), so Gradio doesn't queue these itself
    example = {"example": inside["example"]}  # the test example the view inside shows, live and replayed
    for button, handler, extra, api in ((train_button, train, {"until_stop": until_stop, **example}, "train"),
                                        (step_button, step, {"run": views["run"], **example}, "step"),
                                        (continue_button, proceed, {"run": views["run"], "more": more,
                                                                    "until_stop": until_stop, **example}, "continue")):
        # the status line says how it goes: no loading overlay and timer on every plot (costly in the browser)
        engine.listen(button.click, handler, inputs={**controls, **extra}, outputs=outputs, api_name=api,
                      concurrency_limit=None, show_progress="minimal", show_progress_on=views["status"]).then(
            engine.named(after)(train_stream.after_run), [views["run"], keep["saved"], inside["example"]],
            list(after.values()), **private)
    engine.listen(stop_button.click, stop, api_name="stop", queue=False)
    engine.listen(views["replay"].input, replay, inputs={"epoch": views["replay"]},
                  outputs=pick(views, "status", "curves", "plane", "inside"), api_name="replay",
                  trigger_mode="always_last", show_progress="hidden")

    engine.listen(inside["example"].change, look_at, inputs=example, trigger_mode="always_last", queue=False,
                  **private)
    inside["panel"].expand(train_inside.watch_opened, None, None, queue=False, **private)
    inside["panel"].collapse(train_inside.watch_closed, None, None, queue=False, **private)
    inside["look"].click(refuses(train_inside.look_inside), [views["run"], inside["example"]], inside["inside"],
                         api_name="look_inside")
    keep["export"].click(train_keep.export_files, views["run"], keep["files"], api_name="export")
    engine.listen(keep["share"].click, share, inputs=controls, outputs=pick(views, "link"), api_name="share").then(
        None, keep["link"], keep["link"], js=train_keep.LINK_JS)
    keep["clear"].click(train_keep.clear_saved, None, [keep["saved"], keep["saved_plot"]], **private)
