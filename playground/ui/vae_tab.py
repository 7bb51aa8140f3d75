"""The VAE tab: train a VAE or a plain autoencoder and watch its latent space organise itself.

Live: loss curves (total, reconstruction, KL), originals above reconstructions,
and the test set in latent space coloured by class. The replay slider shows the
latent map and the reconstructions as they were at any recorded epoch, while
it trains and after. After training: the decoded latent grid (manifold),
random samples, a walk between two test images, downloads, and a table of this
visit's runs so a VAE and an autoencoder can be compared side by side.

Training is a live job on the engine (ui/engine/): the worker trains and
encodes the test set at the end of each epoch; the handler draws what it
published. Handlers take named parameters and speak output names, so
`/train_vae` is callable by keyword with the rest at the page's defaults, e.g.
`client.predict(preset="autoencoder", epochs=3, api_name="/train_vae")`.
"""

import gradio as gr

from playground import i18n, limits
from playground.config import whole_number
from playground.errors import UserError
from playground.generative.vae_config import PRESETS, VAEConfig
from playground.ui import data_upload, engine, generative_layout, vae_live
from playground.ui.vae_live import KIND
from playground.ui.presets import preset_settings, settings_for

DEFAULT_PRESET = "vae"


# helpers


def needs_run(run):
    if run is None or not run.summary:
        raise UserError(i18n.t("vae.error.untrained"))
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
    job, recorded, record = engine.replayed(request, KIND, epoch or 1, i18n.t("vae.error.nothing_to_replay"))
    view, run = job.view(), job.subject
    return {"status": i18n.t("vae.status.replay", title=vae_live.title_of(run), epoch=recorded,
                             epochs=run.config.epochs),
            "latent": vae_live.latent_plot(run, record), "reconstructions": record["reconstructions"],
            "curves": vae_live.curves_of(run, view.get("steps", []), view.get("history", []), upto=recorded)}


def sample(run, seed=0):
    return {"samples": needs_run(run).sample(seed=whole_number(seed, i18n.t("vae.seed.label"), low=0, high=2**31 - 1))}


def interpolate(run, first=0, second=1, steps=10):
    first, second = (whole_number(index, what, low=0, high=2**31 - 1)
                     for index, what in ((first, i18n.t("vae.first.label")), (second, i18n.t("vae.second.label"))))
    return {"walk": needs_run(run).interpolate(first, second, int(steps))}


# layout


def build():
    views = {}  # name -> component: what handlers update (controls: the inputs = API parameters)
    with gr.Row():
        controls, settings = generative_layout.settings_column("vae", VAEConfig, PRESETS, DEFAULT_PRESET)
        with gr.Column(scale=7):
            train_button, stop_button = generative_layout.train_stop_row()
            views["status"] = gr.Markdown(i18n.ui("vae.status.intro"), elem_id="vae-status")
            views["curves"] = gr.Plot(label=i18n.ui("vae.curves.label"))
            with gr.Row():
                views["reconstructions"] = gr.Image(label=i18n.ui("vae.reconstructions.label"), format="png",
                                                    interactive=False, height=160)
            views["latent"] = gr.Plot(label=i18n.ui("vae.latent.label"), elem_id="vae-latent")
            views["replay"] = generative_layout.replay_slider("vae", "vae-replay")
            with gr.Row():
                views["manifold"] = gr.Image(label=i18n.ui("vae.manifold.label"), format="png", interactive=False)
                views["samples"] = gr.Image(label=i18n.ui("vae.samples.label"), format="png", interactive=False)
            with gr.Row():
                seed = gr.Number(0, precision=0, label=i18n.ui("vae.seed.label"), info=i18n.ui("vae.seed.info"),
                                 minimum=0, maximum=2**31 - 1)
                sample_button = gr.Button(i18n.ui("vae.sample.button"))
            walking, views["walk"] = generative_layout.walk_row("vae", ("first", "second"), (0, 1), "vae-walk")
            interpolate_button = walking.pop("button")
            views["downloads"] = gr.File(label=i18n.ui("vae.downloads.label"), file_count="multiple",
                                         interactive=False)
            views["runs"] = gr.Dataframe(headers=vae_live.comparison_headers("en"), interactive=False,
                                         label=i18n.ui("vae.runs.label"), elem_id="vae-runs")
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
    # offer the datasets this visitor uploaded in the Train tab; the empty table's headers in the visitor's words
    return [(data_upload.refresh_datasets("image"), [controls["dataset"]], [controls["dataset"]], "select"),
            (engine.named({"runs": views["runs"]})(empty_runs), [], [views["runs"]])]


def empty_runs():
    """Page-load hook: the runs table before the first run, its headers in the visitor's language (the page was
    built with English ones: a Dataframe's headers are not translated in the browser)."""
    return {"runs": {"headers": vae_live.comparison_headers(), "data": []}}
