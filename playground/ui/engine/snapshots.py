"""Per-epoch replay records of one live job, bounded however long the job runs.

Why: a replay slider can scrub any epoch of a run, but a "run until I stop" may
train for thousands; a store that kept every epoch would grow without end. This
one keeps at most `limit` records, evenly spaced (see `Snapshots`).
"""

from __future__ import annotations

import threading

MAX_SNAPSHOTS = 60  # replay records kept per job, thinned evenly over a long run


class Snapshots:
    """Per-epoch records for replay, at most `limit`, spread evenly over the run however long it gets.

    Epoch 1 and the newest epoch are always kept; in between, every `stride`-th epoch, and the stride doubles
    whenever the store is full, so memory stays bounded and the kept epochs stay evenly spaced.
    """

    def __init__(self, limit: int = MAX_SNAPSHOTS):
        assert limit >= 2, "a replay needs room for the first and the newest epoch"
        self.limit, self.stride = limit, 1
        self._records: dict[int, dict] = {}
        self._lock = threading.Lock()

    def _on_stride(self, epoch: int, first: int) -> bool:
        return (epoch - first) % self.stride == 0

    def add(self, epoch: int, **data) -> None:
        with self._lock:
            if self._records:
                first, newest = min(self._records), max(self._records)
                if newest != first and not self._on_stride(newest, first):
                    del self._records[newest]  # it was kept only for being the newest
            self._records[int(epoch)] = data
            while len(self._records) > self.limit:
                self.stride *= 2
                first, newest = min(self._records), max(self._records)
                self._records = {e: d for e, d in self._records.items()
                                 if e == newest or self._on_stride(e, first)}

    def epochs(self) -> list[int]:
        with self._lock:
            return sorted(self._records)

    def at(self, epoch: int) -> tuple[int, dict] | None:
        """The record nearest to `epoch` (the earlier one on a tie), or None when nothing is recorded."""
        with self._lock:
            if not self._records:
                return None
            nearest = min(self._records, key=lambda e: (abs(e - epoch), e))
            return nearest, self._records[nearest]

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)
