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

import functools

import gradio as gr

from playground import limits
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.data.images import DIGITS
from playground.errors import UserError
from playground.generative.gan_config import PRESETS, GANConfig
from playground.ui import data_upload, engine
from playground.ui.controls import make_controls
from playground.ui.presets import preset_settings, settings_for

EVERY_CLASS = -1  # the class menu's "each class in turn"
PRESET_HELP = {"dcgan": "unconditional DCGAN", "conditional": "DCGAN that takes a class label (the default)",
               "classic": "the tutorial recipe, which collapses"}
DEFAULT_PRESET = "conditional"
ICONS = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}
KIND = "gan"  # the engine's name for this tab's live job


# helpers


def class_choices(dataset_name: str) -> list:
    from playground.generative.images import load_images

    return choices_for(load_images(dataset_name).classes)


def choices_for(classes) -> list:
    return [("each class in turn", EVERY_CLASS)] + [(str(name), i) for i, name in enumerate(classes)]


def readout(quality: dict, num_classes: int) -> str:
    text = (f"**Judge on 1,000 samples** (epoch {quality['epoch']}): mean confidence "
            f"**{quality['sample_confidence']:.2f}**, classes seen **{quality['class_coverage']} of {num_classes}**")
    if quality.get("conditional_accuracy") is not None:
        text += f", requested class produced **{quality['conditional_accuracy']:.0%}** of the time"
    if quality["class_coverage"] <= num_classes // 3:
        text += ". Few classes at high confidence: **mode collapse**."
    return text


def title_of(run) -> str:
    kind = "conditional " if run.config.conditional else ""
    return (f"**{kind}{run.config.architecture.upper()}** ({run.config.loss}) on **{run.data.name}**: "
            f"G {run.parameters['generator']:,} / D {run.parameters['discriminator']:,} parameters, {run.device}")


def curves_of(run, steps: list[dict], quality: list[dict], upto: int | None = None):
    from playground.generative import plots

    if upto is not None:
        steps, quality = [s for s in steps if s["epoch"] <= upto], [q for q in quality if q["epoch"] <= upto]
    return plots.gan_curves(steps, quality, run.data.num_classes, run.config.loss)


def judged(run, quality: dict) -> dict:
    from playground.generative import plots

    return {"quality": readout(quality, run.data.num_classes),
            "histogram": plots.class_histogram(quality["class_counts"], run.data.classes)}


def needs_run(run):
    if run is None or not run.summary:
        raise UserError("Train a GAN first (press Train), then sample from it.")
    return run


def label_of(label) -> int | None:
    return None if label is None or int(label) == EVERY_CLASS else int(label)


def make_run(dataset: str, preset: str, shown_preset: str | None, settings: dict):
    from playground.generative.run import GanRun

    chosen = settings_for(PRESETS, GANConfig, preset, shown_preset, settings)
    return GanRun(dataset, settings=chosen, preset=preset)


# the live job


def work(run, job):
    """Runs in the worker thread: train, publish steps, pictures and the judge's checks, record each epoch's
    fixed-noise samples for the replay (made here, between steps)."""
    from playground.generative.events import GanEpochEvent, GanStepEvent, PictureEvent, QualityEvent

    steps, quality = [], []
    job.publish(steps=steps, quality=quality, picture=None)
    job.record(0, picture=run.fixed_picture())  # the untrained generator: where the replay starts
    for event in run.events(job.flag):
        if isinstance(event, GanStepEvent):
            steps.append(event.to_dict())
            job.publish(step=event.step)
        elif isinstance(event, PictureEvent):
            job.publish(picture=event.picture)
        elif isinstance(event, QualityEvent):
            quality.append(event.to_dict())
            job.publish(judged=len(quality))
        elif isinstance(event, GanEpochEvent):
            job.record(event.epoch, picture=run.fixed_picture())
    return run


