"""Which earlier tokens each token looked at: a language model's attention over a text, per layer and head.

One forward pass over the text (the prompt plus what was generated) with
`output_attentions=True`. Hugging Face models only return attention weights
from their "eager" attention (the fused sdpa kernel never forms them), so the
model is switched to eager for that one pass and back, under a lock; eager
and sdpa compute the same function, so a generation running meanwhile in
another thread only runs a little slower, never differently. A causal model's
map is lower-triangular: a token sees only the tokens before it.
"""

import contextlib
import threading

from playground import i18n
from playground.errors import UserError

MAX_ATTENTION_TOKENS = 96  # the last this many tokens: a 96 x 96 map is about what a heatmap can label
_switching = threading.Lock()


@contextlib.contextmanager
def eager_attention(model):
    """The model with attention weights it can return, for the block; its own implementation afterwards."""
    with _switching:
        before = model.config._attn_implementation
        if before != "eager":
            model.set_attn_implementation("eager")
        try:
            yield model
        finally:
            if before != "eager":
                model.set_attn_implementation(before)


def text_attention(loaded, text: str, *, max_tokens: int = MAX_ATTENTION_TOKENS) -> dict:
    """{'layers': [(heads, tokens, tokens) float32 tensor per layer], 'labels': the tokens as text,
    'dropped': how many earlier tokens were left out}. Row q: where token q looked (sums to 1)."""
    import torch

    if not (text or "").strip():
        raise UserError(i18n.t("errors.attention.generate_first"))
    ids = loaded.tokenizer(text, return_tensors="pt")["input_ids"][0]
    dropped = max(0, len(ids) - max_tokens)
    ids = ids[dropped:]
    with eager_attention(loaded.model) as model, torch.no_grad():
        output = model(ids[None].to(loaded.device), output_attentions=True)
    if not output.attentions or output.attentions[0] is None:
        raise UserError(i18n.t("errors.attention.no_weights"))
    labels = [loaded.tokenizer.decode([int(i)]) for i in ids]
    return {"layers": [layer[0].float().cpu() for layer in output.attentions], "labels": labels, "dropped": dropped}


def readable(labels: list[str]) -> list[str]:
    """Token pieces as axis labels: spaces shown as '·', newlines as '⏎', each made unique by its position
    (plotly merges equal category labels)."""
    shown = [label.replace(" ", "·").replace("\n", "⏎") or "∅" for label in labels]
    return [f"{piece} ({index})" for index, piece in enumerate(shown)]
