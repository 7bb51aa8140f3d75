"""The Train tab's data plot for replay: the worker keeps each epoch's weights, the grid is computed when drawn.

Why: computing the decision boundary's grid (a forward pass over 70 x 70
points) after every epoch cost the worker about as much as a fast epoch of
moons itself, and the page shows at most a couple of those grids a second.
So for a small model the worker's per-epoch record is a copy of its weights
(tens of microseconds, made between epochs: a safe point), and the grid is
computed from that copy only when the painter or the replay slider draws that
epoch, on a private copy of the model made before training (never the
training model itself), then kept in the record. A large model (more than
`WEIGHTS_UP_TO` parameters) records the grid itself, which is then smaller
than its weights; the replay store's cap bounds both.
"""

from __future__ import annotations

import copy
import threading
import weakref

WEIGHTS_UP_TO = 100_000  # parameters: up to this many, an epoch's record is its weights (<= 400 KB in float32)

_drawers: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # run -> its drawing copy; goes with the run
_lock = threading.Lock()


class _Drawer:
    """A copy of a run's model that only ever draws (loaded with a record's weights), with its own lock."""

    def __init__(self, model):
        self.model, self.lock = copy.deepcopy(model), threading.Lock()


def prepare(run) -> None:
    """Make the run's drawing copy (call it from the worker before training: it reads the model)."""
    if run.parameters <= WEIGHTS_UP_TO:
        with _lock:
            if run not in _drawers:
                _drawers[run] = _Drawer(run.model)


def record(run) -> dict:
    """What the replay keeps of the data plot at this epoch (worker, between epochs): the weights of a small
    model, the grid itself for a large one."""
    if run in _drawers:
        return {"weights": {k: v.detach().clone() for k, v in run.model.state_dict().items()}}
    return {"plane": run.problem.plane(run.model, run.splits)}


def plane(run, data: dict) -> dict | None:
    """The grid of a replay record (computed once from its weights and kept there), or None when it has neither."""
    if "plane" in data:
        return data["plane"]
    drawer = _drawers.get(run)
    if "weights" not in data or drawer is None:
        return None
    with drawer.lock:
        if "plane" not in data:  # another thread may have drawn this record while we waited
            drawer.model.load_state_dict(data["weights"])
            data["plane"] = run.problem.plane(drawer.model, run.splits)
            data.pop("weights")  # the grid is what is drawn from now on (and smaller for a mid-sized model)
    return data["plane"]
