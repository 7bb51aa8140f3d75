"""The Text tab's attention: a tiny GPT-2's own weights over a text, causal, and the model left as it was."""

import pytest
import torch

from playground.errors import UserError
from playground.text.attention import readable, text_attention
from playground.text.loading import load_model
from playground.ui.text_attention import draw, first_sequence
from tiny_gpt2 import build_tiny_gpt2


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    # float32: these tests recompute the attention exactly; `auto` is bfloat16 on a CPU with native bf16
    return load_model(str(build_tiny_gpt2(tmp_path_factory.mktemp("tiny_gpt2"))), "cpu", "float32")


def test_attention_is_causal_rows_sum_to_one_and_the_model_keeps_its_kernel(loaded):
    before = loaded.model.config._attn_implementation
    maps = text_attention(loaded, "the quick brown fox jumps over the lazy dog.")
    assert loaded.model.config._attn_implementation == before
    tokens = len(maps["labels"])
    assert len(maps["layers"]) == 2 and all(m.shape == (2, tokens, tokens) for m in maps["layers"])
    for layer in maps["layers"]:
        assert torch.allclose(layer.sum(-1), torch.ones(2, tokens), atol=1e-5)
        assert torch.triu(layer, diagonal=1).abs().max() == 0  # no token looks ahead
    assert "".join(maps["labels"]) == "the quick brown fox jumps over the lazy dog."


def test_the_weights_are_the_ones_gpt2_multiplies_its_values_with(loaded):
    """Recompute layer 1's output from the returned weights and the layer's own values and projection."""
    model = loaded.model
    ids = loaded.tokenizer("a cat sat on the mat", return_tensors="pt")["input_ids"]
    maps = text_attention(loaded, "a cat sat on the mat")
    seen = {}
    block = model.transformer.h[0]
    hook = block.attn.register_forward_hook(lambda mod, args, out: seen.update(out=out[0]))
    pre = block.ln_1.register_forward_hook(lambda mod, args, out: seen.update(hidden=out))
    with torch.no_grad():
        model(ids)
    hook.remove(), pre.remove()
    _, _, value = block.attn.c_attn(seen["hidden"]).split(model.config.n_embd, dim=2)
    value = value.reshape(1, ids.shape[1], 2, -1).transpose(1, 2)  # (1, heads, tokens, head size)
    mixed = (maps["layers"][0][None] @ value).transpose(1, 2).reshape(1, ids.shape[1], -1)
    assert torch.allclose(block.attn.c_proj(mixed), seen["out"], atol=1e-5)


def test_long_texts_keep_their_last_tokens_and_empty_text_is_refused(loaded):
    maps = text_attention(loaded, "the dog ran off. " * 20, max_tokens=16)
    assert len(maps["labels"]) == 16 and maps["dropped"] > 0
    with pytest.raises(UserError, match="Generate some text first"):
        text_attention(loaded, "  ")


def test_the_figure_picks_heads_and_labels_tokens_readably(loaded):
    maps = text_attention(loaded, "we will walk")
    fig = draw(maps, 2)
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["head 1", "head 2"]
    assert fig.data[0].x[0] == readable(maps["labels"])[0] and "·" in "".join(fig.data[0].x)
    assert "Layer 2 of 2" in fig.layout.title.text
    assert first_sequence("── sequence 1 ──\nab\n\n── sequence 2 ──\ncd") == "ab"
