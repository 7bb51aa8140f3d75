"""The GAN tab: watch noise turn into digits (or shapes), and watch a bad recipe collapse.

Live: samples from the same fixed noise a few times per epoch, G and D losses,
D(real) and D(fake), and the judge's readout (a classifier trained on the real
images scores 1,000 samples: mean confidence and how many classes appear, with
a bar per class, so mode collapse shows at a glance). The replay slider shows
the fixed-noise samples as they were at any recorded epoch, while it trains
and after. After training: sample with a seed (and a class, for a conditional
GAN), walk between two seeds, and download the grid and the weights.

Training is a live job on the engine (ui/engine/): the worker trains and makes
every picture at a safe point; the handler draws what it published. Handlers
take named parameters and speak output names, so `/train_gan` is callable by
keyword with the rest at the page's defaults, e.g.
`client.predict(preset="classic", epochs=3, api_name="/train_gan")`.
"""

import gradio as gr

from playground import i18n, limits
from playground.config import whole_number
from playground.data.images import DIGITS
from playground.errors import UserError
from playground.generative.gan_config import PRESETS, GANConfig
from playground.ui import data_upload, engine, gan_live, generative_layout
from playground.ui.gan_live import KIND
from playground.ui.presets import preset_settings, settings_for

EVERY_CLASS = -1  # the class menu's "each class in turn"
SEED_MAX = 2**31 - 1  # the Seed box's maximum; torch takes any 64-bit seed, but a raw API call may send 1e300
DEFAULT_PRESET = "conditional"


# helpers


def class_choices(dataset_name: str) -> list:
    from playground.generative.images import load_images

    return choices_for(load_images(dataset_name).classes)


def choices_for(classes) -> list:
    return [(i18n.ui("gan.class.every"), EVERY_CLASS)] + [(str(name), i) for i, name in enumerate(classes)]


def needs_run(run):
    if run is None or not run.summary:
        raise UserError(i18n.t("gan.error.untrained"))
    return run


def label_of(label) -> int | None:
    if label is None:
        return None
    label = whole_number(label, i18n.t("gan.class.label"), low=EVERY_CLASS, high=SEED_MAX)
    return None if label == EVERY_CLASS else label


def seed_of(value, what: str = "gan.seed.label") -> int:
    return whole_number(value, i18n.t(what), low=0, high=SEED_MAX)


def make_run(dataset: str, preset: str, shown_preset: str | None, settings: dict):
    from playground.generative.run import GanRun

    chosen = settings_for(PRESETS, GANConfig, preset, shown_preset, settings)
    return GanRun(dataset, settings=chosen, preset=preset)


# handlers


def on_preset(preset):
    values = preset_settings(PRESETS, GANConfig, preset)
    return {**{name: gr.update(value=value) for name, value in values.items()}, "shown_preset": preset}


def on_dataset(dataset):
    return {"label": gr.update(choices=class_choices(dataset), value=EVERY_CLASS)}


def train(request: gr.Request, dataset="digits", preset=DEFAULT_PRESET, shown_preset=None, **settings):
    """Train and stream: status, fixed-noise samples, curves, judge readout and histogram; then files."""
    run = make_run(dataset, preset, shown_preset, settings)
    limits.check_training(run.config.epochs, sum(run.parameters.values()))
    yield from gan_live.follow(request, run)


def stop(request: gr.Request):
    engine.stop(request, KIND)


def replay(request: gr.Request, epoch: int = 0):
    """The fixed-noise samples recorded at `epoch` and the curves up to it; while it trains, the page stays at that
    epoch until the slider is back at its end."""
    job, recorded, data = engine.replayed(request, KIND, epoch or 0, i18n.t("gan.error.nothing_to_replay"))
    view, run = job.view(), job.subject
    return {"status": i18n.t("gan.status.replay", title=gan_live.title_of(run), epoch=recorded,
                             epochs=run.config.epochs),
            "live": data["picture"], "curves": gan_live.curves_of(run, view.get("steps", []), view.get("quality", []),
                                                         upto=recorded)}


def sample(run, seed=0, label=EVERY_CLASS):
    """A 10 x 8 grid from one seed, and its PNG to download."""
    from playground.generative.images import save_png
    from playground.outputs import new_run_dir

    seed = seed_of(seed)
    picture = needs_run(run).sample(seed=seed, label=label_of(label))
    return {"samples": picture,
            "grid_file": str(save_png(picture, new_run_dir("gan-samples") / f"samples-seed{seed}.png"))}


