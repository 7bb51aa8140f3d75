"""The settings only smart search has: the pruner, and where the study lives so many workers can share it.

Torch- and Optuna-free, so the Sweep tab and the CLI can read the defaults at start-up.
"""

import os
from dataclasses import dataclass

from playground.config import param

PRUNERS = ("median", "halving", "none")


@dataclass
class SmartConfig:
    pruner: str = param("median", "Smart search: how poor runs are stopped early. median stops a run whose "
                        "validation accuracy is below the median of earlier runs at the same epoch; halving "
                        "(successive halving) keeps only the best third at epochs 1, 3, 9, ...; none never stops "
                        "one.", choices=PRUNERS, label="Pruner")
    storage: str = param("", "Smart search: where the study lives, shared by every worker: a SQLite file "
                         "(sqlite:///sweep.db) or PostgreSQL (postgresql+psycopg://user@host/db). Empty: in memory, "
                         "for this process only.", label="Study storage")
    study: str = param("", "Smart search: the study's name; workers started with the same name and storage "
                       "share one budget (empty: a new name is made up and printed).", label="Study name")
    join: bool = param(False, "Smart search: only join the existing study --study in --storage, with the "
                       "settings it was created with; an unknown name is refused.", label="Join only")


def app_storage() -> str:
    """The study storage the host gave the app (PLAYGROUND_SWEEP_STORAGE), '' if none: the Sweep tab watches the
    studies there. Visitors never name a database themselves."""
    return os.environ.get("PLAYGROUND_SWEEP_STORAGE", "").strip()
