"""Sweeps: every configuration runs with its own settings, the best is picked on validation, budgets hold, stop works.

The reference for a sweep row is an ordinary training `Run` with the same
settings: the sweep must report exactly its test accuracy.
"""

import csv
import math
import threading
import time

import pytest

from playground.errors import UserError
from playground.sweep.runner import RunResultEvent, Sweep
from playground.sweep.results import best_row, curves_figure, parallel_coordinates, write_csv
from playground.sweep.space import SweepConfig, configurations
from playground.training.run import Run

MOONS = dict(model="mlp", dataset="moons", epochs=3, device="cpu")


def run_all(sweep: Sweep, stop=None) -> list:
    return list(sweep.events(stop))


@pytest.fixture(scope="module")
def grid_sweep():
    sweep = Sweep({**MOONS, "lr": "0.001,0.01,0.1", "optimizer": "adam,sgd"})
    events = run_all(sweep)
    return sweep, events


def test_grid_runs_every_configuration(grid_sweep):
    sweep, events = grid_sweep
    settings = {(r["lr"], r["optimizer"]) for r in sweep.rows}
    assert settings == {(lr, o) for lr in (0.001, 0.01, 0.1) for o in ("adam", "sgd")}
    assert all(r["status"] == "finished" and r["epochs_run"] == 3 for r in sweep.rows)
    assert len([e for e in events if isinstance(e, RunResultEvent)]) == 6
    assert sorted(sweep.curves) == [1, 2, 3, 4, 5, 6] and all(len(c) == 3 for c in sweep.curves.values())
    assert sweep.summary["status"] == "finished" and sweep.summary["runs"] == sweep.rows


def test_each_row_matches_a_plain_training_run(grid_sweep):
    sweep, _ = grid_sweep
    row = next(r for r in sweep.rows if r["lr"] == 0.01 and r["optimizer"] == "sgd")
    run = Run("mlp", "moons", train_settings={"lr": 0.01, "optimizer": "sgd", "epochs": 3, "device": "cpu"})
    list(run.events())
    assert row["test_accuracy"] == run.summary["test_accuracy"]
    assert row["val_accuracy"] == run.history[-1]["val_accuracy"]


def test_best_is_the_highest_validation_accuracy(grid_sweep):
    sweep, _ = grid_sweep
    best = sweep.summary["best"]
    assert best["val_accuracy"] == max(r["val_accuracy"] for r in sweep.rows)
    # learning rates this far apart give different accuracies: the sweep has a real choice to make
    assert len({round(r["val_accuracy"], 4) for r in sweep.rows}) > 2
    ties = [{"run": 1, "status": "finished", "val_accuracy": 0.9, "val_loss": 0.5},
            {"run": 2, "status": "finished", "val_accuracy": 0.9, "val_loss": 0.3},
            {"run": 3, "status": "diverged", "val_accuracy": 0.95, "val_loss": math.nan}]
    assert best_row(ties)["run"] == 2  # equal accuracy: lower loss wins; a diverged run never does


def test_random_search_draws_learning_rates_on_a_log_scale():
    config = SweepConfig(lr="0.0001,0.1", optimizer="adam,sgd", search="random", samples=12, seed=3)
    drawn = configurations(config)
    assert len(drawn) == 12 and drawn == configurations(config)
    assert all(0.0001 <= c["lr"] <= 0.1 for c in drawn)
    assert len({c["lr"] for c in drawn}) > 6 and {c["optimizer"] for c in drawn} == {"adam", "sgd"}
    assert sum(c["lr"] < 0.01 for c in drawn) >= 4  # log-uniform: two of three decades lie below 0.01


def test_model_settings_are_swept_too():
    config = SweepConfig(model="rnn", dataset="waves", lr="0.01", dropout="0,0.3", hidden_size="8,16")
    assert len(configurations(config)) == 4
    sweep = Sweep({**MOONS, "dropout": "0,0.5", "hidden_size": "4,32", "max_runs": 1, "epochs": 1})
    run = sweep.make_run(0)
    assert run.model_config.dropout == 0.0 and run.model_config.width == 4