def interpolate(run, seed_a=1, seed_b=2, steps=10, label=EVERY_CLASS):
    seed_a, seed_b = seed_of(seed_a, "gan.seed_a.label"), seed_of(seed_b, "gan.seed_b.label")
    return {"walk": needs_run(run).interpolate(seed_a, seed_b, int(steps), label=label_of(label))}


# layout


def build():
    views = {}  # name -> component: what handlers update (controls: the inputs = API parameters)
    with gr.Row():
        controls, settings = generative_layout.settings_column("gan", GANConfig, PRESETS, DEFAULT_PRESET)
        with gr.Column(scale=7):
            train_button, stop_button = generative_layout.train_stop_row()
            views["status"] = gr.Markdown(i18n.ui("gan.status.intro"), elem_id="gan-status")
            with gr.Row():
                with gr.Column():
                    views["live"] = gr.Image(label=i18n.ui("gan.live.label"), format="png", interactive=False,
                                             height=300, elem_id="gan-live")
                    views["replay"] = generative_layout.replay_slider("gan", "gan-replay")
                with gr.Column():
                    views["quality"] = gr.Markdown(i18n.ui("gan.quality.intro"))
                    views["histogram"] = gr.Plot(label=i18n.ui("gan.histogram.label"))
            views["curves"] = gr.Plot(label=i18n.ui("gan.curves.label"))
            with gr.Row():
                sampling = {"seed": gr.Number(0, precision=0, label=i18n.ui("gan.seed.label"), minimum=0,
                                              maximum=2**31 - 1, info=i18n.ui("gan.seed.info")),
                            # the digits' class names are known without loading them (which needs torch, sklearn)
                            "label": gr.Dropdown(choices_for(DIGITS), value=EVERY_CLASS,
                                                 label=i18n.ui("gan.class.label"), info=i18n.ui("gan.class.info"))}
                sample_button = gr.Button(i18n.ui("gan.sample.button"))
            views["samples"] = gr.Image(label=i18n.ui("gan.samples.label"), format="png", interactive=False,
                                        height=300)
            views["grid_file"] = gr.File(label=i18n.ui("gan.grid_file.label"), interactive=False)
            walking, views["walk"] = generative_layout.walk_row("gan", ("seed_a", "seed_b"), (1, 2), "gan-walk")
            interpolate_button = walking.pop("button")
            views["downloads"] = gr.File(label=i18n.ui("gan.downloads.label"), file_count="multiple",
                                         interactive=False)
    views["run"] = gr.State()
    views["shown_preset"] = gr.State(DEFAULT_PRESET)  # the preset whose values the controls were filled with
    views["label"] = sampling["label"]

    private = dict(api_visibility="private")
    engine.listen(controls["preset"].change, on_preset, inputs={"preset": controls["preset"]},
                  outputs={**settings, "shown_preset": views["shown_preset"]}, **private)
    engine.listen(controls["dataset"].change, on_dataset, inputs={"dataset": controls["dataset"]},
                  outputs={"label": views["label"]}, **private)
    # the API returns them in this order (the gr.State stays on the server); admission is the engine's
    outputs = {name: views[name] for name in ("status", "live", "curves", "quality", "histogram", "replay",
                                              "downloads", "run")}
    engine.listen(train_button.click, train, inputs={**controls, "shown_preset": views["shown_preset"], **settings},
                  outputs=outputs, api_name="train_gan", concurrency_limit=None)
    engine.listen(stop_button.click, stop, api_name="stop_gan", queue=False)
    engine.listen(views["replay"].input, replay, inputs={"epoch": views["replay"]},
                  outputs={name: views[name] for name in ("status", "live", "curves")}, api_name="replay_gan",
                  trigger_mode="always_last")
    engine.listen(sample_button.click, sample, inputs={"run": views["run"], **sampling},
                  outputs={name: views[name] for name in ("samples", "grid_file")}, api_name="sample_gan")
    engine.listen(interpolate_button.click, interpolate, inputs={"run": views["run"], **walking,
                                                                 "label": sampling["label"]},
                  outputs={"walk": views["walk"]}, api_name="interpolate_gan")
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets("image"), [controls["dataset"]], [controls["dataset"]], "select")]
