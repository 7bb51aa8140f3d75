"""The VAE tab: train a VAE or a plain autoencoder and watch its latent space organise itself.

Live: loss curves (total, reconstruction, KL), originals above reconstructions,
and the test set in latent space coloured by class. After training: the
decoded latent grid (manifold), random samples, a walk between two test images,
downloads, and a table of this visit's runs so a VAE and an autoencoder can be
compared side by side.
"""

import time

import gradio as gr

from playground import config as cfg
from playground import limits
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.errors import UserError
from playground.generative.vae_config import PRESETS, VAEConfig
from playground.ui import data_upload, jobs, sessions
from playground.ui.controls import make_controls

UPDATE_SECONDS = 0.5  # live figures are re-sent at most this often
FIELDS = [f.name for f in cfg.fields(VAEConfig)]
RUN_COLUMNS = ["dataset", "model", "latent", "beta", "epochs", "recon MSE", "baseline MSE", "KL", "kNN accuracy"]
PRESET_HELP = {"vae": "a VAE with a 2-D code you can see", "autoencoder": "the plain 784-20-10-20-784 autoencoder",
               "conv-vae": "a convolutional VAE"}


# helpers


def preset_values(preset: str) -> list:
    """Every control's value for a preset (the preset's settings over the defaults), in input order."""
    chosen = PRESETS.get(preset, {})
    return [chosen.get(f.name, f.default) for f in cfg.fields(VAEConfig)]


def make_run(dataset_name, preset, values):
    from playground.generative.vae_run import VaeRun

    return VaeRun(dataset_name, settings=dict(zip(FIELDS, values)), preset=preset)


def run_row(run) -> list:
    s, c = run.summary, run.config
    kl = "-" if s.get("test_kl") is None else round(s["test_kl"], 2)
    return [s["dataset"], f"{c.variant} ({c.architecture})", c.latent_dim, c.beta if run.model.variational else "-",
            s["epochs_run"], round(s["test_recon_mse"], 4), round(s["baseline_mse"], 4), kl,
            round(s["latent_knn_accuracy"], 3)]


def _needs_run(run):
    if run is None or not run.summary:
        raise gr.Error("Train a model first (press Train), then draw from it.", print_exception=False)
    return run


# handlers


def on_preset(preset):
    return [gr.update(value=v) for v in preset_values(preset)]


def train(request: gr.Request, dataset_name, preset, *values_and_rows):
    """Train and stream: status, curves, reconstructions, latent scatter; then manifold, samples, files."""
    *values, rows = values_and_rows
    try:
        run = make_run(dataset_name, preset, values)
        limits.check_training(run.config.epochs, run.parameters)
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)
    yield from stream(request, run, dataset_name, rows)


@jobs.limited("train", jobs.note_in_status(9))  # the training slots every tab that trains shares
def stream(request: gr.Request, run, dataset_name, rows):
    """Runs once a training slot is free; stops itself after PLAYGROUND_MAX_JOB_SECONDS, keeping what it learnt."""
    from playground.generative import plots
    from playground.generative.events import LatentEvent, PictureEvent, VaeStepEvent
    from playground.outputs import new_run_dir
    from playground.training.events import DoneEvent

    with sessions.job(request, "vae") as (flag, deadline):
        steps, latent, picture, last_update = [], None, None, 0.0
        title = (f"**{run.config.variant.upper()}** ({run.config.architecture}, latent {run.config.latent_dim}) on "
                 f"**{dataset_name}**: {run.parameters:,} parameters, {run.device}")
        yield [f"{title}: starting…", *[gr.skip()] * 8]
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
            last = run.history[-1]
            progress = (f"epoch {last['epoch']}/{run.config.epochs} · validation loss {last['val_loss']:.1f} "
                        f"(reconstruction {last['val_recon']:.1f}, KL {last['val_kl']:.2f}) · "
                        f"{last['seconds'] / last['epoch']:.2f} s/epoch")
            scatter = plots.latent_scatter(latent.points, latent.labels, run.data.classes, latent.projected)
            yield [f"{title}: {progress}", plots.vae_curves(steps, run.history, run.model.variational), picture,
                   scatter, *[gr.skip()] * 5]
    s = run.summary
    icon = {"finished": "✅", "stopped": "⏹️", "diverged": "⚠️"}[s["status"]]
    note = f"{s['message']} {deadline.message()}" if deadline.expired else s["message"]
    if s["status"] == "diverged" or not run.history:
        yield [f"{icon} {note}", *[gr.skip()] * 8]
        return
    kl = "" if s["test_kl"] is None else f", KL **{s['test_kl']:.2f}** nats"
    status = (f"{icon} {note} {title}: test reconstruction MSE **{s['test_recon_mse']:.4f}** (mean-image "
              f"baseline {s['baseline_mse']:.4f}){kl}, latent kNN accuracy **{s['latent_knn_accuracy']:.3f}**; "
              f"{s['epochs_run']} epochs in {s['seconds']:.1f} s.")
    files = [str(p) for p in run.save(new_run_dir("vae")).values()]
    scatter = plots.latent_scatter(latent.points, latent.labels, run.data.classes, latent.projected)
    yield [status, plots.vae_curves(steps, run.history, run.model.variational), picture, scatter,
           run.manifold(), run.sample(seed=0), files, run, (rows or []) + [run_row(run)]]


