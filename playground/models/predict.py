"""Inference with a trained network: raw outputs and class probabilities on a whole tensor, in batches.

Beside the models (not in the training loop) because plots, the GAN's judge and
the held-out metrics all ask a network for predictions, and none of them train.
The model is put in eval mode for the call (dropout off, batch norm on its
running statistics) and back in the mode it was in after.
"""

import torch
from torch import nn


@torch.no_grad()
def predict_outputs(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """The raw network outputs in eval mode, in batches."""
    was_training = model.training
    model.eval()
    out = torch.cat([model(x[i:i + batch_size]).float() for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """Class probabilities (softmax of the outputs) in eval mode, in batches."""
    return torch.softmax(predict_outputs(model, x, batch_size), dim=1)