class Painter:
    """Draws the live view; a picture or a judge's readout goes out only when it is new."""

    def __init__(self, run):
        self.run, self.picture, self.judged = run, None, 0

    def __call__(self, view: dict) -> dict:
        run, steps, quality = self.run, view.get("steps", []), view.get("quality", [])
        latest, viewing = view.get("recorded") or 0, view.get("viewing")
        update = {"replay": gr.update(maximum=max(1, latest), visible=True,
                                      **({} if viewing is not None else {"value": latest}))}
        if steps:
            last = steps[-1]
            progress = (f"epoch {last['epoch']}/{run.config.epochs} · step {last['step']}/{last['total_steps']} · "
                        f"G {last['g_loss']:.3f} · D {last['d_loss']:.3f}")
        else:
            progress = "training the judge (once per dataset) and starting…"
        if viewing is not None:
            update["status"] = (f"{view['title']}: {progress}; replaying epoch {viewing} (drag the slider to its "
                                f"end to follow the training)")
            return update
        update |= {"status": f"{view['title']}: {progress}", "curves": curves_of(run, steps, quality)}
        if view.get("picture") is not None and view["picture"] is not self.picture:
            update["live"] = self.picture = view["picture"]
        if len(quality) > self.judged:
            self.judged = len(quality)
            update |= judged(run, quality[-1])
        return update


def follow(request, run):
    """Follow the job while it trains, then the results: status, samples, curves, readout, files, the run."""
    from playground.outputs import new_run_dir

    job = engine.Job(functools.partial(work, run), kind=KIND, title=title_of(run), subject=run)
    yield {"status": f"{job.title}: training the judge (once per dataset) and starting…"}
    job = yield from engine.follow(request, job, Painter(run))
    if not job.ran:  # refused (busy) or stopped while it waited: the status says so already
        return
    if job.state == "failed":
        raise UserError(job.error)
    view, s = job.view(), run.summary
    note = f"{s['message']} {job.deadline.message()}" if job.expired else s["message"]
    latest = max(job.snapshots.epochs())
    final = {"curves": curves_of(run, view["steps"], view["quality"]), "run": run,
             "replay": gr.update(maximum=max(1, latest), value=latest, visible=True),
             "live": view["picture"] if view["picture"] is not None else job.snapshots.at(latest)[1]["picture"]}
    if s["status"] == "diverged" or not view["quality"]:
        yield final | {"status": f"{ICONS[s['status']]} {note}"}
        return
    files = [str(p) for p in run.save(new_run_dir("gan")).values()]
    n = run.data.num_classes
    status = (f"{ICONS[s['status']]} {note} {job.title}: sample confidence **{s['sample_confidence']:.3f}**, "
              f"**{s['class_coverage']} of {n}** classes in 1,000 samples (the judge scores "
              f"{s['judge_test_accuracy']:.3f} on real test images); {s['epochs_run']} epochs in "
              f"{s['seconds']:.1f} s.")
    yield final | {"status": status, **judged(run, view["quality"][-1]), "downloads": files}


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
    yield from follow(request, run)


def stop(request: gr.Request):
    engine.stop(request, KIND)


def replay(request: gr.Request, epoch: int = 0):
    """The fixed-noise samples recorded at `epoch` and the curves up to it; while it trains, the page stays at that
    epoch until the slider is back at its end."""
    job = engine.current(request, KIND)
    found = job.snapshots.at(int(epoch or 0)) if job is not None else None
    if found is None:
        raise UserError("Train a GAN first: there is nothing to replay yet.")
    recorded, data = found
    job.viewing = None if recorded >= max(job.snapshots.epochs()) else recorded
    view, run = job.view(), job.subject
    return {"status": f"{job.title}: the fixed-noise samples at epoch {recorded} of {run.config.epochs}.",
            "live": data["picture"], "curves": curves_of(run, view.get("steps", []), view.get("quality", []),
                                                         upto=recorded)}


def sample(run, seed=0, label=EVERY_CLASS):
    """A 10 x 8 grid from one seed, and its PNG to download."""
    from playground.generative.images import save_png
    from playground.outputs import new_run_dir

    picture = needs_run(run).sample(seed=int(seed), label=label_of(label))
    return {"samples": picture,
            "grid_file": str(save_png(picture, new_run_dir("gan-samples") / f"samples-seed{int(seed)}.png"))}


def interpolate(run, seed_a=1, seed_b=2, steps=10, label=EVERY_CLASS):
    return {"walk": needs_run(run).interpolate(int(seed_a), int(seed_b), int(steps), label=label_of(label))}


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
