"""The CLI contract: JSON events with a summary last, clear one-line errors with exit code 2."""

import json

import pytest


def test_train_json_streams_events_and_ends_with_the_summary(cli, tmp_path):
    result = cli("train", "--model", "mlp", "--dataset", "moons", "--epochs", "3", "--seed", "1", "--json",
                 "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    kinds = [line["event"] for line in lines]
    assert kinds.count("epoch") == 3 and "step" in kinds and kinds[-1] == "done"
    summary = lines[-1]
    for key in ("test_accuracy", "test_loss", "epochs_run", "device", "seconds", "test_f1", "confusion_matrix"):
        assert key in summary
    assert summary["epochs_run"] == 3 and summary["device"] == "cpu" and summary["test_accuracy"] > 0.8
    assert {p.name for p in tmp_path.iterdir()} == {"weights.safetensors", "config.json", "history.csv"}


def test_model_flags_reach_the_model(cli):
    result = cli("train", "--model", "rnn", "--dataset", "waves", "--epochs", "1", "--cell", "gru",
                 "--hidden-size", "8", "--bidirectional", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["parameters"] == 3 * (8 * 1 + 8 * 8 + 2 * 8) * 2 + 16 * 4 + 4


def test_datasets_suggested_settings_apply_unless_a_flag_overrides_them(cli, tmp_path):
    """shapes suggests cnn channels 16,32, lr 0.003 and 8 epochs (the CNN defaults stay at chance there)."""
    result = cli("train", "--model", "cnn", "--dataset", "shapes", "--epochs", "1", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["model_settings"]["channels"] == "16,32" and saved["train_settings"]["lr"] == 0.003
    assert saved["train_settings"]["epochs"] == 1  # the flag wins over the suggested 8


def test_readable_output_without_json(cli):
    result = cli("train", "--model", "cnn", "--dataset", "digits", "--epochs", "1")
    assert result.returncode == 0
    assert "test accuracy" in result.stdout and "parameters" in result.stdout


@pytest.mark.parametrize("args,message", [
    (["--dataset", "mnist"], "Unknown dataset"),
    (["--epochs", "-1"], "Epochs must be between"),
    (["--lr", "nan"], "finite"),
    (["--model", "cnn"], "can't take tabular data"),
    (["--optimizer", "lbfgs"], "Optimizer must be one of"),
    (["--noise", "abc"], "noise"),
])
def test_bad_arguments_exit_2_with_one_clear_line(cli, args, message):
    base = {"--model": "mlp", "--dataset": "moons", "--epochs": "1"}
    for flag, value in zip(args[::2], args[1::2]):
        base[flag] = value
    result = cli("train", *[item for pair in base.items() for item in pair])
    assert result.returncode == 2
    assert message.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_datasets_and_help(cli):
    listing = cli("datasets", "--json")
    names = [json.loads(line)["name"] for line in listing.stdout.splitlines()]
    assert "shapes" in names and "waves" in names and len(names) >= 11
    help_text = cli("train", "--help").stdout
    assert "--batch-size" in help_text and "--cell" in help_text and "[1e-06..10.0]" in help_text
    assert cli("nonsense").returncode == 2
