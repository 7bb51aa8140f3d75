"""Learning-rate warm-up (TrainConfig.warmup): the rate climbs linearly over the first epochs, then the schedule
runs over the rest; a continued run doesn't warm up again; and on `pointer` it costs the Transformer nothing."""

import pytest
import torch

from playground import config as cfg
from playground.data import get_dataset
from playground.training.config import TrainConfig
from playground.training.run import Run
from playground.training.trainer import make_schedule


def rates(schedule: str, warmup: float, steps_per_epoch: int = 4, epochs: int = 5, lr: float = 0.01) -> list:
    """The learning rate used at each step."""
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    config = cfg.build(TrainConfig, {"lr": lr, "schedule": schedule, "warmup": warmup, "epochs": epochs})
    scheduler = make_schedule(optimizer, config, steps_per_epoch)
    used = []
    for _ in range(epochs * steps_per_epoch):
        used.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    return used


@pytest.mark.parametrize("schedule", ["none", "step", "cosine"])
def test_warm_up_climbs_linearly_then_the_schedule_spans_the_rest(schedule):
    warm, rest = 8, 12  # 2 warm-up epochs of 4 steps, then 3 epochs
    used = rates(schedule, 2.0)
    assert used[:warm] == pytest.approx([0.01 * (1 / warm + (1 - 1 / warm) * k / warm) for k in range(warm)])
    assert used[1] - used[0] == pytest.approx(used[7] - used[6])  # a straight line
    expected_rest = {"none": rates("none", 0.0, epochs=3), "step": rates("step", 0.0, epochs=3),
                     "cosine": rates("cosine", 0.0, epochs=3)}[schedule]
    assert used[warm:] == pytest.approx(expected_rest)  # the schedule as if the run began after the warm-up
    assert len(expected_rest) == rest and expected_rest[0] == pytest.approx(0.01)


def test_no_warm_up_leaves_the_schedule_as_it_was():
    assert rates("none", 0.0) == [0.01] * 20
    assert rates("cosine", 0.0)[10] == pytest.approx(0.005)


def test_a_run_reports_the_warm_up_and_continuing_does_not_warm_up_again():
    run = Run("mlp", "moons", train_settings={"epochs": 2, "warmup": 2, "lr": 0.05})
    list(run.events())
    steps = run.trainer.steps_per_epoch
    warm = 2 * steps
    assert [row["lr"] for row in run.history] == pytest.approx(
        [0.05 * (1 / warm + (1 - 1 / warm) * steps / warm), 0.05])
    list(run.events(epochs=1))
    assert run.history[-1]["lr"] == pytest.approx(0.05)  # no second climb
    assert run.trainer.schedule is None or run.trainer.optimizer.param_groups[0]["lr"] == pytest.approx(0.05)


def test_warm_up_does_not_hurt_the_transformer_on_pointer():
    """The dataset's suggested settings with 2 warm-up epochs (of 10): the held-out score stays where it is
    without them (1.00), and the last layer's [CLS] attention still finds the pointed step."""
    from playground.inspect.attention import heads_looking_at

    suggested = get_dataset("pointer").suggested
    scores = {}
    for warmup in (0.0, 2.0):
        run = Run("transformer", "pointer", model_settings=suggested["model_settings"],
                  train_settings={**suggested["train_settings"], "warmup": warmup})
        list(run.events())
        scores[warmup] = run.summary["test_accuracy"]
    assert run.history[0]["lr"] < suggested["train_settings"]["lr"]  # it did warm up
    assert scores[2.0] >= scores[0.0] - 0.01 and scores[2.0] >= 0.95, scores
    x = run.splits.x_test
    assert heads_looking_at(run.model, x, x[:, 0].argmax(1) + 1, layer=-1, query=0).float().mean() >= 0.8
