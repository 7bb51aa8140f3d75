"""The GAN tab: watch noise turn into digits (or shapes), and watch a bad recipe collapse.

Live: samples from the same fixed noise a few times per epoch, G and D losses,
D(real) and D(fake), and the judge's readout (a classifier trained on the real
images scores 1,000 samples: mean confidence and how many classes appear, with
a bar per class, so mode collapse shows at a glance). After training: sample
with a seed (and a class, for a conditional GAN), walk between two seeds, and
download the grid and the weights.
"""

import time

import gradio as gr

from playground import config as cfg
from playground import limits
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.data.images import DIGITS
from playground.errors import UserError
from playground.generative.gan_config import PRESETS, GANConfig
from playground.ui import data_upload, jobs, sessions
from playground.ui.controls import make_controls

UPDATE_SECONDS = 0.5  # live pictures and figures are re-sent at most this often
FIELDS = [f.name for f in cfg.fields(GANConfig)]
EVERY_CLASS = -1  # the class menu's "each class in turn"
PRESET_HELP = {"dcgan": "unconditional DCGAN", "conditional": "DCGAN that takes a class label (the default)",
               "classic": "the tutorial recipe, which collapses"}
DEFAULT_PRESET = "conditional"


# helpers


def preset_values(preset: str) -> list:
    chosen = PRESETS.get(preset, {})
    return [chosen.get(f.name, f.default) for f in cfg.fields(GANConfig)]


def make_run(dataset_name, preset, values):
    from playground.generative.run import GanRun

    return GanRun(dataset_name, settings=dict(zip(FIELDS, values)), preset=preset)


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


def _needs_run(run):
    if run is None or not run.summary:
        raise gr.Error("Train a GAN first (press Train), then sample from it.", print_exception=False)
    return run


def _label(run, label):
    return None if label is None or int(label) == EVERY_CLASS else int(label)


# handlers


def on_preset(preset):
    return [gr.update(value=v) for v in preset_values(preset)]


def on_dataset(dataset_name):
    return gr.update(choices=class_choices(dataset_name), value=EVERY_CLASS)


def train(request: gr.Request, dataset_name, preset, *values):
    """Train and stream: status, fixed-noise samples, curves, judge readout and histogram; then files."""
    try:
        run = make_run(dataset_name, preset, values)
        limits.check_training(run.config.epochs, sum(run.parameters.values()))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    yield from stream(request, run, dataset_name)


@jobs.limited("train", jobs.note_in_status(7))  # the training slots every tab that trains shares
def stream(request: gr.Request, run, dataset_name):
    """Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping its samples."""
    from playground.generative import plots
    from playground.generative.events import GanStepEvent, PictureEvent, QualityEvent
    from playground.outputs import new_run_dir
    from playground.training.events import DoneEvent

    with sessions.job(request, "gan") as (flag, deadline):
        steps, quality, picture, last_update, sent_quality = [], [], None, 0.0, 0
        n = run.data.num_classes
        kind = "conditional " if run.config.conditional else ""
        title = (f"**{kind}{run.config.architecture.upper()}** ({run.config.loss}) on **{dataset_name}**: "
                 f"G {run.parameters['generator']:,} / D {run.parameters['discriminator']:,} parameters, {run.device}")
        yield [f"{title}: training the judge (once per dataset) and starting…", *[gr.skip()] * 6]
        for event in run.events(flag):
            if isinstance(event, GanStepEvent):
                steps.append(event.to_dict())
            elif isinstance(event, PictureEvent):
                picture = event.picture
            elif isinstance(event, QualityEvent):
                quality.append(event.to_dict())
            elif isinstance(event, DoneEvent):
                break
            now = time.monotonic()
            if now - last_update < UPDATE_SECONDS or not steps:
                continue
            last_update = now
            last = steps[-1]
            progress = (f"epoch {last['epoch']}/{run.config.epochs} · step {last['step']}/{last['total_steps']} · "
                        f"G {last['g_loss']:.3f} · D {last['d_loss']:.3f}")
            new_quality = len(quality) > sent_quality
            sent_quality = len(quality)
            yield [f"{title}: {progress}", picture, plots.gan_curves(steps, quality, n, run.config.loss),
                   readout(quality[-1], n) if new_quality else gr.skip(),
                   plots.class_histogram(quality[-1]["class_counts"], run.data.classes) if new_quality else gr.skip(),
                   gr.skip(), gr.skip()]
    s = run.summary
    icon = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}[s["status"]]
    note = f"{s['message']} {deadline.message()}" if deadline.expired else s["message"]
    if s["status"] == "diverged" or not quality:
        yield [f"{icon} {note}", picture, plots.gan_curves(steps, quality, n, run.config.loss),
               *[gr.skip()] * 2, gr.skip(), run]
        return
    files = [str(p) for p in run.save(new_run_dir("gan")).values()]
    status = (f"{icon} {note} {title}: sample confidence **{s['sample_confidence']:.3f}**, "
              f"**{s['class_coverage']} of {n}** classes in 1,000 samples (the judge scores "
              f"{s['judge_test_accuracy']:.3f} on real test images); {s['epochs_run']} epochs in {s['seconds']:.1f} s.")
    yield [status, picture, plots.gan_curves(steps, quality, n, run.config.loss), readout(quality[-1], n),
           plots.class_histogram(quality[-1]["class_counts"], run.data.classes), files, run]


