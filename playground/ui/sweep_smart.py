"""What the Sweep tab adds for smart search: the runner for the search chosen, the importance chart, and
watching a study that command-line workers fill (results.styled_table greys the pruned runs).

Visitors never name a database: the tab watches only the studies in the storage the host configured
(PLAYGROUND_SWEEP_STORAGE), and its own smart sweeps keep their study in memory.
"""

from playground import i18n
from playground.errors import UserError
from playground.sweep.smart_config import SmartConfig, app_storage


def make_runner(settings: dict):
    """A grid or random `Sweep`, or a `SmartSweep` with the pruner chosen (the one setting only it reads)."""
    settings = dict(settings)
    pruner = settings.pop("pruner", None) or SmartConfig.pruner
    if settings.get("search") == "smart":
        from playground.sweep.smart import SmartSweep

        return SmartSweep(settings, {"pruner": pruner})
    from playground.sweep.runner import Sweep

    return Sweep(settings)


def watcher(study: str):
    """A SmartSweep that only follows `study` in the host's storage; its runs appear as their workers end them."""
    from playground.sweep.smart import SmartSweep

    storage = app_storage()
    if not storage:
        raise UserError(i18n.t("sweep.error.no_storage"))
    if not str(study or "").strip():
        raise UserError(i18n.t("sweep.error.no_study"))
    return SmartSweep({}, {"storage": storage, "study": str(study).strip(), "join": True}, watch=True)


def importance_plot(runner):
    """Which settings mattered (a smart sweep's summary has them; a grid's has none, and the chart says when)."""
    from playground.sweep.importance import importance_figure

    return importance_figure(runner.summary.get("importances"))
