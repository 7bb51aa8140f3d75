"""The replay slider of a Transformer run redraws the attention recorded at that epoch, made by the worker."""

from types import SimpleNamespace

import numpy as np
import torch

from playground.training.run import Run
from playground.ui import engine, train_stream


def heatmaps(figure) -> list[np.ndarray]:
    return [np.asarray(trace.z, dtype=float) for trace in figure.data if getattr(trace, "z", None) is not None]


def test_replay_at_epoch_1_shows_the_attention_of_epoch_1_not_the_last():
    request = SimpleNamespace(session_hash="attention-replay")
    run = Run("transformer", "pointer", train_settings={"lr": 0.002, "epochs": 6, "seed": 0})
    updates = list(train_stream.follow(request, train_stream.train_job(run), run))
    assert "epochs in" in updates[-1]["status"], updates[-1]["status"]
    job = engine.current(request, "train")
    assert job.snapshots.epochs() == [0, 1, 2, 3, 4, 5, 6]

    first, last = train_stream.replay(request, 1), train_stream.replay(request, 6)
    assert "after epoch 1" in first["inside"].layout.title.text
    assert "after epoch 6" in last["inside"].layout.title.text
    assert "before training" in train_stream.replay(request, 0)["inside"].layout.title.text
    early, late = heatmaps(first["inside"]), heatmaps(last["inside"])
    assert early and len(early) == len(late)
    assert max(float(np.abs(a - b).max()) for a, b in zip(early, late)) > 0.05  # the heads learned where to look

    recorded = job.snapshots.at(1)[1]["attention"]  # what the worker read at epoch 1: one example's maps
    assert [tuple(layer.shape) for layer in recorded["layers"]] == \
        [(run.model_config.heads, len(recorded["labels"]), len(recorded["labels"]))] * run.model_config.layers
    engine.forget("attention-replay")


def test_the_replay_follows_the_example_the_visitor_picked():
    """Train with test example 5 in the box: every snapshot is example 5's attention, the replay draws it, and
    the last one is exactly what the trained model gives for example 5. Moving the box while it trains moves the
    snapshots that follow; out-of-range numbers stay within the test split and garbage gets one sentence."""
    import pytest

    from playground.errors import UserError
    from playground.inspect.attention import attention_maps
    from playground.ui import train_attention

    request = SimpleNamespace(session_hash="attention-replay-example")
    settings = {"dim": 8, "heads": 2, "ff_dim": 8}
    run = Run("transformer", "pointer", model_settings=settings, train_settings={"lr": 0.002, "epochs": 30})
    moved = False
    for _ in train_stream.follow(request, train_stream.train_job(run, example=5), run):
        job = engine.current(request, "train")  # None until the job is under way
        if not moved and job is not None and 1 in job.snapshots.epochs():
            train_stream.look_at(request, 7)  # the visitor types 7 while it trains
            moved = True
    assert moved
    recorded = {epoch: job.snapshots.at(epoch)[1]["attention"]["example"] for epoch in job.snapshots.epochs()}
    assert recorded[0] == recorded[1] == 5 and recorded[30] == 7, recorded
    moved_at = min(e for e, example in recorded.items() if example == 7)
    assert all(example == (5 if e < moved_at else 7) for e, example in recorded.items())

    last = job.snapshots.at(30)[1]["attention"]
    expected = attention_maps(run.model, run.splits.x_test[7])
    assert last["labels"] == expected["labels"]
    assert all(torch.equal(a, b) for a, b in zip(last["layers"], expected["layers"]))
    replayed = train_stream.replay(request, 1)["inside"]
    assert replayed.layout.title.text.startswith("Attention for test sequence 5 ")
    assert train_stream.replay(request, 30)["inside"].layout.title.text.startswith("Attention for test sequence 7 ")
    drawn = heatmaps(train_attention.draw(job.snapshots.at(1)[1]["attention"], 1))
    assert all(np.array_equal(a, b) for a, b in zip(heatmaps(replayed), drawn))

    train_stream.look_at(request, 10**9)
    assert job.example == len(run.splits.y_test) - 1
    with pytest.raises(UserError, match="whole number"):
        train_stream.look_at(request, "seven")
    engine.forget("attention-replay-example")
