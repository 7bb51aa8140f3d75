"""The arguments the app's API endpoints take, built from the same defaults the UI shows."""

from playground import config as cfg


def train_inputs(dataset: str = "moons", model: str = "mlp", **settings) -> dict:
    """/train's keyword arguments: the dataset, the architecture and the settings to change (the rest stay at
    the page's defaults)."""
    return {"dataset": dataset, "model": model, **settings}


def config_values(config_class, **overrides) -> list:
    """A config's fields in order, at their defaults except `overrides` (/train_gan and /train_vae take these)."""
    return [overrides.get(f.name, f.default) for f in cfg.fields(config_class)]
