"""Inside the network: shapes and values of the neuron maps, feature maps, RNN states and histograms,
and continuing a run (N more epochs, or one at a time) landing where one long run would."""

import threading

import numpy as np
import pytest
import torch

from playground.data import load_dataset
from playground.inspect.feature_maps import feature_maps
from playground.inspect.histograms import weight_histograms
from playground.inspect.neurons import hidden_neuron_maps, plane_grid
from playground.inspect.rnn_states import recurrent_states
from playground.models.cnn import CNNConfig
from playground.models.mlp import MLPConfig
from playground.models.registry import build_model
from playground.models.rnn import RNNConfig
from playground.plots import inside
from playground.training.events import EpochEvent
from playground.training.run import Run


def test_every_hidden_neuron_gets_its_own_map():
    splits = load_dataset("moons")
    torch.manual_seed(0)
    model = build_model("mlp", splits, MLPConfig(hidden_layers=2, width=5, activation="tanh", batch_norm=True))
    maps = hidden_neuron_maps(model, splits, resolution=30)
    assert [layer.shape for layer in maps["layers"]] == [(30, 30, 5), (30, 30, 5)]
    assert maps["output"].shape == (30, 30, 2)
    # neuron 3 of layer 1 at grid point (row 7, column 11) by hand: tanh(batchnorm(W x + b)) in eval mode
    _, _, grid = plane_grid(splits, 30)
    linear, norm = model.net[1], model.net[2]
    model.eval()
    with torch.no_grad():
        by_hand = torch.tanh(norm(linear(grid[7 * 30 + 11][None])))[0, 3].item()
    assert maps["layers"][0][7, 11, 3] == pytest.approx(by_hand, abs=1e-5)
    assert model.training is False  # left as it was found (eval here)
    figure = inside.neuron_thumbnails(maps)
    assert len(figure.data) == 1 and figure.data[0]["source"].startswith("data:image/png")


def test_cnn_feature_maps_of_every_conv_layer():
    splits = load_dataset("digits")
    model = build_model("cnn", splits, CNNConfig(channels="4,8"))
    model.train()
    layers, probabilities = feature_maps(model, splits.x_test[3])
    assert [(layer["layer"], tuple(layer["maps"].shape)) for layer in layers] == \
        [("features.0", (4, 8, 8)), ("features.3", (8, 4, 4))]
    assert all(float(layer["maps"].min()) >= 0 for layer in layers)  # read after the ReLU
    assert probabilities.shape == (10,) and float(probabilities.sum()) == pytest.approx(1.0, abs=1e-5)
    assert model.training  # put back in training mode
    # the first layer's maps are relu(conv(image)) exactly
    with torch.no_grad():
        expected = torch.relu(model.features[0](splits.x_test[3][None]))[0]
    assert torch.allclose(layers[0]["maps"], expected, atol=1e-6)
    assert len(inside.feature_map_grid(layers, splits.x_test[3].numpy()).data) == 1


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_replayed_recurrent_states_equal_the_module_and_gates_are_gates(cell):
    splits = load_dataset("waves")
    torch.manual_seed(0)
    model = build_model("rnn", splits, RNNConfig(cell=cell, hidden_size=6, num_layers=2, bidirectional=True))
    sequence = splits.x_test[5]
    result = recurrent_states(model, sequence)
    model.eval()
    with torch.no_grad():
        reference, _ = model.rnn(sequence[None])
    assert torch.allclose(result["output"], reference[0], atol=1e-5)  # the replay is PyTorch's own arithmetic
    names = {"rnn": {"hidden"}, "gru": {"hidden", "reset gate", "update gate", "candidate"},
             "lstm": {"hidden", "cell state", "input gate", "forget gate", "cell candidate", "output gate"}}[cell]
    assert len(result["layers"]) == 4  # 2 layers x 2 directions
    for layer in result["layers"]:
        assert set(layer["states"]) == names
        for name, values in layer["states"].items():
            assert values.shape == (50, 6)
            if "gate" in name:
                assert 0.0 <= float(values.min()) and float(values.max()) <= 1.0
    top = result["layers"][-2]["states"]
    figure = inside.recurrent_heatmaps({k: v.numpy() for k, v in top.items()}, sequence.numpy(), title="t")
    assert sum(trace.type == "heatmap" for trace in figure.data) == len(names)


def test_histograms_cover_every_weight_and_the_last_gradient():
    run = Run("mlp", "moons", model_settings={"hidden_layers": 2, "width": 8}, train_settings={"epochs": 1})
    before = weight_histograms(run.model)
    assert [row["layer"] for row in before] == ["net.1", "net.3", "net.5"]
    assert all(row["gradients"] is None for row in before)
    list(run.events())
    after = weight_histograms(run.model)
    for row, parameter in zip(after, [p for p in run.model.parameters() if p.dim() > 1]):
        assert sum(row["weights"]["counts"]) == parameter.numel() == sum(row["gradients"]["counts"])
        assert row["gradients"]["std"] > 0
    assert after[0]["weights"]["counts"] != before[0]["weights"]["counts"]  # training moved the weights
    assert len(inside.histogram_grid(after, before, title="t").data) == 3 * 2 + 3