def test_max_runs_caps_the_sweep():
    sweep = Sweep({**MOONS, "lr": "0.001,0.01,0.1", "optimizer": "adam,sgd", "max_runs": 2, "epochs": 1})
    run_all(sweep)
    assert len(sweep.rows) == 2 and sweep.summary["skipped_by_max_runs"] == 4
    assert sweep.summary["runs_started"] == 2


def test_time_budget_stops_the_sweep():
    # a CNN on digits for 500 epochs takes 25 s here: far past the 3 s budget on any CPU (an MLP on moons did not,
    # once: a fast CI machine finished its 500 epochs inside the budget)
    sweep = Sweep({**MOONS, "model": "cnn", "dataset": "digits", "lr": "0.001,0.01,0.1", "epochs": 500,
                   "max_minutes": 0.05})
    started = time.monotonic()
    run_all(sweep)
    assert time.monotonic() - started < 3 + 10  # 3 s of budget, plus one epoch and the test evaluation
    assert sweep.summary["status"] == "out of time"
    statuses = [r["status"] for r in sweep.rows]
    assert statuses[0] == "out of time" and all(s in ("out of time", "skipped (out of time)") for s in statuses)


def test_stop_skips_the_remaining_runs():
    stop = threading.Event()
    sweep = Sweep({**MOONS, "lr": "0.001,0.01,0.1", "optimizer": "adam,sgd", "epochs": 2})
    for event in sweep.events(stop):
        if isinstance(event, RunResultEvent):
            stop.set()
    statuses = [r["status"] for r in sweep.rows]
    assert statuses[0] == "finished" and statuses[1:] == ["skipped (stopped)"] * 5
    assert sweep.summary["status"] == "stopped" and sweep.summary["best"]["run"] == 1


def test_parallel_runs_give_the_same_results(grid_sweep):
    sweep, _ = grid_sweep
    parallel = Sweep({**MOONS, "lr": "0.001,0.01,0.1", "optimizer": "adam,sgd", "parallel": 3})
    run_all(parallel)
    assert [r["test_accuracy"] for r in parallel.rows] == [r["test_accuracy"] for r in sweep.rows]
    assert parallel.summary["best"]["run"] == sweep.summary["best"]["run"]


@pytest.mark.parametrize("settings, message", [
    ({"lr": "0.01,fast"}, "Learning rate must be a number"),
    ({"lr": "0.01,-1"}, "Learning rate must be between"),
    ({"lr": ""}, "at least one learning rate"),
    ({"optimizer": "adam,lion"}, "Optimizer must be one of"),
    ({"dropout": "0.2,1.5"}, "Dropout must be between"),
    ({"batch_size": "0"}, "Batch size must be between"),
    ({"model": "cnn"}, "can't take tabular data"),
    ({"dataset": "mnist"}, "Unknown dataset"),
    ({"max_runs": 0}, "Max runs must be between"),
    ({"search": "bayes"}, "Search must be one of"),
])
def test_bad_values_are_refused_in_one_sentence(settings, message):
    with pytest.raises(UserError, match=message) as error:
        Sweep({**MOONS, **settings})
    assert "\n" not in str(error.value)


def test_csv_and_figures(grid_sweep, tmp_path):
    sweep, _ = grid_sweep
    path = write_csv(sweep.rows, tmp_path / "sweep.csv")
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and {"run", "lr", "optimizer", "val_accuracy", "test_accuracy"} <= set(rows[0])
    assert float(rows[2]["test_accuracy"]) == pytest.approx(sweep.rows[2]["test_accuracy"])
    coordinates = parallel_coordinates(sweep.rows)
    labels = [d.label for d in coordinates.data[0].dimensions]
    assert labels == ["learning rate (log10)", "optimizer", "val accuracy", "test accuracy"]
    assert len(curves_figure(sweep.curves, sweep.rows).data) == 6
