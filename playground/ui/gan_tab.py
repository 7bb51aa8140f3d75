"""The GAN tab: watch noise turn into digits (or shapes), and watch a bad recipe collapse.

Live: samples from the same fixed noise a few times per epoch, G and D losses,
D(real) and D(fake), and the judge's readout (a classifier trained on the real
images scores 1,000 samples: mean confidence and how many classes appear, with
a bar per class, so mode collapse shows at a glance). After training: sample
with a seed (and a class, for a conditional GAN), walk between two seeds, and
download the grid and the weights.

`GanTab` holds the components and the handlers, which take named parameters
and return {component: value}: `/train_gan` is callable by keyword with the
rest at the page's defaults, e.g. `client.predict(preset="classic", epochs=3,
api_name="/train_gan")`.
"""

import time

import gradio as gr

from playground import limits
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.data.images import DIGITS
from playground.generative.gan_config import PRESETS, GANConfig
from playground.ui import data_upload, jobs, sessions
from playground.ui.controls import make_controls
from playground.ui.presets import preset_settings, settings_for
from playground.ui.refusals import refuses

UPDATE_SECONDS = 0.5  # live pictures and figures are re-sent at most this often
EVERY_CLASS = -1  # the class menu's "each class in turn"
PRESET_HELP = {"dcgan": "unconditional DCGAN", "conditional": "DCGAN that takes a class label (the default)",
               "classic": "the tutorial recipe, which collapses"}
DEFAULT_PRESET = "conditional"
ICONS = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}


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


def title_of(run, dataset_name: str) -> str:
    kind = "conditional " if run.config.conditional else ""
    return (f"**{kind}{run.config.architecture.upper()}** ({run.config.loss}) on **{dataset_name}**: "
            f"G {run.parameters['generator']:,} / D {run.parameters['discriminator']:,} parameters, {run.device}")


def needs_run(run):
    if run is None or not run.summary:
        raise gr.Error("Train a GAN first (press Train), then sample from it.", print_exception=False)
    return run


def label_of(label) -> int | None:
    return None if label is None or int(label) == EVERY_CLASS else int(label)


