"""Preset radios over config controls (GAN, VAE): what a run trains with when a preset is picked.

On the page, picking a preset fills the controls with its values and the
visitor may change any of them after; the page records which preset it filled
in (a `gr.State`), so the controls are taken as they are. An API call fills
nothing: its controls hold the page's first preset unless it names them. So
when the preset asked for is not the one the controls show, a setting still at
the shown preset's value takes the asked preset's value instead, and
`client.predict(preset="classic", epochs=3, api_name="/train_gan")` trains the
classic recipe for 3 epochs.
"""

from playground import config as cfg


def preset_settings(presets: dict, config_class, preset: str) -> dict:
    """Every setting of `preset`: its own values over the config's defaults."""
    chosen = presets.get(preset, {})
    return {f.name: chosen.get(f.name, f.default) for f in cfg.fields(config_class)}


def settings_for(presets: dict, config_class, preset: str, shown: str | None, settings: dict) -> dict:
    """The settings to train `preset` with, given the controls' `settings` and the preset they were filled with."""
    if shown is None or shown == preset or preset not in presets or shown not in presets:
        return dict(settings)
    filled, wanted = preset_settings(presets, config_class, shown), preset_settings(presets, config_class, preset)
    return {name: wanted[name] if name in filled and value == filled[name] else value
            for name, value in settings.items()}
