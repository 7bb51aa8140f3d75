"""Shape tests for every architecture on every dataset it fits, and refusals for the ones it doesn't."""

import pytest
import torch

from playground.data import DATASETS, load_dataset
from playground.errors import UserError
from playground.models.registry import ARCHITECTURES, build_model, compatible_architectures
from playground.models.cnn import CNNConfig
from playground.models.rnn import RNNConfig
from playground.models.summary import layer_table, parameter_count

PAIRS = [(m, d) for d, ds in DATASETS.items() for m in compatible_architectures(ds.kind)]


@pytest.mark.parametrize("model_name,dataset_name", PAIRS)
def test_logits_shape(model_name, dataset_name):
    splits = load_dataset(dataset_name)
    model = build_model(model_name, splits)
    logits = model(splits.x_test[:5])
    assert logits.shape == (5, splits.num_classes)
    rows = layer_table(model, splits.input_shape)
    assert sum(r["parameters"] for r in rows) == parameter_count(model) > 0


def test_every_architecture_fits_some_dataset():
    assert {m for m, _ in PAIRS} == set(ARCHITECTURES)


@pytest.mark.parametrize("model_name,dataset_name", [("cnn", "moons"), ("rnn", "digits"), ("cnn", "waves")])
def test_incompatible_pairs_are_refused(model_name, dataset_name):
    with pytest.raises(UserError, match="can't take"):
        build_model(model_name, load_dataset(dataset_name))


def test_default_cnn_is_the_classic_recipe():
    splits = load_dataset("digits")
    types = [r["type"] for r in layer_table(build_model("cnn", splits), splits.input_shape)]
    assert types == ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_rnn_cells_layers_and_directions(cell):
    splits = load_dataset("waves")
    model = build_model("rnn", splits, RNNConfig(cell=cell, hidden_size=16, num_layers=2, bidirectional=True))
    assert model(splits.x_test[:3]).shape == (3, 4)
    assert model.head.in_features == 32


def test_cnn_blocks_and_bad_channel_lists():
    splits = load_dataset("shapes")
    model = build_model("cnn", splits, CNNConfig(channels="8,16,32", kernel_size=5, pooling="avg", dense=0))
    assert model(splits.x_test[:2]).shape == (2, 10)
    with pytest.raises(UserError, match="whole numbers"):
        build_model("cnn", splits, CNNConfig(channels="8,x"))
    with pytest.raises(UserError, match="pooling"):
        build_model("cnn", load_dataset("digits"), CNNConfig(channels="4,4,4,4,4"))


def test_mlp_options_change_the_network():
    from playground.models.mlp import MLPConfig

    splits = load_dataset("classification")
    model = build_model("mlp", splits, MLPConfig(hidden_layers=3, width=16, activation="gelu", dropout=0.2,
                                                 batch_norm=True))
    kinds = [type(m).__name__ for m in model.modules()]
    assert kinds.count("Linear") == 4 and kinds.count("BatchNorm1d") == 3 and kinds.count("GELU") == 3
    assert kinds.count("Dropout") == 3
    model.train()
    assert torch.isfinite(model(splits.x_train[:8])).all()
