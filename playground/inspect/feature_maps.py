"""The feature maps of every convolution of a CNN for one input image.

Each conv block's maps are read after its activation (what the next layer
actually sees), with a forward hook on the module that follows the conv in its
`nn.Sequential`; a conv with no activation after it is read as it is.
"""

import torch
from torch import nn


def conv_readouts(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(name, module to read) for every Conv2d: its activation when one follows it, else the conv itself."""
    readouts = []
    for parent_name, parent in model.named_modules():
        if not isinstance(parent, nn.Sequential):
            continue
        children = list(parent.named_children())
        for index, (name, child) in enumerate(children):
            if isinstance(child, nn.Conv2d):
                follower = children[index + 1][1] if index + 1 < len(children) else None
                read = follower if follower is not None and not list(follower.parameters()) \
                    and not isinstance(follower, (nn.MaxPool2d, nn.AvgPool2d, nn.Flatten)) else child
                readouts.append((f"{parent_name}.{name}".strip("."), read))
    return readouts


@torch.no_grad()
def feature_maps(model: nn.Module, image: torch.Tensor) -> tuple[list[dict], torch.Tensor]:
    """For a (C, H, W) image: [{'layer': name, 'maps': (channels, H', W') tensor}, ...], in network order,
    and the network's class probabilities for it."""
    captured: dict[str, torch.Tensor] = {}
    hooks = []
    for name, module in conv_readouts(model):
        def record(_module, _inputs, output, name=name):
            captured[name] = output[0].detach().float().cpu()
        hooks.append(module.register_forward_hook(record))
    was_training = model.training
    model.eval()
    try:
        device = next(model.parameters()).device
        logits = model(image[None].to(device)).float().cpu()[0]
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    layers = [{"layer": name, "maps": captured[name]} for name, _ in conv_readouts(model)]
    return layers, torch.softmax(logits, dim=0)
