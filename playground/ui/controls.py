"""Gradio controls generated from a config dataclass, so the UI shows the same bounds and tooltips as the CLI.

Labels and tooltips are the fields' catalogue keys (`config.<Class>.<field>.label`
/ `.help`), which the page shows in the visitor's language.

`make_controls(cls)` returns {field name: component}; `read_controls(cls, values)`
turns the submitted values back into a checked config (a UserError if not).
Gradio's own range checks are switched off: our validation refuses an
out-of-range value, so the page, the API and the CLI say the same sentence.
"""

import gradio as gr

from playground import config as cfg
from playground import i18n


def make_control(field, value=None):
    meta, default = field.metadata, field.default if value is None else value
    key = cfg.key_of(field)
    common = dict(label=i18n.ui(key + ".label"), info=i18n.ui(key + ".help"), value=default)
    if meta["choices"] is not None:
        return gr.Dropdown(choices=list(meta["choices"]), **common)
    if isinstance(field.default, bool):
        return gr.Checkbox(**common)
    low, high = meta["low"], meta["high"]
    if isinstance(field.default, (int, float)) and low is not None and high is not None:
        integer = isinstance(field.default, int)
        if meta["log"] or high - low > 1000:
            shown = [f"{v:,}" if isinstance(v, int) else f"{v:g}" for v in (low, high)]  # 2,147,483,647, 1e-06
            common["info"] += f" ({shown[0]} – {shown[1]})"  # a range in no language's words
            return gr.Number(precision=0 if integer else None, **common)
        step = meta["step"] or (1 if integer else (high - low) / 100)
        slider = gr.Slider(minimum=low, maximum=high, step=step, **common)
        slider.preprocess = lambda payload: payload  # the range is checked by config.validate
        return slider
    return gr.Textbox(**common)


def make_controls(config_class, *, only=None, values=None) -> dict:
    values = values or {}
    return {f.name: make_control(f, values.get(f.name)) for f in cfg.fields(config_class)
            if only is None or f.name in only}


def read_controls(config_class, names: list[str], values) -> object:
    """Build a checked config from component values given in the order of `names`."""
    return cfg.build(config_class, dict(zip(names, values)))
