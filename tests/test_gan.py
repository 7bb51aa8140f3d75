"""GAN: network shapes and ranges, the losses against their formulas, the judge, a short real run on digits,
conditional sampling, stop, saving, and the settings that are refused."""

import threading

import pytest
import torch
import torch.nn.functional as F

from playground import config as cfg
from playground.errors import UserError
from playground.generative.run import GanRun
from playground.generative.events import GanStepEvent, PictureEvent, QualityEvent
from playground.generative.gan import (build_networks, discriminator_loss, generator_loss, gradient_penalty,
                                       update_average)
from playground.generative.gan_config import PRESETS, GANConfig
from playground.generative.images import image_grid, load_images, resize
from playground.generative.run import slerp
from playground.training.events import DoneEvent

SHORT_RUN = {"epochs": 8}  # the default (conditional DCGAN) for a few epochs: ~150 generator steps


@pytest.fixture(scope="module")
def trained():
    """One short default run on digits, shared by the tests that need a trained generator."""
    run = GanRun("digits", settings=SHORT_RUN)
    events = list(run.events())
    return run, events


# shapes and ranges


@pytest.mark.parametrize("architecture", ["dcgan", "classic"])
@pytest.mark.parametrize("conditional", [False, True])
@pytest.mark.parametrize("channels,size", [(1, 28), (3, 32)])
def test_networks_give_images_in_tanh_range_and_one_score_each(architecture, conditional, channels, size):
    config = cfg.build(GANConfig, {"architecture": architecture, "conditional": conditional, "latent_dim": 16})
    generator, discriminator = build_networks(config, channels=channels, size=size, num_classes=10)
    labels = torch.arange(5) if conditional else None
    images = generator(torch.randn(5, 16) * 10, labels)  # large noise must still land in [-1, 1]
    assert images.shape == (5, channels, size, size)
    assert images.min() >= -1 and images.max() <= 1
    assert discriminator(images, labels).shape == (5,)


def test_digits_are_upscaled_to_28_and_shapes_shrunk_to_32():
    digits, shapes = load_images("digits"), load_images("shapes")
    assert digits.x_train.shape[1:] == (1, 28, 28) and shapes.x_train.shape[1:] == (3, 32, 32)
    for data in (digits, shapes):
        assert 0 <= data.x_train.min() and data.x_train.max() <= 1
    # the mean brightness survives the resize (nothing is lost or invented on average)
    assert abs(resize(torch.ones(1, 1, 8, 8) * 0.3, 28).mean().item() - 0.3) < 1e-5


def test_image_grid_is_uint8_rgb_with_gutters():
    grid = image_grid(torch.rand(12, 1, 28, 28), columns=5, padding=2)
    assert grid.dtype.name == "uint8" and grid.shape == (3 * 30 + 2, 5 * 30 + 2, 3)


# losses against their formulas


def test_losses_match_their_textbook_formulas():
    real, fake = torch.randn(7), torch.randn(7)
    bce = cfg.build(GANConfig, {"loss": "bce", "label_smoothing": 0.1})
    expected = -(0.9 * F.logsigmoid(real) + 0.1 * F.logsigmoid(-real)).mean() - F.logsigmoid(-fake).mean()
    assert torch.allclose(discriminator_loss(bce, real, fake), expected, atol=1e-6)
    assert torch.allclose(generator_loss(bce, fake), -F.logsigmoid(fake).mean(), atol=1e-6)  # non-saturating
    hinge = cfg.build(GANConfig, {"loss": "hinge"})
    assert torch.allclose(discriminator_loss(hinge, real, fake),
                          torch.clamp(1 - real, min=0).mean() + torch.clamp(1 + fake, min=0).mean())
    wgan = cfg.build(GANConfig, {"loss": "wgan-gp"})
    assert torch.allclose(discriminator_loss(wgan, real, fake), fake.mean() - real.mean())
    assert torch.allclose(generator_loss(wgan, fake), -fake.mean())


