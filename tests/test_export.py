"""Export as code: the script runs in a fresh Python without the playground and lands on the app's numbers."""

import json
import re
import subprocess
import sys

import pytest
import torch

from playground.data import DATASETS, load_dataset
from playground.data.registry import session_scope, to_splits
from playground.errors import UserError
from playground.export import sources
from playground.export.script import HEADER, build_script, export_run
from playground.training.run import Run

TOLERANCE = 0.005  # the script repeats the run step for step; on one machine the numbers come out equal


def run_script(script, *args, cwd):
    """`python -I script`: isolated, so neither the repository nor PYTHONPATH can lend it the playground."""
    result = subprocess.run([sys.executable, "-I", str(script), *args], cwd=cwd, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def trained(model, dataset, model_settings=None, train_settings=None, task_settings=None, more=None):
    run = Run(model, dataset, model_settings=model_settings, train_settings=train_settings,
              task_settings=task_settings)
    list(run.events())
    if more:
        list(run.events(epochs=more))
    return run


CASES = {
    "mlp-moons-continued": lambda: trained("mlp", "moons", {"dropout": 0.1, "batch_norm": True},
                                           {"epochs": 4, "schedule": "cosine", "seed": 2}, more=2),
    "cnn-digits": lambda: trained("cnn", "digits", {"channels": "8"}, {"epochs": 3, "l1": 0.0001}),
    "rnn-waves-gru": lambda: trained("rnn", "waves", {"cell": "gru", "hidden_size": 12},
                                     {"epochs": 2, "optimizer": "sgd", "lr": 0.05, "schedule": "step"}),
    "rnn-rows-stacked-dropout": lambda: trained("rnn", "digits_rows", {"num_layers": 2, "dropout": 0.3,
                                                                       "hidden_size": 16}, {"epochs": 2}),
    "transformer-digits-rows": lambda: trained("transformer", "digits_rows", {"dim": 16, "ff_dim": 32, "dropout": 0.1},
                                               {"epochs": 2, "lr": 0.003}),
    "mlp-surface-mae": lambda: trained("mlp", "surface", {"activation": "tanh"}, {"epochs": 8},
                                       {"loss": "mae"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_exported_script_retrains_to_the_apps_numbers(case, tmp_path):
    run = CASES[case]()
    paths = export_run(run, tmp_path)
    text = paths["script"].read_text()
    assert not re.search(r"^\s*(import|from) playground", text, re.MULTILINE)
    retrained = run_script(paths["script"], cwd=tmp_path)
    key = "test_r2" if run.task == "regression" else "test_accuracy"
    assert abs(retrained[key] - run.summary[key]) <= TOLERANCE, (retrained, run.summary[key])
    if case in ("mlp-moons-continued", "mlp-surface-mae"):  # the app's weights, evaluated by the script
        evaluated = run_script(paths["script"], "--weights", str(paths["weights"]), cwd=tmp_path)
        assert evaluated[key] == pytest.approx(run.summary[key], abs=1e-6)


def test_uploaded_table_travels_as_data_next_to_the_script(tmp_path):
    from playground.data.csv_table import table_dataset
    from playground.data.uploads import register_upload
    from tests.own_data import people_csv

    splits, description = table_dataset(people_csv(tmp_path / "people.csv"), "label", ["x1", "x2", "colour"])
    with session_scope("exporter"):
        run = trained("mlp", register_upload(splits, description).name, {"width": 16}, {"epochs": 5})
    out = tmp_path / "out"
    paths = export_run(run, out)
    assert set(paths) == {"script", "weights", "config", "data"}
    retrained = run_script(paths["script"], cwd=out)
    assert abs(retrained["test_accuracy"] - run.summary["test_accuracy"]) <= TOLERANCE


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_copied_loaders_rebuild_every_bundled_dataset_exactly(name):
    """The script's data section, run on its own, gives the same tensors as the registry."""
    dataset = DATASETS[name]
    namespace: dict = {}
    exec(compile(HEADER.format(title="t", script="s") + sources.collect([dataset.loader, to_splits]), name, "exec"),
         namespace)
    rebuilt = namespace["to_splits"](name, dataset.kind, namespace[dataset.loader.__name__](**dataset.options),
                                     task=dataset.task)
    original = load_dataset(name)
    for key in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        assert torch.equal(getattr(rebuilt, key), getattr(original, key)), key
    assert rebuilt.classes == original.classes


def test_nothing_to_export_before_training(tmp_path):
    with pytest.raises(UserError, match="Train the model first"):
        export_run(Run("mlp", "moons"), tmp_path)
    assert "SETTINGS = {" in build_script(Run("mlp", "iris"))  # the text itself needs no training


def test_export_command_writes_a_script_that_reproduces_the_run(cli, tmp_path):
    result = cli("export", "--out", str(tmp_path), "--model", "mlp", "--dataset", "spiral", "--epochs", "6",
                 "--width", "32", "--lr", "0.02", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"script", "weights", "config"} <= set(summary["files"]) and "--weights" in summary["command"]
    retrained = run_script(summary["files"]["script"], cwd=tmp_path)
    assert abs(retrained["test_accuracy"] - summary["test_accuracy"]) <= TOLERANCE
