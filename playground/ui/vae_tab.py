"""The VAE tab: train a VAE or a plain autoencoder and watch its latent space organise itself.

Live: loss curves (total, reconstruction, KL), originals above reconstructions,
and the test set in latent space coloured by class. The replay slider shows the
latent map and the reconstructions as they were at any recorded epoch, while
it trains and after. After training: the decoded latent grid (manifold),
random samples, a walk between two test images, downloads, and a table of this
visit's runs so a VAE and an autoencoder can be compared side by side.

Training is a live job on the engine (engine.py): the worker trains and
encodes the test set at the end of each epoch; the handler draws what it
published. Handlers take named parameters and speak output names, so
`/train_vae` is callable by keyword with the rest at the page's defaults, e.g.
`client.predict(preset="autoencoder", epochs=3, api_name="/train_vae")`.
"""

import gradio as gr

from playground import limits
from playground.config import whole_number
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.errors import UserError
from playground.generative.vae_config import COMPARISON_COLUMNS, PRESETS, VAEConfig
from playground.ui import data_upload, engine, vae_live
from playground.ui.controls import make_controls
from playground.ui.vae_live import KIND
from playground.ui.presets import preset_settings, settings_for

PRESET_HELP = {"vae": "a VAE with a 2-D code you can see", "autoencoder": "the plain 784-20-10-20-784 autoencoder",
               "conv-vae": "a convolutional VAE"}
DEFAULT_PRESET = "vae"


# helpers


def needs_run(run):
    if run is None or not run.summary:
        raise UserError("Train a model first (press Train), then draw from it.")
    return run


def make_run(dataset: str, preset: str, shown_preset: str | None, settings: dict):
    from playground.generative.vae_run import VaeRun

    chosen = settings_for(PRESETS, VAEConfig, preset, shown_preset, settings)
    return VaeRun(dataset, settings=chosen, preset=preset)


# handlers


def on_preset(preset):
    values = preset_settings(PRESETS, VAEConfig, preset)
    return {**{name: gr.update(value=value) for name, value in values.items()}, "shown_preset": preset}


def train(request: gr.Request, dataset="digits", preset=DEFAULT_PRESET, shown_preset=None, rows=None, **settings):
    """Train and stream: status, curves, reconstructions, latent scatter; then manifold, samples, files."""
    run = make_run(dataset, preset, shown_preset, settings)
    limits.check_training(run.config.epochs, run.parameters)
    yield from vae_live.follow(request, run, rows)


def stop(request: gr.Request):
    engine.stop(request, KIND)


def replay(request: gr.Request, epoch: int = 1):
    """The latent map and reconstructions recorded at `epoch`, and the curves up to it; while it trains, the page
    stays at that epoch until the slider is back at its end."""
    job, recorded, record = engine.replayed(request, KIND, epoch or 1,
                                            "Train a model first: there is nothing to replay yet.")
    view, run = job.view(), job.subject
    return {"status": f"{job.title}: the latent space at epoch {recorded} of {run.config.epochs}.",
            "latent": vae_live.latent_plot(run, record), "reconstructions": record["reconstructions"],
            "curves": vae_live.curves_of(run, view.get("steps", []), view.get("history", []), upto=recorded)}


def sample(run, seed=0):
    return {"samples": needs_run(run).sample(seed=whole_number(seed, "Seed", low=0, high=2**31 - 1))}


