"""The arguments the app's API endpoints take, built from the same defaults the UI shows."""


def train_inputs(dataset: str = "moons", model: str = "mlp", **settings) -> dict:
    """/train's keyword arguments: the dataset, the architecture and the settings to change (the rest stay at
    the page's defaults)."""
    return {"dataset": dataset, "model": model, **settings}

