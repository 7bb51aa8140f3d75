"""The Transformer: shapes, attention that is the attention used, refusals, and what it learns on `pointer`."""

import re

import pytest
import torch

from playground import config as cfg
from playground.data import get_dataset, load_dataset
from playground.errors import UserError
from playground.export import sources
from playground.export.script import HEADER
from playground.inspect.attention import attention_maps, heads_looking_at, summary_rows, token_labels
from playground.models.configs import TransformerConfig
from playground.models.registry import build_model
from playground.models.transformer import Transformer
from playground.sweep.space import hidden_field
from playground.training.run import Run


def make(input_shape, num_classes=3, **settings):
    torch.manual_seed(0)
    return Transformer(input_shape=input_shape, num_classes=num_classes,
                       config=cfg.build(TransformerConfig, settings)).eval()


@pytest.mark.parametrize("settings", [{}, {"readout": "mean"}, {"positions": "sinusoidal", "norm": "post"},
                                      {"layers": 3, "heads": 2, "dim": 16, "ff_dim": 8, "dropout": 0.2}])
def test_sequence_shapes_and_attention_rows_sum_to_one(settings):
    model = make((7, 5), **settings)
    logits, maps = model.forward_with_attention(torch.randn(4, 7, 5))
    tokens = 7 + (settings.get("readout", "cls") == "cls")
    assert logits.shape == (4, 3)
    assert len(maps) == settings.get("layers", 2)
    assert all(m.shape == (4, settings.get("heads", 4), tokens, tokens) for m in maps)
    assert torch.allclose(maps[0].sum(-1), torch.ones(4, settings.get("heads", 4), tokens))


@pytest.mark.parametrize("shape,patch,tokens", [((1, 8, 8), 0, 16), ((3, 64, 64), 0, 16), ((3, 12, 12), 4, 9),
                                                ((1, 8, 8), 1, 64)])
def test_images_become_patches(shape, patch, tokens):
    model = make(shape, patch_size=patch, readout="mean")
    logits, maps = model.forward_with_attention(torch.rand(2, *shape))
    assert logits.shape == (2, 3) and maps[-1].shape[-1] == tokens


def test_patches_are_read_left_to_right_then_down():
    image = torch.arange(16.0).reshape(1, 1, 4, 4)
    patches = make((1, 4, 4), patch_size=2).tokens(image)
    assert patches[0, 1].tolist() == [2.0, 3.0, 6.0, 7.0]  # second patch: top right
    assert patches[0, 2].tolist() == [8.0, 9.0, 12.0, 13.0]


def test_returned_attention_equals_a_recomputation_from_queries_and_keys():
    model = make((6, 4), heads=2, dim=8)
    x = torch.randn(3, 6, 4)
    seen = {}
    model.layers[1].attention.register_forward_hook(lambda mod, args, out: seen.update(input=args[0]))
    _, maps = model.forward_with_attention(x)
    attention = model.layers[1].attention
    q, k, _ = attention.to_qkv(seen["input"]).chunk(3, -1)
    q, k = (t.reshape(3, 7, 2, 4).transpose(1, 2) for t in (q, k))
    expected = torch.softmax(q @ k.transpose(-1, -2) / 2.0, dim=-1)  # sqrt(head size 4) = 2
    assert torch.allclose(maps[1], expected, atol=1e-6)


@pytest.mark.parametrize("layer,head", [(0, 0), (1, 2)])
def test_switching_a_head_off_equals_cutting_its_columns_out_of_the_output_projection(layer, head):
    model = make((6, 4), heads=4, dim=16)
    x = torch.randn(5, 6, 4)
    masks = [torch.ones(4) for _ in model.layers]
    masks[layer][head] = 0.0
    ablated, _ = model.forward_with_attention(x, head_masks=masks)
    assert not torch.allclose(ablated, model(x), atol=1e-4)  # the head mattered
    with torch.no_grad():
        model.layers[layer].attention.to_out.weight[:, head * 4:(head + 1) * 4] = 0.0
    assert torch.allclose(ablated, model(x), atol=1e-6)


@pytest.mark.parametrize("settings,input_shape,message", [
    ({"heads": 3, "dim": 64}, (8, 8), "3 heads don't divide the model width 64"),
    ({"patch_size": 3}, (1, 8, 8), "Patch size 3 doesn't divide these 8x8 images"),
    ({"max_positions": 8}, (8, 8), "8 steps plus \\[CLS\\], more than the positional table's 8 rows"),
    ({"max_positions": 8, "patch_size": 1}, (1, 8, 8), "64 patches.*or use larger patches"),
])
def test_bad_settings_get_one_sentence(settings, input_shape, message):
    with pytest.raises(UserError, match=message) as error:
        make(input_shape, **settings)
    assert str(error.value).count(". ") == 0 and "\n" not in str(error.value)


def test_cli_refuses_heads_that_do_not_divide_the_width(cli):
    result = cli("train", "--model", "transformer", "--dataset", "digits_rows", "--heads", "5", "--epochs", "1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].endswith(
        "5 heads don't divide the model width 64: each head gets an equal slice, so pick a width that is a "
        "multiple of 5.")


def test_token_labels_name_the_token_each_step_holds():
    splits = load_dataset("pointer")
    model = build_model("transformer", splits)
    labels = token_labels(model, splits.x_test[0])
    digits = splits.x_test[0].argmax(1).tolist()
    assert labels == ["[CLS]", *[f"{t}: {d}" for t, d in enumerate(digits)]]
    assert token_labels(build_model("transformer", load_dataset("waves")), torch.zeros(50, 1))[1] == "step 0"


