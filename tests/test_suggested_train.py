"""An architecture's own training settings (a Transformer's lr 0.001): the CLI and the Train tab start from them,
a dataset's suggestion for that architecture, a flag or a share link wins."""

import json

from playground.training.config import TrainConfig
from playground.ui import train_settings

DEFAULT_LR = TrainConfig().lr


def test_cli_transformer_without_lr_trains_at_its_own_lr_and_a_flag_wins(cli, tmp_path):
    assert DEFAULT_LR == 0.01  # digits_rows suggests the RNN: only the architecture says 0.001 here
    own = cli("train", "--model", "transformer", "--dataset", "digits_rows", "--epochs", "1", "--json",
              "--out", str(tmp_path / "own"))
    assert own.returncode == 0, own.stderr
    epoch = next(e for e in map(json.loads, own.stdout.splitlines()) if e["event"] == "epoch")
    assert epoch["lr"] == 0.001
    assert json.loads((tmp_path / "own" / "config.json").read_text())["train_settings"]["lr"] == 0.001

    flag = cli("train", "--model", "transformer", "--dataset", "digits_rows", "--epochs", "1", "--lr", "0.005",
               "--json", "--out", str(tmp_path / "flag"))
    assert flag.returncode == 0, flag.stderr
    assert json.loads((tmp_path / "flag" / "config.json").read_text())["train_settings"]["lr"] == 0.005


def test_cli_a_datasets_suggestion_for_the_transformer_wins_over_its_own(cli, tmp_path):
    result = cli("train", "--model", "transformer", "--dataset", "pointer", "--epochs", "1", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "config.json").read_text())["train_settings"]["lr"] == 0.002  # pointer's


def test_train_tab_model_change_sets_the_architectures_lr():
    assert train_settings.on_model("transformer", "digits_rows")["lr"] == 0.001
    assert train_settings.on_model("rnn", "digits_rows")["lr"] == DEFAULT_LR  # back to the default
    assert train_settings.on_model("transformer", "pointer")["lr"] == 0.002  # pointer suggests its own for it
    assert train_settings.on_model("mlp", "pointer")["lr"] == DEFAULT_LR  # pointer's suggestion is the Transformer's


def test_train_tab_dataset_and_share_link_set_lr_too():
    assert train_settings.on_dataset("digits_rows", {"model": "transformer"})["lr"] == 0.001
    assert train_settings.on_dataset("digits_rows")["lr"] == DEFAULT_LR  # it suggests the RNN
    link = {"model": "transformer", "train_settings": {"lr": 0.03}}
    assert train_settings.on_dataset("digits_rows", link)["lr"] == 0.03  # a share link's lr wins

