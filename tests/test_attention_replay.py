"""The replay slider of a Transformer run redraws the attention recorded at that epoch, made by the worker."""

from types import SimpleNamespace

import numpy as np

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