def stop(request: gr.Request):
    sessions.stop(request, "gan")


def sample(run, seed, label):
    """A 10 x 8 grid from one seed, and its PNG to download."""
    from playground.generative.images import save_png
    from playground.outputs import new_run_dir

    try:
        picture = _needs_run(run).sample(seed=int(seed), label=_label(run, label))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    return picture, str(save_png(picture, new_run_dir("gan-samples") / f"samples-seed{int(seed)}.png"))


def interpolate(run, seed_a, seed_b, steps, label):
    try:
        return _needs_run(run).interpolate(int(seed_a), int(seed_b), int(steps), label=_label(run, label))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)


# layout


def build():
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            dataset = gr.Dropdown(dataset_names("image"), value="digits", label="Dataset",
                                  info="Image data: digits are upscaled to 28x28, shapes shrunk to 32x32 colour.")
            preset = gr.Radio([(f"{name}: {PRESET_HELP[name]}", name) for name in PRESETS], value=DEFAULT_PRESET,
                              label="Preset", info="Fills in the settings below; change any of them after.")
            with gr.Accordion("Settings", open=True):
                controls = list(make_controls(GANConfig, values=PRESETS[DEFAULT_PRESET]).values())
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            status = gr.Markdown("The generator turns noise into images; the discriminator learns to tell them from "
                                 "real ones, and each pushes the other. Press **Train**.")
            with gr.Row():
                live = gr.Image(label="Samples from fixed noise (the same noise all along)", format="png",
                                interactive=False, height=300)
                with gr.Column():
                    quality = gr.Markdown("The judge's readout appears after the first check.")
                    histogram = gr.Plot(label="Classes the judge sees")
            curves = gr.Plot(label="Training curves")
            with gr.Row():
                seed = gr.Number(0, precision=0, label="Seed", minimum=0, maximum=2**31 - 1,
                                 info="Each seed gives different noise, so different images.")
                # the digits' class names are known without loading them (which needs torch and sklearn)
                label = gr.Dropdown(choices_for(DIGITS), value=EVERY_CLASS, label="Class",
                                    info="Conditional GANs only: the class to draw.")
                sample_button = gr.Button("Sample")
            samples = gr.Image(label="Samples", format="png", interactive=False, height=300)
            grid_file = gr.File(label="This grid as PNG", interactive=False)
            with gr.Row():
                seed_a = gr.Number(1, precision=0, label="From seed", minimum=0, info="Start of the walk in noise.")
                seed_b = gr.Number(2, precision=0, label="To seed", minimum=0, info="End of the walk.")
                steps = gr.Slider(2, 32, value=10, step=1, label="Steps", info="Images along the walk.")
                interpolate_button = gr.Button("Interpolate")
            walk = gr.Image(label="Latent interpolation", format="png", interactive=False, height=120,
                            elem_id="gan-walk")
            downloads = gr.File(label="Downloads: generator and discriminator (safetensors), config, history, "
                                "samples PNG", file_count="multiple", interactive=False)
    run_state = gr.State()

    preset.change(on_preset, preset, controls, api_visibility="private")
    dataset.change(on_dataset, dataset, label, api_visibility="private")
    train_event = train_button.click(
        train, [dataset, preset, *controls], [status, live, curves, quality, histogram, downloads, run_state],
        api_name="train_gan", concurrency_limit=None)  # admission is jobs.limited's (stream)
    stop_button.click(stop, None, None, api_name="stop_gan", cancels=[train_event], queue=False)
    sample_button.click(sample, [run_state, seed, label], [samples, grid_file], api_name="sample_gan")
    interpolate_button.click(interpolate, [run_state, seed_a, seed_b, steps, label], walk,
                             api_name="interpolate_gan")
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets("image"), [dataset], [dataset], "select")]