def test_export_copies_the_model_without_the_playground():
    code = sources.collect([TransformerConfig, Transformer])
    assert not re.search(r"^\s*(import|from) playground", code, re.MULTILINE)
    space: dict = {}
    exec(HEADER.format(title="t", script="s.py") + code, space)
    model = space["Transformer"](input_shape=(1, 8, 8), num_classes=10, config=space["TransformerConfig"]())
    assert model(torch.rand(2, 1, 8, 8)).shape == (2, 10)


def test_sweeps_vary_the_model_width():
    assert hidden_field("transformer") == "dim"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trained_on_pointer_a_last_layer_head_of_cls_looks_at_the_pointed_step(seed):
    """The issue's check, as written: with the settings the `pointer` dataset suggests (sinusoidal positions,
    lr 0.002, 10 epochs), on held-out sequences at least one head of the last layer puts the largest share of
    [CLS]'s attention on the pointed step, for most of them (measured: 0.98-1.00 of them, 9 seeds of 9;
    benchmarks/measure_pointer_route.py). The run must have learnt the task first (chance is 0.10): on an AMD
    EPYC with one thread seed 2's last epoch dips from 0.99 to 0.91 held-out accuracy, its heads still on the
    pointed step for 0.98 of the sequences (a cosine schedule removes the dip but slows learned positions to
    0.29-1.00 in 10 epochs, so the suggestion stays as it is). With learned positions the pointer step itself looks there in layer 1
    instead and [CLS] reads it in layer 2 (0 seeds of 10 take the last-layer route): the dataset's description
    says so."""
    suggested = get_dataset("pointer").suggested
    assert suggested["model"] == "transformer"
    run = Run("transformer", "pointer", model_settings=suggested["model_settings"],
              train_settings={**suggested["train_settings"], "seed": seed})
    list(run.events())
    assert run.summary["test_accuracy"] >= 0.9
    x = run.splits.x_test
    pointed = x[:, 0].argmax(1) + 1  # the token index of the pointed step, [CLS] being token 0
    assert heads_looking_at(run.model, x, pointed, layer=-1, query=0).float().mean() >= 0.8
    result = attention_maps(run.model, x[0])
    assert summary_rows(result).shape == (2, 4, 9)


def test_a_runs_generators_draw_the_weights_and_the_dropout():
    """playground.randomness: `initialise` from a seed equals seeding torch and building; dropout is attachable."""
    from playground import randomness

    settings = {"dropout": 0.3, "positions": "learned"}
    built = make((8, 5), **settings)
    redrawn = randomness.initialise(make((8, 5), **settings), randomness.seeded(0))
    for (name, a), (_, b) in zip(built.state_dict().items(), redrawn.state_dict().items()):
        assert torch.equal(a, b), name
    model = randomness.attach(redrawn.train(), randomness.seeded(1))
    x = torch.randn(2, 8, 5)
    first = model(x)
    randomness.attach(model, randomness.seeded(1))
    assert torch.equal(first, model(x)) and not torch.equal(first, model(x))


def test_torchrun_two_processes_match_one():
    """DDP over two CPU processes (gloo) lands where one process does with the same global batch."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    args = ["-m", "playground", "train", "--model", "transformer", "--dataset", "pointer", "--epochs", "1",
            "--dim", "16", "--ff-dim", "32", "--heads", "2", "--batch-size", "64", "--lr", "0.003", "--json"]
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}

    def summary(command):
        result = subprocess.run([*command, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    together = summary([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2",
                        "--master_port=29547"])
    single = summary([sys.executable])
    assert abs(together["test_loss"] - single["test_loss"]) < 1e-4
    assert together["test_accuracy"] == single["test_accuracy"]


def test_trained_on_count_a_last_layer_head_spreads_cls_attention_over_the_matching_steps():
    """The suggested settings (lr 0.001, 20 epochs); on held-out sequences with at least one match, the best
    last-layer head gives the steps holding step 0's digit most of [CLS]'s attention, far above the share an
    even spread would give them (measured: 0.89 against 0.37)."""
    run = Run("transformer", "count", train_settings={"lr": 0.001, "epochs": 20})
    list(run.events())
    assert run.summary["test_accuracy"] >= 0.9
    x = run.splits.x_test
    digits = x.argmax(-1)
    matching = torch.cat([torch.zeros(len(x), 2, dtype=torch.bool), digits[:, 1:] == digits[:, :1]], dim=1)
    some = matching.any(dim=1)  # token indices: [CLS], step 0, then the steps that may match
    with torch.no_grad():
        result_maps = run.model.eval().forward_with_attention(x)[1]
    share = (result_maps[-1][:, :, 0] * matching[:, None]).sum(-1)[some].mean(0)  # per head
    even = (matching.sum(1) / matching.shape[1])[some].mean()
    assert share.max() >= 0.7 and share.max() >= even + 0.3, (share, even)


def test_the_train_tab_draws_attention_live_and_after_the_run():
    from playground.ui import train_inside

    run = Run("transformer", "digits", model_settings={"dim": 16, "ff_dim": 16, "heads": 2},
              train_settings={"epochs": 1})
    list(run.events())
    drawn = train_inside.draw_live(run, train_inside.live_state(run))
    assert "patches of 2×2 pixels" in drawn["inside"].layout.title.text
    assert [b.label for b in drawn["inside"].layout.updatemenus[0].buttons][-1] == "layer 2 · head 2"
    after = train_inside.look_inside(run, 5)
    assert after.layout.title.text.startswith("Test image 5 (class ")
