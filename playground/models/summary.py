"""A layer table and parameter count, shown before training."""

import torch
from torch import nn


def layer_table(model: nn.Module, input_shape: tuple) -> list[dict]:
    """One row per leaf layer: name, type, output shape and parameter count (from a dummy forward pass)."""
    rows: list[dict] = []
    hooks = []
    for name, module in model.named_modules():
        if list(module.children()):
            continue
        def record(mod, _inputs, output, name=name):
            out = output[0] if isinstance(output, tuple) else output
            rows.append({"layer": name, "type": type(mod).__name__, "output shape": str(tuple(out.shape[1:])),
                         "parameters": sum(p.numel() for p in mod.parameters())})
        hooks.append(module.register_forward_hook(record))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros((2, *input_shape), device=next(model.parameters()).device))
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    return rows


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
