"""The GAN tab: watch noise turn into digits (or shapes), and watch a bad recipe collapse.

Live: samples from the same fixed noise a few times per epoch, G and D losses,
D(real) and D(fake), and the judge's readout (a classifier trained on the real
images scores 1,000 samples: mean confidence and how many classes appear, with
a bar per class, so mode collapse shows at a glance). The replay slider shows
the fixed-noise samples as they were at any recorded epoch, while it trains
and after. After training: sample with a seed (and a class, for a conditional
GAN), walk between two seeds, and download the grid and the weights.

Training is a live job on the engine (engine.py): the worker trains and makes
every picture at a safe point; the handler draws what it published. Handlers
take named parameters and speak output names, so `/train_gan` is callable by
keyword with the rest at the page's defaults, e.g.
`client.predict(preset="classic", epochs=3, api_name="/train_gan")`.
"""

import gradio as gr

from playground import limits
from playground.config import whole_number
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.data.images import DIGITS
from playground.errors import UserError
from playground.generative.gan_config import PRESETS, GANConfig
from playground.ui import data_upload, engine, gan_live
from playground.ui.controls import make_controls
from playground.ui.gan_live import KIND
from playground.ui.presets import preset_settings, settings_for

EVERY_CLASS = -1  # the class menu's "each class in turn"
SEED_MAX = 2**31 - 1  # the Seed box's maximum; torch takes any 64-bit seed, but a raw API call may send 1e300
PRESET_HELP = {"dcgan": "unconditional DCGAN", "conditional": "DCGAN that takes a class label (the default)",
               "classic": "the tutorial recipe, which collapses"}
DEFAULT_PRESET = "conditional"


# helpers


def class_choices(dataset_name: str) -> list:
    from playground.generative.images import load_images

    return choices_for(load_images(dataset_name).classes)


def choices_for(classes) -> list:
    return [("each class in turn", EVERY_CLASS)] + [(str(name), i) for i, name in enumerate(classes)]


def needs_run(run):
    if run is None or not run.summary:
        raise UserError("Train a GAN first (press Train), then sample from it.")
    return run


def label_of(label) -> int | None:
    if label is None:
        return None
    label = whole_number(label, "Class", low=EVERY_CLASS, high=SEED_MAX)
    return None if label == EVERY_CLASS else label


def seed_of(value, what: str = "Seed") -> int:
    return whole_number(value, what, low=0, high=SEED_MAX)


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
    job, recorded, data = engine.replayed(request, KIND, epoch or 0,
                                          "Train a GAN first: there is nothing to replay yet.")
    view, run = job.view(), job.subject
    return {"status": f"{job.title}: the fixed-noise samples at epoch {recorded} of {run.config.epochs}.",
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
    seed_a, seed_b = seed_of(seed_a, "From seed"), seed_of(seed_b, "To seed")
    return {"walk": needs_run(run).interpolate(seed_a, seed_b, int(steps), label=label_of(label))}


# layout


def build():
    controls, views = {}, {}  # name -> component: the inputs (= API parameters) and what handlers update
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            controls["dataset"] = gr.Dropdown(dataset_names("image"), value="digits", label="Dataset",
                                              info="Image data: digits are upscaled to 28x28, shapes shrunk to "
                                                   "32x32 colour.")
            controls["preset"] = gr.Radio([(f"{name}: {PRESET_HELP[name]}", name) for name in PRESETS],
                                          value=DEFAULT_PRESET, label="Preset",
                                          info="Fills in the settings below; change any of them after.")
            with gr.Accordion("Settings", open=True):
                settings = make_controls(GANConfig, values=PRESETS[DEFAULT_PRESET])
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            views["status"] = gr.Markdown("The generator turns noise into images; the discriminator learns to tell "
                                          "them from real ones, and each pushes the other. Press **Train**.",
                                          elem_id="gan-status")
            with gr.Row():
                with gr.Column():
                    views["live"] = gr.Image(label="Samples from fixed noise (the same noise all along)",
                                             format="png", interactive=False, height=300, elem_id="gan-live")
                    views["replay"] = gr.Slider(0, 1, value=0, step=1, label="Replay: epoch", visible=False,
                                                elem_id="gan-replay", info="The fixed-noise samples as they were at "
                                                "that epoch, and the curves up to it (also while it trains).")
                    views["replay"].preprocess = lambda payload: payload  # its maximum grows; replay() clamps
                with gr.Column():
                    views["quality"] = gr.Markdown("The judge's readout appears after the first check.")
                    views["histogram"] = gr.Plot(label="Classes the judge sees")
            views["curves"] = gr.Plot(label="Training curves")
            with gr.Row():
                sampling = {"seed": gr.Number(0, precision=0, label="Seed", minimum=0, maximum=2**31 - 1,
                                              info="Each seed gives different noise, so different images."),
                            # the digits' class names are known without loading them (which needs torch, sklearn)
                            "label": gr.Dropdown(choices_for(DIGITS), value=EVERY_CLASS, label="Class",
                                                 info="Conditional GANs only: the class to draw.")}
                sample_button = gr.Button("Sample")
            views["samples"] = gr.Image(label="Samples", format="png", interactive=False, height=300)
            views["grid_file"] = gr.File(label="This grid as PNG", interactive=False)
            with gr.Row():
                walking = {"seed_a": gr.Number(1, precision=0, label="From seed", minimum=0,
                                               info="Start of the walk in noise."),
                           "seed_b": gr.Number(2, precision=0, label="To seed", minimum=0, info="End of the walk."),
                           "steps": gr.Slider(2, 32, value=10, step=1, label="Steps",
                                              info="Images along the walk.")}
                interpolate_button = gr.Button("Interpolate")
            views["walk"] = gr.Image(label="Latent interpolation", format="png", interactive=False, height=120,
                                     elem_id="gan-walk")
            views["downloads"] = gr.File(label="Downloads: generator and discriminator (safetensors), config, "
                                         "history, samples PNG", file_count="multiple", interactive=False)
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
