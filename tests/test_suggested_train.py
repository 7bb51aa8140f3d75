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



def test_a_plain_page_open_leaves_the_values_as_the_visitor_set_them():
    """The page-load hook narrows the models to the data and draws its preview in the visitor's words; only a share
    link's settings are written into the controls. It used to write every default back, so Epochs typed before
    the hook landed on a busy server went back to 20. Holding them back is right only because the page is built
    holding exactly the values the hook would have written: checked here, control by control, on a built tab."""
    from types import SimpleNamespace

    import gradio as gr

    from playground.ui import train_tab
    from playground.ui.train_settings import DATASET_OUTPUTS, DEFAULT_DATASET, on_dataset

    with gr.Blocks():
        page_hook = train_tab.build()[0]
    built = dict(zip(DATASET_OUTPUTS, page_hook[2]))  # the hook's outputs: name -> the component on the page
    plain = train_tab.load_page(SimpleNamespace(query_params={}))
    written = on_dataset(DEFAULT_DATASET)
    missing = object()

    def value_of(update):  # an update dict's value, a plain value as it is
        return update.get("value", missing) if isinstance(update, dict) else update

    held_back = [name for name in written if value_of(written[name]) is not missing
                 and value_of(plain.get(name, {})) is missing]
    assert {"epochs", "lr", "mlp_width", "noise", "dataset"} <= set(held_back)
    for name in held_back:
        assert built[name].value == value_of(written[name]), \
            f"{name}: the page is built with {built[name].value}, the hook would write {value_of(written[name])}"
    assert plain["model"]["value"] == "mlp" and "plane" in plain and "description" in plain
    linked = train_tab.load_page(SimpleNamespace(query_params={"dataset": "spiral", "epochs": "7"}))
    assert linked["dataset"]["value"] == "spiral" and linked["epochs"] == 7
    assert train_tab.load_page(SimpleNamespace(query_params={"noise": "0.5"}))["noise"]["value"] == 0.5
