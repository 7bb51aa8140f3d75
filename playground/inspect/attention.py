"""Inside a Transformer: the attention maps of every layer and head for one input, with labels for its tokens.

The maps come from the model's own `forward_with_attention`, so they are the
softmax weights the layers multiplied their values with, not a re-computation
that could drift from them. Token labels say what each token is: "[CLS]", the
step number and the one-hot token it holds ("3: 7" is step 3 holding a 7),
"step 3" for real-valued steps, or a patch's row and column for an image.
"""

import torch
from torch import nn


def has_attention(model: nn.Module) -> bool:
    return callable(getattr(model, "forward_with_attention", None))


def token_labels(model: nn.Module, example: torch.Tensor) -> list[str]:
    """A short readable name for every token the model sees, [CLS] first when it has one."""
    if getattr(model, "patch_size", None):
        rows, cols = model.grid
        labels = [f"patch {r + 1},{c + 1}" for r in range(rows) for c in range(cols)]
    else:
        steps = example.reshape(example.shape[0], -1)
        one_hot = bool(((steps == 0) | (steps == 1)).all() and (steps.sum(dim=1) == 1).all())
        labels = [f"{t}: {int(row.argmax())}" if one_hot else f"step {t}" for t, row in enumerate(steps)]
    return (["[CLS]"] if getattr(model, "cls", None) is not None else []) + labels


@torch.no_grad()
def attention_maps(model: nn.Module, example: torch.Tensor) -> dict:
    """For one input (no batch axis): {'layers': [(heads, tokens, tokens) tensor per layer], 'labels',
    'named': how the labels read, 'probabilities': (classes,), 'has_cls': bool}. Row q of a map is where token q looked; rows sum to 1."""
    was_training = model.training
    model.eval()  # dropout off: the maps of the model as it predicts
    try:
        device = next(model.parameters()).device
        logits, maps = model.forward_with_attention(example.to(device).float()[None])
    finally:
        model.train(was_training)
    labels = token_labels(model, example.cpu())
    named = "patch row,column" if getattr(model, "patch_size", None) else \
        "step: the token it holds" if ":" in labels[-1] else "time step"
    return {"layers": [layer[0].cpu() for layer in maps], "labels": labels, "named": named,
            "probabilities": torch.softmax(logits[0], dim=0).cpu(), "has_cls": model.cls is not None}


def summary_rows(result: dict) -> torch.Tensor:
    """(layers, heads, tokens): what [CLS] looked at, or without [CLS] the attention each token received
    (averaged over the tokens looking)."""
    stacked = torch.stack(result["layers"])  # (layers, heads, query, key)
    return stacked[:, :, 0] if result["has_cls"] else stacked.mean(dim=2)


def heads_looking_at(model: nn.Module, x: torch.Tensor, positions: torch.Tensor, *, layer: int,
                     query: int) -> torch.Tensor:
    """For a batch: True where at least one head of `layer` gives token `positions` (indices counting [CLS])
    the largest share of token `query`'s attention."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            _, maps = model.forward_with_attention(x)
    finally:
        model.train(was_training)
    looked_at = maps[layer][:, :, query].argmax(dim=-1)  # (batch, heads): where each head looked most
    return (looked_at == positions[:, None].to(looked_at.device)).any(dim=1).cpu()
