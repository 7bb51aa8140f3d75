"""What the trainer picks to make a step cheaper: the fused optimizer step, and `auto` training precision by
workload (a faked /proc/cpuinfo says whether bf16 is native). Speed itself is measured in
benchmarks/bench_training.py, never here; these check that the choices are made and change no result."""

import pytest
import torch
from torch import nn

from playground.precision import training_choice
from playground.training.config import TrainConfig
from playground.training.run import Run
from playground.training.trainer import make_optimizer

X86_BF16 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni avx512_bf16\n"
X86_PLAIN = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_vnni\n"


def small_cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding="same"), nn.ReLU(), nn.Flatten(), nn.LazyLinear(3))


@pytest.mark.parametrize("shape, flags, picked", [
    ((3, 64, 64), X86_BF16, "bfloat16"),  # shapes: bf16 autocast 1.87x a float32 step here
    ((1, 16, 16), X86_BF16, "bfloat16"),
    ((1, 8, 8), X86_BF16, "float32"),  # digits: 0.90x, the casts cost more than the products save
    ((3, 64, 64), X86_PLAIN, "float32"),  # no native bf16
])
def test_auto_training_precision_is_bf16_only_for_convolutions_on_big_enough_images_where_native(
        tmp_path, shape, flags, picked):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(flags)
    choice = training_choice("auto", small_cnn(), torch.device("cpu"), input_shape=shape, cpuinfo=cpuinfo)
    assert choice.name == picked and choice.asked == "auto"
    if shape == (1, 8, 8):
        assert "16x16" in choice.reason
    mlp = nn.Sequential(nn.Linear(4, 3))
    assert training_choice("auto", mlp, torch.device("cpu"), input_shape=(4,), cpuinfo=cpuinfo).name == "float32"
    assert training_choice("bfloat16", small_cnn(), torch.device("cpu"), input_shape=(1, 8, 8)).name == "bfloat16"


def test_a_run_on_digits_trains_in_float32_channels_last_under_auto():
    run = Run("cnn", "digits", train_settings={"epochs": 1})
    list(run.events())
    assert run.trainer.precision.name == "float32" and run.trainer.memory_format == torch.channels_last
    assert run.summary["status"] == "finished" and run.summary["test_accuracy"] > 0.5


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "adagrad", "rmsprop"])
def test_the_optimizer_steps_fused_where_torch_has_the_kernel_and_moves_weights_as_the_default_step(name):
    """Ten steps of ours against torch's default (per-tensor) step from the same weights and gradients."""
    config = TrainConfig(optimizer=name, lr=0.05, weight_decay=0.01)
    torch.manual_seed(0)
    ours = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    reference = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    reference.load_state_dict(ours.state_dict())
    start = [p.detach().clone() for p in ours.parameters()]
    optimizer = make_optimizer(ours, config)
    classes = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
               "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop}
    extra = {"momentum": config.momentum} if name == "sgd" else {}
    plain = classes[name](reference.parameters(), lr=0.05, weight_decay=0.01, foreach=False, **extra)
    assert bool(optimizer.param_groups[0].get("fused")) is (name != "rmsprop")
    x, y = torch.randn(64, 6), torch.randint(0, 3, (64,))
    for _ in range(10):
        for model, opt in ((ours, optimizer), (reference, plain)):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    for mine, theirs, before in zip(ours.parameters(), reference.parameters(), start):
        assert (mine - before).abs().max() > 1e-3  # the steps moved it
        torch.testing.assert_close(mine, theirs, rtol=1e-5, atol=1e-6)