def test_gradient_penalty_is_zero_for_a_unit_slope_critic_and_positive_otherwise():
    class Linear(torch.nn.Module):
        def __init__(self, scale):
            super().__init__()
            self.weight = torch.full((1, 1, 2, 2), scale / 2.0)  # gradient norm = scale everywhere

        def forward(self, x, labels=None):
            return (x * self.weight).flatten(1).sum(1)

    real, fake = torch.rand(4, 1, 2, 2), torch.rand(4, 1, 2, 2)
    assert gradient_penalty(Linear(1.0), real, fake, None).item() == pytest.approx(0.0, abs=1e-10)
    assert gradient_penalty(Linear(3.0), real, fake, None).item() == pytest.approx(4.0, rel=1e-5)


def test_weight_average_moves_towards_the_live_weights():
    live, averaged = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    before = averaged.weight.detach().clone()
    update_average(averaged, live, decay=0.75)
    assert torch.allclose(averaged.weight, 0.75 * before + 0.25 * live.weight)


def test_slerp_starts_and_ends_at_the_two_points():
    a, b = torch.randn(16), torch.randn(16)
    path = slerp(a, b, 5)
    assert path.shape == (5, 16)
    assert torch.allclose(path[0], a, atol=1e-5) and torch.allclose(path[-1], b, atol=1e-5)


# the judge


def test_judge_knows_real_digits_and_sees_collapse():
    from playground.generative.judge import get_judge

    judge, data = get_judge("digits"), load_images("digits")
    assert judge.test_accuracy > 0.95
    everything = judge.score(data.x_test, requested=data.y_test)
    assert everything["class_coverage"] == 10 and everything["conditional_accuracy"] > 0.95
    threes = judge.score(data.x_test[data.y_test == 3])  # a "generator" that only draws 3s
    assert threes["class_coverage"] == 1 and threes["sample_confidence"] > 0.9
    # mostly three digits with a few strays of the others: three classes covered, not ten
    keep = torch.cat([torch.nonzero(data.y_test == d).flatten()[:count]
                      for d, count in [(1, 36), (4, 36), (8, 35)] + [(d, 2) for d in (0, 2, 3, 5, 6, 7, 9)]])
    mostly_three = judge.score(data.x_test[keep])
    assert mostly_three["class_coverage"] == 3 and sum(mostly_three["class_counts"]) == len(keep)


# a real (short) run


def test_short_run_on_digits_gives_recognisable_samples_of_most_classes(trained):
    run, events = trained
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.status == "finished" and done.epochs_run == SHORT_RUN["epochs"]
    assert run.summary["sample_confidence"] > 0.75  # chance is 0.1
    assert run.summary["class_coverage"] >= 8
    assert sum(isinstance(e, GanStepEvent) for e in events) >= 3 * SHORT_RUN["epochs"]
    assert sum(isinstance(e, PictureEvent) for e in events) >= SHORT_RUN["epochs"]  # a few pictures per epoch
    assert sum(isinstance(e, QualityEvent) for e in events) >= 4
    assert len(run.history) == SHORT_RUN["epochs"]


def test_conditional_sampling_draws_the_requested_class(trained):
    from playground.generative.judge import get_judge

    run, _ = trained
    assert run.summary["conditional_accuracy"] > 0.6  # over all ten classes, from the run's own check
    judge = get_judge("digits")
    for digit in (0, 3, 7):
        images = run.sample_images(seed=11, count=100, label=digit)
        predicted = judge.probabilities(images).argmax(1)
        assert (predicted == digit).float().mean().item() > 0.5, f"asked for {digit}"


