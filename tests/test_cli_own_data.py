"""`train --csv/--images` and regression from the command line: the same registry, the same one-line errors."""

import json

import pytest

from tests.own_data import bars_zip, houses_csv, people_csv


def last_json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_train_on_a_csv_with_gaps_categories_and_a_text_column_left_out(cli, tmp_path):
    csv = people_csv(tmp_path / "people.csv")
    summary = last_json(cli("train", "--model", "mlp", "--csv", str(csv), "--target", "label", "--features",
                            "x1,x2,colour", "--epochs", "10", "--json", "--out", str(tmp_path / "out")))
    assert summary["task"] == "classification" and summary["test_accuracy"] > 0.85
    assert summary["dataset"].startswith("people (upload ")
    refused = cli("train", "--model", "mlp", "--csv", str(csv), "--target", "label", "--epochs", "1")
    assert refused.returncode == 2 and "'id' has 395 different text values" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_regression_from_a_csv_and_from_a_bundled_set(cli, tmp_path):
    csv = houses_csv(tmp_path / "houses.csv")
    summary = last_json(cli("train", "--model", "mlp", "--csv", str(csv), "--target", "price", "--epochs", "10",
                            "--loss", "mae", "--json"))
    assert summary["task"] == "regression" and summary["loss"] == "mae" and summary["test_r2"] > 0.9
    readable = cli("train", "--model", "mlp", "--dataset", "diabetes", "--epochs", "2")
    assert readable.returncode == 0 and "test R²" in readable.stdout


def test_train_a_cnn_on_a_zip_of_images(cli, tmp_path):
    archive = bars_zip(tmp_path / "bars.zip")
    summary = last_json(cli("train", "--model", "cnn", "--images", str(archive), "--image-size", "16",
                            "--channels", "8", "--epochs", "8", "--json"))
    assert summary["dataset"].startswith("bars (upload ") and summary["test_accuracy"] >= 0.9


@pytest.mark.parametrize("args,message", [
    (["--dataset", "moons", "--csv", "x.csv"], "exactly one of --dataset, --csv or --images"),
    (["--csv", "{csv}"], "--csv needs --target"),
    (["--csv", "{csv}", "--target", "colour", "--task", "sideways"], "Task must be one of"),
    (["--images", "{csv}"], "is not a zip file"),
    (["--dataset", "diabetes", "--loss", "hinge"], "Regression loss must be one of"),
])
def test_own_data_mistakes_exit_2_with_one_line(cli, tmp_path, args, message):
    csv = str(houses_csv(tmp_path / "houses.csv"))
    result = cli("train", "--model", "mlp", "--epochs", "1", *[a.format(csv=csv) for a in args])
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
