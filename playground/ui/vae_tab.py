"""The VAE tab: train a VAE or a plain autoencoder and watch its latent space organise itself.

Live: loss curves (total, reconstruction, KL), originals above reconstructions,
and the test set in latent space coloured by class. After training: the
decoded latent grid (manifold), random samples, a walk between two test images,
downloads, and a table of this visit's runs so a VAE and an autoencoder can be
compared side by side.

`VaeTab` holds the components and the handlers, which take named parameters
and return {component: value}: `/train_vae` is callable by keyword with the
rest at the page's defaults, e.g. `client.predict(preset="autoencoder",
epochs=3, api_name="/train_vae")`.
"""

import time

import gradio as gr

from playground import limits
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.generative.vae_config import COMPARISON_COLUMNS, PRESETS, VAEConfig
from playground.ui import data_upload, jobs, sessions
from playground.ui.controls import make_controls
from playground.ui.presets import preset_settings, settings_for
from playground.ui.refusals import refuses

UPDATE_SECONDS = 0.5  # live figures are re-sent at most this often
PRESET_HELP = {"vae": "a VAE with a 2-D code you can see", "autoencoder": "the plain 784-20-10-20-784 autoencoder",
               "conv-vae": "a convolutional VAE"}
DEFAULT_PRESET = "vae"
ICONS = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}


# helpers


def title_of(run, dataset_name: str) -> str:
    return (f"**{run.config.variant.upper()}** ({run.config.architecture}, latent {run.config.latent_dim}) on "
            f"**{dataset_name}**: {run.parameters:,} parameters, {run.device}")


def progress_of(run) -> str:
    last = run.history[-1]
    return (f"epoch {last['epoch']}/{run.config.epochs} · validation loss {last['val_loss']:.1f} "
            f"(reconstruction {last['val_recon']:.1f}, KL {last['val_kl']:.2f}) · "
            f"{last['seconds'] / last['epoch']:.2f} s/epoch")


def result_of(run) -> str:
    s = run.summary
    kl = "" if s["test_kl"] is None else f", KL **{s['test_kl']:.2f}** nats"
    return (f"test reconstruction MSE **{s['test_recon_mse']:.4f}** (mean-image baseline {s['baseline_mse']:.4f})"
            f"{kl}, latent kNN accuracy **{s['latent_knn_accuracy']:.3f}**; {s['epochs_run']} epochs in "
            f"{s['seconds']:.1f} s.")


def needs_run(run):
    if run is None or not run.summary:
        raise gr.Error("Train a model first (press Train), then draw from it.", print_exception=False)
    return run