def stop(request: gr.Request):
    sessions.stop(request, "vae")


def sample(run, seed):
    try:
        return _needs_run(run).sample(seed=int(seed))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)


def interpolate(run, first, second, steps):
    try:
        return _needs_run(run).interpolate(int(first), int(second), int(steps))
    except UserError as error:
        raise gr.Error(str(error), print_exception=False)


# layout


def build():
    names = dataset_names("image")
    with gr.Row():
        with gr.Column(scale=4, min_width=320):
            dataset = gr.Dropdown(names, value="digits", label="Dataset",
                                  info="Image data: digits are upscaled to 28x28, shapes shrunk to 32x32 colour.")
            preset = gr.Radio([(f"{name}: {PRESET_HELP[name]}", name) for name in PRESETS], value="vae",
                              label="Preset", info="Fills in the settings below; change any of them after.")
            with gr.Accordion("Settings", open=True):
                controls = list(make_controls(VAEConfig).values())
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            status = gr.Markdown("A VAE squeezes each image into a small code and rebuilds it; the KL term keeps "
                                 "the codes close to N(0, I) so that any point decodes to something. Press **Train**.")
            curves = gr.Plot(label="Loss curves")
            with gr.Row():
                reconstructions = gr.Image(label="Test images (top) and their reconstructions (bottom)",
                                           format="png", interactive=False, height=160)
            latent = gr.Plot(label="Latent space")
            with gr.Row():
                manifold = gr.Image(label="Decoded latent grid (the manifold)", format="png", interactive=False)
                samples = gr.Image(label="Random samples", format="png", interactive=False)
            with gr.Row():
                seed = gr.Number(0, precision=0, label="Sample seed", info="Each seed draws different codes.",
                                 minimum=0, maximum=2**31 - 1)
                sample_button = gr.Button("Sample")
            with gr.Row():
                first = gr.Number(0, precision=0, label="First test image", minimum=0,
                                  info="Number of a test image (0 to the test set's size - 1).")
                second = gr.Number(1, precision=0, label="Second test image", minimum=0,
                                   info="The walk ends at this test image.")
                steps = gr.Slider(2, 32, value=10, step=1, label="Steps", info="Decoded images between the two.")
                interpolate_button = gr.Button("Interpolate")
            walk = gr.Image(label="First image, the decoded walk between the codes, second image", format="png",
                            interactive=False, height=120, elem_id="vae-walk")
            downloads = gr.File(label="Downloads: weights (safetensors), config (JSON), history (CSV), PNGs",
                                file_count="multiple", interactive=False)
            runs = gr.Dataframe(headers=RUN_COLUMNS, label="Runs in this visit (compare a VAE and an autoencoder)",
                                interactive=False)
    run_state, rows_state = gr.State(), gr.State([])

    preset.change(on_preset, preset, controls, api_visibility="private")
    train_event = train_button.click(
        train, [dataset, preset, *controls, rows_state],
        [status, curves, reconstructions, latent, manifold, samples, downloads, run_state, rows_state],
        api_name="train_vae", concurrency_limit=None)  # admission is jobs.limited's (stream)
    train_event.then(lambda rows: rows, rows_state, runs, api_visibility="private")
    stop_button.click(stop, None, None, api_name="stop_vae", cancels=[train_event], queue=False)
    sample_button.click(sample, [run_state, seed], samples, api_name="sample_vae")
    interpolate_button.click(interpolate, [run_state, first, second, steps], walk, api_name="interpolate_vae")
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets("image"), [dataset], [dataset], "select")]
