"""What each hidden neuron of an MLP on 2-D data responds to: its activation over a grid of the plane.

This is the TensorFlow Playground view: every neuron draws its own little
decision map, and the output layer combines them. Activations are read with
forward hooks on the activation modules, so batch norm and dropout (off in
eval mode) are accounted for exactly as the network computes them.
"""

import numpy as np
import torch
from torch import nn

ACTIVATION_TYPES = (nn.ReLU, nn.Tanh, nn.Sigmoid, nn.GELU)


def plane_grid(splits, resolution: int = 40) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """The grid the decision boundary uses: the data's range plus a margin; returns xs, ys and the (R*R, 2) points."""
    points = torch.cat([splits.x_train, splits.x_test])
    low, high = points.min(0).values - 0.5, points.max(0).values + 0.5
    xs, ys = torch.linspace(low[0], high[0], resolution), torch.linspace(low[1], high[1], resolution)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), dim=-1).reshape(-1, 2)
    return xs.numpy(), ys.numpy(), grid


@torch.no_grad()
def hidden_neuron_maps(model: nn.Module, splits, resolution: int = 40) -> dict:
    """{'xs', 'ys', 'layers': [(R, R, neurons) arrays, one per hidden layer], 'output': (R, R, outputs)}.

    Row r, column c of a map is the neuron's activation at (xs[c], ys[r]).
    """
    if splits.input_shape != (2,):
        raise ValueError("hidden neuron maps need 2-D tabular data")
    xs, ys, grid = plane_grid(splits, resolution)
    captured: list[torch.Tensor] = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: captured.append(out.detach().float().cpu()))
             for m in model.modules() if isinstance(m, ACTIVATION_TYPES)]
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        output = model(grid.to(device)).float().cpu()
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    shape = (resolution, resolution, -1)
    return {"xs": xs, "ys": ys, "layers": [a.reshape(shape).numpy() for a in captured],
            "output": output.reshape(shape).numpy()}