class VaeTab:
    """The VAE tab's components (built by `layout`) and its handlers."""

    # handlers

    def on_preset(self, preset):
        values = preset_settings(PRESETS, VAEConfig, preset)
        return {**{self.controls[name]: gr.update(value=value) for name, value in values.items()},
                self.shown_preset: preset}

    @refuses
    def train(self, request: gr.Request, dataset, preset, shown_preset, rows, **settings):
        """Train and stream: status, curves, reconstructions, latent scatter; then manifold, samples, files."""
        from playground.generative.vae_run import VaeRun

        run = VaeRun(dataset, settings=settings_for(PRESETS, VAEConfig, preset, shown_preset, settings),
                     preset=preset)
        limits.check_training(run.config.epochs, run.parameters)
        # the training slots every tab that trains shares
        yield from jobs.limited("train", lambda note: {self.status: note})(self.stream)(request, run, dataset, rows)

    def stream(self, request: gr.Request, run, dataset_name, rows):
        """Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping what it learnt."""
        from playground.generative import plots
        from playground.generative.events import LatentEvent, PictureEvent, VaeStepEvent
        from playground.outputs import new_run_dir
        from playground.training.events import DoneEvent

        title = title_of(run, dataset_name)

        def latent_plot(latent):
            return plots.latent_scatter(latent.points, latent.labels, run.data.classes, latent.projected)

        with sessions.job(request, "vae") as (flag, deadline):
            steps, latent, picture, last_update = [], None, None, 0.0
            yield {self.status: f"{title}: starting…"}
            for event in run.events(flag):
                if isinstance(event, VaeStepEvent):
                    steps.append(event.to_dict())
                elif isinstance(event, PictureEvent):
                    picture = event.picture
                elif isinstance(event, LatentEvent):
                    latent = event
                elif isinstance(event, DoneEvent):
                    break
                now = time.monotonic()
                if now - last_update < UPDATE_SECONDS or latent is None:  # each epoch ends with its latent points
                    continue
                last_update = now
                yield {self.status: f"{title}: {progress_of(run)}", self.reconstructions: picture,
                       self.curves: plots.vae_curves(steps, run.history, run.model.variational),
                       self.latent: latent_plot(latent)}
        s = run.summary
        note = f"{s['message']} {deadline.message()}" if deadline.expired else s["message"]
        if s["status"] == "diverged" or not run.history:
            yield {self.status: f"{ICONS[s['status']]} {note}"}
            return
        files = [str(p) for p in run.save(new_run_dir("vae")).values()]
        rows = [*(rows or []), run.comparison_row()]
        yield {self.status: f"{ICONS[s['status']]} {note} {title}: {result_of(run)}",
               self.curves: plots.vae_curves(steps, run.history, run.model.variational),
               self.reconstructions: picture, self.latent: latent_plot(latent), self.manifold: run.manifold(),
               self.samples: run.sample(seed=0), self.downloads: files, self.runs: rows, self.run_state: run,
               self.rows_state: rows}

    def stop(self, request: gr.Request):
        sessions.stop(request, "vae")

    @refuses
    def sample(self, run, seed):
        return {self.samples: needs_run(run).sample(seed=int(seed))}

    @refuses
    def interpolate(self, run, first, second, steps):
        return {self.walk: needs_run(run).interpolate(int(first), int(second), int(steps))}

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
                    self.controls = make_controls(VAEConfig, values=PRESETS[DEFAULT_PRESET])
            with gr.Column(scale=7):
                with gr.Row():
                    self.train_button = gr.Button("Train", variant="primary", scale=3)
                    self.stop_button = gr.Button("Stop", variant="stop", scale=1)
                self.status = gr.Markdown("A VAE squeezes each image into a small code and rebuilds it; the KL term "
                                          "keeps the codes close to N(0, I) so that any point decodes to something. "
                                          "Press **Train**.")
                self.curves = gr.Plot(label="Loss curves")
                with gr.Row():
                    self.reconstructions = gr.Image(label="Test images (top) and their reconstructions (bottom)",
                                                    format="png", interactive=False, height=160)
                self.latent = gr.Plot(label="Latent space")
                with gr.Row():
                    self.manifold = gr.Image(label="Decoded latent grid (the manifold)", format="png",
                                             interactive=False)
                    self.samples = gr.Image(label="Random samples", format="png", interactive=False)
                with gr.Row():
                    self.seed = gr.Number(0, precision=0, label="Sample seed", info="Each seed draws different codes.",
                                          minimum=0, maximum=2**31 - 1)
                    self.sample_button = gr.Button("Sample")
                with gr.Row():
                    self.first = gr.Number(0, precision=0, label="First test image", minimum=0,
                                           info="Number of a test image (0 to the test set's size - 1).")
                    self.second = gr.Number(1, precision=0, label="Second test image", minimum=0,
                                            info="The walk ends at this test image.")
                    self.steps = gr.Slider(2, 32, value=10, step=1, label="Steps",
                                           info="Decoded images between the two.")
                    self.interpolate_button = gr.Button("Interpolate")
                self.walk = gr.Image(label="First image, the decoded walk between the codes, second image",
                                     format="png", interactive=False, height=120, elem_id="vae-walk")
                self.downloads = gr.File(label="Downloads: weights (safetensors), config (JSON), history (CSV), PNGs",
                                         file_count="multiple", interactive=False)
                self.runs = gr.Dataframe(headers=COMPARISON_COLUMNS, interactive=False,
                                         label="Runs in this visit (compare a VAE and an autoencoder)")
        self.run_state, self.rows_state = gr.State(), gr.State([])
        self.shown_preset = gr.State(DEFAULT_PRESET)  # the preset whose values the controls were filled with

    def wire(self):
        self.preset.change(self.on_preset, self.preset, [*self.controls.values(), self.shown_preset],
                           api_visibility="private")
        train_event = self.train_button.click(
            self.train, [self.dataset, self.preset, self.shown_preset, self.rows_state],
            [self.status, self.curves, self.reconstructions, self.latent, self.manifold, self.samples,
             self.downloads, self.runs, self.run_state, self.rows_state],
            inputs_kwargs=self.controls, api_name="train_vae", concurrency_limit=None)  # admission: jobs.limited
        self.stop_button.click(self.stop, None, None, api_name="stop_vae", cancels=[train_event], queue=False)
        self.sample_button.click(self.sample, [self.run_state, self.seed], self.samples, api_name="sample_vae")
        self.interpolate_button.click(self.interpolate, [self.run_state, self.first, self.second, self.steps],
                                      self.walk, api_name="interpolate_vae")


def build():
    tab = VaeTab()
    tab.layout()
    tab.wire()
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets("image"), [tab.dataset], [tab.dataset], "select")]