def test_sampling_is_repeatable_and_pictures_have_the_right_size(trained):
    run, _ = trained
    first, again = run.sample(seed=5), run.sample(seed=5)
    assert (first == again).all() and first.shape == (8 * 30 + 2, 10 * 30 + 2, 3)
    assert (run.sample(seed=6) != first).any()
    strip = run.interpolate(1, 2, steps=7, label=4)
    assert strip.shape == (32, 7 * 30 + 2, 3)


def test_saved_generator_reloads_to_the_same_samples(trained, tmp_path):
    from safetensors.torch import load_file

    run, _ = trained
    paths = run.save(tmp_path)
    assert {p.name for p in paths.values()} == {"config.json", "history.csv", "generator.safetensors",
                                               "discriminator.safetensors", "samples.png"}
    fresh = GanRun("digits", settings=SHORT_RUN)
    fresh.sampler.load_state_dict(load_file(str(paths["generator"])))
    fresh.summary = dict(run.summary)
    assert (fresh.sample(seed=3) == run.sample(seed=3)).all()


@pytest.mark.parametrize("loss", ["hinge", "wgan-gp"])
def test_hinge_and_wgan_gp_train_with_several_d_steps(loss):
    run = GanRun("digits", settings={"loss": loss, "d_steps": 3, "epochs": 1}, preset="dcgan")
    before = [p.detach().clone() for p in run.generator.parameters()]
    steps = [e for e in run.events() if isinstance(e, GanStepEvent)]
    assert run.summary["status"] == "finished"
    assert all(torch.isfinite(torch.tensor([e.g_loss, e.d_loss, e.d_real, e.d_fake])).all() for e in steps)
    assert any(not torch.equal(a, b) for a, b in zip(before, run.generator.parameters()))
    has_batch_norm = any(isinstance(m, torch.nn.BatchNorm2d) for m in run.discriminator.modules())
    assert has_batch_norm == (loss != "wgan-gp")  # the gradient penalty is per image: no batch statistics


# stop and refusals


def test_stop_ends_the_run_at_once_and_still_reports():
    run = GanRun("digits", settings={"epochs": 200})
    stop = threading.Event()
    events = []
    for event in run.events(stop):
        events.append(event)
        if isinstance(event, GanStepEvent):
            stop.set()
    done = events[-1]
    assert done.status == "stopped" and done.epochs_run == 0 and "Stopped" in done.message
    assert sum(isinstance(e, GanStepEvent) for e in events) == 1
    assert "class_coverage" in done.metrics


@pytest.mark.parametrize("dataset,settings,preset,words", [
    ("moons", {}, "conditional", "image dataset"),
    ("digits", {"batch_size": 5000}, "conditional", "Batch size must be between 2 and 1024"),
    ("digits", {"latent_dim": 1}, "conditional", "Latent size must be between 2"),
    ("digits", {"loss": "wasserstein"}, "conditional", "Loss must be one of"),
    ("digits", {"g_lr": "fast"}, "conditional", "Generator LR must be a number"),
    ("digits", {}, "biggan", "Unknown preset 'biggan'"),
])
def test_bad_settings_are_refused_in_one_sentence(dataset, settings, preset, words):
    with pytest.raises(UserError, match=words):
        GanRun(dataset, settings=settings, preset=preset)


def test_asking_an_unconditional_generator_for_a_class_is_refused():
    run = GanRun("digits", preset="dcgan")
    with pytest.raises(UserError, match="without labels"):
        run.sample(seed=0, label=3)
    with pytest.raises(UserError, match="between 0 and 9"):
        GanRun("digits").sample(seed=0, label=12)


def test_presets_are_valid_and_classic_is_the_collapsing_recipe():
    for name, values in PRESETS.items():
        cfg.build(GANConfig, values)
    classic = cfg.build(GANConfig, PRESETS["classic"])
    assert (classic.architecture, classic.g_lr, classic.beta1, classic.batch_size, classic.epochs) == \
           ("classic", 2e-4, 0.5, 64, 30)
    assert cfg.build(GANConfig, {}).conditional  # the default is the conditional DCGAN