def test_continuing_lands_where_one_long_run_would():
    settings = dict(model_settings={"dropout": 0.2}, train_settings={"epochs": 6, "seed": 5})
    straight = Run("mlp", "spiral", **settings)
    list(straight.events())
    stepped = Run("mlp", "spiral", **{**settings, "train_settings": {"epochs": 3, "seed": 5}})
    list(stepped.events())
    for _ in range(3):
        events = list(stepped.events(epochs=1))  # single-step: one epoch at a time
        assert sum(isinstance(e, EpochEvent) for e in events) == 1
    assert [h["epoch"] for h in stepped.history] == list(range(1, 7)) and stepped.segments == [3, 1, 1, 1]
    assert [h["val_loss"] for h in stepped.history] == [h["val_loss"] for h in straight.history]
    assert stepped.summary["epochs_run"] == 6 and stepped.summary["test_loss"] == straight.summary["test_loss"]
    for a, b in zip(straight.model.parameters(), stepped.model.parameters()):
        assert torch.equal(a, b)


def test_continuing_after_a_stop_and_the_schedule_restart():
    run = Run("mlp", "moons", train_settings={"epochs": 50, "schedule": "cosine"})
    stop = threading.Event()
    for event in run.events(stop):
        if isinstance(event, EpochEvent) and event.epoch == 2:
            stop.set()
    assert run.summary["status"] == "stopped" and run.epochs_run == 2
    list(run.events(epochs=3))
    assert run.summary["status"] == "finished" and run.epochs_run == 5
    assert [h["epoch"] for h in run.history] == [1, 2, 3, 4, 5]
    # the continued segment's cosine starts again from the initial rate and ends near zero after its 3 epochs
    assert run.history[2]["lr"] > 0.5 * 0.01 and run.history[-1]["lr"] < 1e-6


def test_a_diverged_run_does_not_continue():
    run = Run("mlp", "spiral", train_settings={"optimizer": "sgd", "lr": 10.0, "momentum": 0.99, "epochs": 30})
    list(run.events())
    assert run.summary["status"] == "diverged"
    done = list(run.events(epochs=2))[-1]
    assert done.status == "diverged" and "can't go on" in done.message


def test_inside_views_pick_the_view_that_fits():
    from playground.ui import train_inside

    assert train_inside.look_inside(None).layout.annotations[0].text.startswith("Train a model first")
    run = Run("mlp", "iris", train_settings={"epochs": 1})
    assert "need 2-D data" in train_inside.look_inside(run).layout.annotations[0].text
    rnn = Run("rnn", "digits_rows", model_settings={"hidden_size": 4}, train_settings={"epochs": 1})
    figure = train_inside.look_inside(rnn, example=10_000)  # clamped to the last test example
    assert "LSTM layer 1" in figure.layout.title.text
    assert np.asarray(figure.data[-1].z).shape == (4, 8)  # units x time steps


def test_live_histograms_follow_the_visitors_open_panel_and_go_when_they_leave():
    """The weight histograms are read and drawn live only for a visitor whose "Inside the network" panel is open;
    the running job follows the panel, and leaving forgets it."""
    from types import SimpleNamespace

    from playground.ui import engine, train_inside, train_stream, visitors

    run = Run("mlp", "moons", train_settings={"epochs": 1})
    list(run.events())
    closed = train_inside.draw_live(run, train_inside.live_state(run, neurons=False, histograms=False))
    assert closed == {}  # nothing read, nothing drawn
    opened = train_inside.draw_live(run, train_inside.live_state(run, neurons=False))
    assert "after epoch 1" in opened["histograms"].layout["title"]["text"]

    visitor = SimpleNamespace(session_hash="panel-watcher")
    assert not train_inside.is_open("panel-watcher")
    job = train_stream.train_job(run, 1, request=visitor)
    assert job.histograms_live() is False
    engine.store._register("panel-watcher", job)  # as engine.follow does when the job starts
    train_inside.watch(visitor, True)
    assert train_inside.is_open("panel-watcher") and not train_inside.is_open("someone-else")
    assert job.histograms_live() is True  # the job in flight draws them from its next live state
    train_inside.watch(visitor, False)
    assert job.histograms_live() is False and not train_inside.is_open("panel-watcher")
    train_inside.watch(visitor, True)
    visitors.forget_session("panel-watcher")
    assert not train_inside.is_open("panel-watcher") and engine.current(visitor, "train") is None
