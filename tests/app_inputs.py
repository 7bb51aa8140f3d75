"""The argument lists the app's API endpoints take, built from the same defaults the UI shows."""

from playground import config as cfg


def train_inputs(dataset: str = "moons", model: str = "mlp", **train_settings) -> list:
    """/train's inputs: dataset, noise, architecture, then every control at its default except `train_settings`."""
    from playground.ui.train_tab import TRAIN_FIELDS, default_values

    values = default_values()
    offset = len(values) - len(TRAIN_FIELDS)
    for name, value in train_settings.items():
        values[offset + TRAIN_FIELDS.index(name)] = value
    return [dataset, 0.2, model, *values]


def config_values(config_class, **overrides) -> list:
    """A config's fields in order, at their defaults except `overrides` (/train_gan and /train_vae take these)."""
    return [overrides.get(f.name, f.default) for f in cfg.fields(config_class)]