class GanTab:
    """The GAN tab's components (built by `layout`) and its handlers."""

    # handlers

    def on_preset(self, preset):
        values = preset_settings(PRESETS, GANConfig, preset)
        return {**{self.controls[name]: gr.update(value=value) for name, value in values.items()},
                self.shown_preset: preset}

    def on_dataset(self, dataset):
        return {self.label: gr.update(choices=class_choices(dataset), value=EVERY_CLASS)}

    @refuses
    def train(self, request: gr.Request, dataset, preset, shown_preset, **settings):
        """Train and stream: status, fixed-noise samples, curves, judge readout and histogram; then files."""
        from playground.generative.run import GanRun

        run = GanRun(dataset, settings=settings_for(PRESETS, GANConfig, preset, shown_preset, settings),
                     preset=preset)
        limits.check_training(run.config.epochs, sum(run.parameters.values()))
        # the training slots every tab that trains shares
        yield from jobs.limited("train", lambda note: {self.status: note})(self.stream)(request, run, dataset)

    def stream(self, request: gr.Request, run, dataset_name):
        """Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping its samples."""
        from playground.generative import plots
        from playground.generative.events import GanStepEvent, PictureEvent, QualityEvent
        from playground.outputs import new_run_dir
        from playground.training.events import DoneEvent

        n, loss, classes = run.data.num_classes, run.config.loss, run.data.classes
        title = title_of(run, dataset_name)
        with sessions.job(request, "gan") as (flag, deadline):
            steps, quality, picture, last_update, sent_quality = [], [], None, 0.0, 0
            yield {self.status: f"{title}: training the judge (once per dataset) and starting…"}
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
                progress = (f"epoch {last['epoch']}/{run.config.epochs} · step {last['step']}/{last['total_steps']}"
                            f" · G {last['g_loss']:.3f} · D {last['d_loss']:.3f}")
                update = {self.status: f"{title}: {progress}", self.live: picture,
                          self.curves: plots.gan_curves(steps, quality, n, loss)}
                if len(quality) > sent_quality:
                    sent_quality = len(quality)
                    update |= {self.quality: readout(quality[-1], n),
                               self.histogram: plots.class_histogram(quality[-1]["class_counts"], classes)}
                yield update
        s = run.summary
        note = f"{s['message']} {deadline.message()}" if deadline.expired else s["message"]
        update = {self.live: picture, self.curves: plots.gan_curves(steps, quality, n, loss), self.run_state: run}
        if s["status"] == "diverged" or not quality:
            yield update | {self.status: f"{ICONS[s['status']]} {note}"}
            return
        files = [str(p) for p in run.save(new_run_dir("gan")).values()]
        status = (f"{ICONS[s['status']]} {note} {title}: sample confidence **{s['sample_confidence']:.3f}**, "
                  f"**{s['class_coverage']} of {n}** classes in 1,000 samples (the judge scores "
                  f"{s['judge_test_accuracy']:.3f} on real test images); {s['epochs_run']} epochs in "
                  f"{s['seconds']:.1f} s.")
        yield update | {self.status: status, self.quality: readout(quality[-1], n),
                        self.histogram: plots.class_histogram(quality[-1]["class_counts"], classes),
                        self.downloads: files}

    def stop(self, request: gr.Request):
        sessions.stop(request, "gan")

    @refuses
    def sample(self, run, seed, label):
        """A 10 x 8 grid from one seed, and its PNG to download."""
        from playground.generative.images import save_png
        from playground.outputs import new_run_dir

        picture = needs_run(run).sample(seed=int(seed), label=label_of(label))
        png = save_png(picture, new_run_dir("gan-samples") / f"samples-seed{int(seed)}.png")
        return {self.samples: picture, self.grid_file: str(png)}

    @refuses
    def interpolate(self, run, seed_a, seed_b, steps, label):
        return {self.walk: needs_run(run).interpolate(int(seed_a), int(seed_b), int(steps), label=label_of(label))}

    # layout

    def layout(self):
        with gr.Row():
            with gr.Column(scale=4, min_width=320):
                self.dataset = gr.Dropdown(dataset_names("image"), value="digits", label="Dataset",
                                           info="Image data: digits are upscaled to 28x28, shapes shrunk to 32x32 "
                                                "colour.")
                self.preset = gr.Radio([(f"{name}: {PRESET_HELP[name]}", name) for name in PRESETS],
                                       value=DEFAULT_PRESET, label="Preset",
                                       info="Fills in the settings below; change any of them after.")
                with gr.Accordion("Settings", open=True):
                    self.controls = make_controls(GANConfig, values=PRESETS[DEFAULT_PRESET])
            with gr.Column(scale=7):
                with gr.Row():
                    self.train_button = gr.Button("Train", variant="primary", scale=3)
                    self.stop_button = gr.Button("Stop", variant="stop", scale=1)
                self.status = gr.Markdown("The generator turns noise into images; the discriminator learns to tell "
                                          "them from real ones, and each pushes the other. Press **Train**.")
                with gr.Row():
                    self.live = gr.Image(label="Samples from fixed noise (the same noise all along)", format="png",
                                         interactive=False, height=300)
                    with gr.Column():
                        self.quality = gr.Markdown("The judge's readout appears after the first check.")
                        self.histogram = gr.Plot(label="Classes the judge sees")
                self.curves = gr.Plot(label="Training curves")
                with gr.Row():
                    self.seed = gr.Number(0, precision=0, label="Seed", minimum=0, maximum=2**31 - 1,
                                          info="Each seed gives different noise, so different images.")
                    # the digits' class names are known without loading them (which needs torch and sklearn)
                    self.label = gr.Dropdown(choices_for(DIGITS), value=EVERY_CLASS, label="Class",
                                             info="Conditional GANs only: the class to draw.")
                    self.sample_button = gr.Button("Sample")
                self.samples = gr.Image(label="Samples", format="png", interactive=False, height=300)
                self.grid_file = gr.File(label="This grid as PNG", interactive=False)
                with gr.Row():
                    self.seed_a = gr.Number(1, precision=0, label="From seed", minimum=0,
                                            info="Start of the walk in noise.")
                    self.seed_b = gr.Number(2, precision=0, label="To seed", minimum=0, info="End of the walk.")
                    self.steps = gr.Slider(2, 32, value=10, step=1, label="Steps", info="Images along the walk.")
                    self.interpolate_button = gr.Button("Interpolate")
                self.walk = gr.Image(label="Latent interpolation", format="png", interactive=False, height=120,
                                     elem_id="gan-walk")
                self.downloads = gr.File(label="Downloads: generator and discriminator (safetensors), config, "
                                         "history, samples PNG", file_count="multiple", interactive=False)
        self.run_state = gr.State()
        self.shown_preset = gr.State(DEFAULT_PRESET)  # the preset whose values the controls were filled with

    def wire(self):
        self.preset.change(self.on_preset, self.preset, [*self.controls.values(), self.shown_preset],
                           api_visibility="private")
        self.dataset.change(self.on_dataset, self.dataset, self.label, api_visibility="private")
        train_event = self.train_button.click(
            self.train, [self.dataset, self.preset, self.shown_preset],
            [self.status, self.live, self.curves, self.quality, self.histogram, self.downloads, self.run_state],
            inputs_kwargs=self.controls, api_name="train_gan", concurrency_limit=None)  # admission: jobs.limited
        self.stop_button.click(self.stop, None, None, api_name="stop_gan", cancels=[train_event], queue=False)
        self.sample_button.click(self.sample, [self.run_state, self.seed, self.label], [self.samples, self.grid_file],
                                 api_name="sample_gan")
        self.interpolate_button.click(self.interpolate, [self.run_state, self.seed_a, self.seed_b, self.steps,
                                                         self.label], self.walk, api_name="interpolate_gan")


def build():
    tab = GanTab()
    tab.layout()
    tab.wire()
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets("image"), [tab.dataset], [tab.dataset], "select")]
