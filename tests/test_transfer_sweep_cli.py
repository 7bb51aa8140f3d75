"""`python -m playground transfer` and `... sweep` in a fresh process: JSON summaries, tables, bad values."""

import json

import pytest


def last_json(result) -> dict:
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def test_transfer_json_summary(cli):
    # the fast 8x8 pairing keeps this short; the lesson itself is tested in test_transfer.py
    result = cli("transfer", "--source", "digits_0_4", "--target", "digits_5_9", "--shots", "3", "--epochs", "5",
                 "--pretrain-epochs", "2", "--seed", "1", "--json", timeout=300)
    assert result.returncode == 0, result.stderr
    summary = last_json(result)
    assert summary["event"] == "summary" and summary["status"] == "finished"
    assert set(summary["results"]) == {"scratch", "frozen", "finetune", "finetune_low_lr"}
    assert all(0.0 <= v <= 1.0 for v in summary["results"].values())
    assert summary["shots"] == 3 and summary["seed"] == 1 and summary["source"] == "digits_0_4"
    events = [json.loads(line) for line in result.stdout.splitlines()[:-1]]
    assert {e["strategy"] for e in events} == {"pretrain", "scratch", "frozen", "finetune", "finetune_low_lr"}
    results = [e for e in events if e["event"] == "result"]
    assert {e["strategy"]: e["test_accuracy"] for e in results} == summary["results"]


def test_transfer_table_for_several_k(cli):
    result = cli("transfer", "--source", "digits_0_4", "--target", "digits_5_9", "--shots", "1,4",
                 "--epochs", "3", "--pretrain-epochs", "1", "--strategies", "scratch,frozen", timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["K", "scratch", "frozen"]
    assert [line.split()[0] for line in lines[1:3]] == ["1", "4"]


def test_sweep_json_summary(cli):
    result = cli("sweep", "--model", "mlp", "--dataset", "moons", "--lr", "0.001,0.01,0.1", "--optimizer",
                 "adam,sgd", "--epochs", "2", "--json", timeout=300)
    assert result.returncode == 0, result.stderr
    summary = last_json(result)
    runs = summary["runs"]
    assert len(runs) == 6 and all(r["status"] == "finished" for r in runs)
    assert {(r["lr"], r["optimizer"]) for r in runs} == {(lr, o) for lr in (0.001, 0.01, 0.1) for o in ("adam", "sgd")}
    assert all(0.0 <= r["test_accuracy"] <= 1.0 for r in runs)
    assert summary["best"]["val_accuracy"] == max(r["val_accuracy"] for r in runs)


def test_sweep_budget_and_csv(cli, tmp_path):
    path = tmp_path / "sweep.csv"
    result = cli("sweep", "--model", "mlp", "--dataset", "moons", "--lr", "0.001,0.01,0.1", "--max-runs", "2",
                 "--epochs", "1", "--csv", str(path))
    assert result.returncode == 0, result.stderr
    assert "max runs keeps 2 of 3" in result.stderr and result.stdout.startswith("best: #")
    assert len(path.read_text().splitlines()) == 3  # header + 2 runs


@pytest.mark.parametrize("args, message", [
    (["transfer", "--shots", "0"], "Shots must be between 1 and 100"),
    (["transfer", "--backbone", "no-such/model"], "Could not load the model"),
    (["sweep", "--model", "mlp", "--dataset", "moons", "--lr", "0.1,fast"], "Learning rate must be a number"),
    (["sweep", "--model", "rnn", "--dataset", "moons"], "can't take tabular data"),
])
def test_bad_values_exit_2_with_one_line(cli, args, message):
    result = cli(*args, timeout=120)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