def interpolate(run, first=0, second=1, steps=10):
    first, second = (whole_number(index, what, low=0, high=2**31 - 1)
                     for index, what in ((first, "First test image"), (second, "Second test image")))
    return {"walk": needs_run(run).interpolate(first, second, int(steps))}


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
                settings = make_controls(VAEConfig, values=PRESETS[DEFAULT_PRESET])
        with gr.Column(scale=7):
            with gr.Row():
                train_button = gr.Button("Train", variant="primary", scale=3)
                stop_button = gr.Button("Stop", variant="stop", scale=1)
            views["status"] = gr.Markdown("A VAE squeezes each image into a small code and rebuilds it; the KL term "
                                          "keeps the codes close to N(0, I) so that any point decodes to something. "
                                          "Press **Train**.", elem_id="vae-status")
            views["curves"] = gr.Plot(label="Loss curves")
            with gr.Row():
                views["reconstructions"] = gr.Image(label="Test images (top) and their reconstructions (bottom)",
                                                    format="png", interactive=False, height=160)
            views["latent"] = gr.Plot(label="Latent space", elem_id="vae-latent")
            views["replay"] = gr.Slider(0, 1, value=0, step=1, label="Replay: epoch", visible=False,
                                        elem_id="vae-replay", info="The latent space and reconstructions as they "
                                        "were at that epoch, and the curves up to it (also while it trains).")
            views["replay"].preprocess = lambda payload: payload  # its maximum grows on the page; replay() clamps
            with gr.Row():
                views["manifold"] = gr.Image(label="Decoded latent grid (the manifold)", format="png",
                                             interactive=False)
                views["samples"] = gr.Image(label="Random samples", format="png", interactive=False)
            with gr.Row():
                seed = gr.Number(0, precision=0, label="Sample seed", info="Each seed draws different codes.",
                                 minimum=0, maximum=2**31 - 1)
                sample_button = gr.Button("Sample")
            with gr.Row():
                walking = {"first": gr.Number(0, precision=0, label="First test image", minimum=0,
                                              info="Number of a test image (0 to the test set's size - 1)."),
                           "second": gr.Number(1, precision=0, label="Second test image", minimum=0,
                                               info="The walk ends at this test image."),
                           "steps": gr.Slider(2, 32, value=10, step=1, label="Steps",
                                              info="Decoded images between the two.")}
                interpolate_button = gr.Button("Interpolate")
            views["walk"] = gr.Image(label="First image, the decoded walk between the codes, second image",
                                     format="png", interactive=False, height=120, elem_id="vae-walk")
            views["downloads"] = gr.File(label="Downloads: weights (safetensors), config (JSON), history (CSV), PNGs",
                                         file_count="multiple", interactive=False)
            views["runs"] = gr.Dataframe(headers=COMPARISON_COLUMNS, interactive=False,
                                         label="Runs in this visit (compare a VAE and an autoencoder)")
    views["run"], views["rows"] = gr.State(), gr.State([])
    views["shown_preset"] = gr.State(DEFAULT_PRESET)  # the preset whose values the controls were filled with

    engine.listen(controls["preset"].change, on_preset, inputs={"preset": controls["preset"]},
                  outputs={**settings, "shown_preset": views["shown_preset"]}, api_visibility="private")
    # the API returns them in this order (the gr.States stay on the server); admission is the engine's
    outputs = {name: views[name] for name in ("status", "curves", "reconstructions", "latent", "replay", "manifold",
                                              "samples", "downloads", "runs", "run", "rows")}
    engine.listen(train_button.click, train, inputs={**controls, "shown_preset": views["shown_preset"],
                                                     "rows": views["rows"], **settings},
                  outputs=outputs, api_name="train_vae", concurrency_limit=None)
    engine.listen(stop_button.click, stop, api_name="stop_vae", queue=False)
    engine.listen(views["replay"].input, replay, inputs={"epoch": views["replay"]},
                  outputs={name: views[name] for name in ("status", "latent", "reconstructions", "curves")},
                  api_name="replay_vae", trigger_mode="always_last")
    engine.listen(sample_button.click, sample, inputs={"run": views["run"], "seed": seed},
                  outputs={"samples": views["samples"]}, api_name="sample_vae")
    engine.listen(interpolate_button.click, interpolate, inputs={"run": views["run"], **walking},
                  outputs={"walk": views["walk"]}, api_name="interpolate_vae")
    # offer the datasets this visitor uploaded in the Train tab
    return [(data_upload.refresh_datasets("image"), [controls["dataset"]], [controls["dataset"]], "select")]
