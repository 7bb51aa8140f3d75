"""Per-layer histograms of the weights and of their last gradients, for watching training from inside.

After an optimizer step the gradients of the last batch are still on the
parameters (the trainer clears them only before the next backward pass), so
calling this at the end of an epoch shows the gradient the last step used.
Only weight matrices and filters are shown; biases and norms are left out.
"""

import numpy as np
from torch import nn

BINS = 30


def _histogram(values: np.ndarray) -> dict:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"counts": [], "edges": []}
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1e-3, high + 1e-3
    counts, edges = np.histogram(values, bins=BINS, range=(low, high))
    return {"counts": counts.tolist(), "edges": edges.tolist(), "mean": float(values.mean()),
            "std": float(values.std())}


def weight_histograms(model: nn.Module) -> list[dict]:
    """[{'layer': parameter name, 'shape', 'weights': {counts, edges, mean, std}, 'gradients': same or None}]."""
    rows = []
    for name, parameter in model.named_parameters():
        if parameter.dim() < 2 or not parameter.requires_grad:
            continue
        gradient = parameter.grad
        rows.append({"layer": name.removesuffix(".weight"), "shape": list(parameter.shape),
                     "weights": _histogram(parameter.detach().float().cpu().numpy().ravel()),
                     "gradients": None if gradient is None else _histogram(gradient.float().cpu().numpy().ravel())})
    return rows
