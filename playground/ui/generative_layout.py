"""The pieces of layout the GAN and VAE tabs share: the settings column and the Train / Stop row.

Why one builder: both tabs train on the same image datasets from a preset
plus its settings, and both have a Train and a Stop button above their live
view. Built once here, the two tabs can't drift apart in their words (every
label is a catalogue key, so both speak the visitor's language) or layout.
"""

import gradio as gr

from playground import i18n
from playground.data import dataset_names  # not generative.images: that one imports torch
from playground.ui.controls import make_controls


def settings_column(tab: str, config_class, presets: dict, default: str) -> tuple[dict, dict]:
    """The left column: dataset, preset (each one's words are `<tab>.preset.<name>`) and its settings.
    Returns (controls: dataset and preset, settings: config field -> component)."""
    controls = {}
    with gr.Column(scale=4, min_width=320):
        controls["dataset"] = gr.Dropdown(dataset_names("image"), value="digits",
                                          label=i18n.ui("generative.dataset.label"),
                                          info=i18n.ui("generative.dataset.info"))
        controls["preset"] = gr.Radio([(i18n.ui(f"{tab}.preset.{name}"), name) for name in presets],
                                      value=default, label=i18n.ui("generative.preset.label"),
                                      info=i18n.ui("generative.preset.info"))
        with gr.Accordion(i18n.ui("generative.settings.label"), open=True):
            settings = make_controls(config_class, values=presets[default])
    return controls, settings


def train_stop_row() -> tuple[gr.Button, gr.Button]:
    with gr.Row():
        train = gr.Button(i18n.ui("generative.train.button"), variant="primary", scale=3)
        stop = gr.Button(i18n.ui("generative.stop.button"), variant="stop", scale=1)
    return train, stop


def walk_row(tab: str, ends: tuple[str, str], starts: tuple[int, int], elem_id: str) -> tuple[dict, gr.Image]:
    """A walk between two ends (two seeds, two test images): their boxes, the Steps slider, the Interpolate button
    and the picture of the walk. Returns ({end names and "steps": component, "button": the button}, the picture);
    each end's words are `<tab>.<end>.label|info`."""
    with gr.Row():
        walking = {end: gr.Number(start, precision=0, label=i18n.ui(f"{tab}.{end}.label"), minimum=0,
                                  info=i18n.ui(f"{tab}.{end}.info")) for end, start in zip(ends, starts)}
        walking["steps"] = gr.Slider(2, 32, value=10, step=1, label=i18n.ui(f"{tab}.steps.label"),
                                     info=i18n.ui(f"{tab}.steps.info"))
        walking["button"] = gr.Button(i18n.ui(f"{tab}.interpolate.button"))
    walk = gr.Image(label=i18n.ui(f"{tab}.walk.label"), format="png", interactive=False, height=120, elem_id=elem_id)
    return walking, walk


def replay_slider(tab: str, elem_id: str) -> gr.Slider:
    """The replay slider: hidden until the first epoch is recorded; its maximum grows (the handler clamps)."""
    slider = gr.Slider(0, 1, value=0, step=1, label=i18n.ui("generative.replay.label"), visible=False,
                       elem_id=elem_id, info=i18n.ui(f"{tab}.replay.info"))
    slider.preprocess = lambda payload: payload
    return slider
