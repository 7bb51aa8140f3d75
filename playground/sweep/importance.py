"""Which settings mattered: Optuna's importance evaluator over a study's finished runs, and its bar chart.

The default evaluator (PED-ANOVA in Optuna 5) looks only at finished runs, so a
study needs a few of them, with something that varied, before it says anything.
"""

import plotly.graph_objects as go

from playground import i18n
from playground.plots.style import empty, style

MIN_FINISHED = 3


def importances(study) -> dict[str, float] | None:
    """Setting -> share of the validation accuracy's variation it explains (they sum to 1); None if too few runs."""
    import optuna
    from optuna.trial import TrialState

    finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if len(finished) < MIN_FINISHED or not any(t.params for t in finished):
        return None
    try:
        found = optuna.importance.get_param_importances(study)
    except (ValueError, RuntimeError):  # e.g. every finished run had the same settings
        return None
    return {name: round(float(value), 4) for name, value in found.items()} or None


def setting_name(name: str) -> str:
    """A swept setting as a person calls it (sweep.setting.<name>), in the visitor's language."""
    return i18n.t_or(f"sweep.setting.{name}", name)


def importance_figure(found: dict[str, float] | None) -> go.Figure:
    if not found:
        return empty(i18n.t("sweep.plot.importance_empty", runs=MIN_FINISHED))
    names = list(found)[::-1]  # the most important on top
    fig = go.Figure(go.Bar(x=[found[n] for n in names], y=[setting_name(n) for n in names], orientation="h",
                           marker_color="#2563eb", text=[f"{found[n]:.0%}" for n in names], textposition="auto"))
    fig.update_xaxes(title_text=i18n.t("sweep.plot.importance_axis"), range=[0, 1])
    fig = style(fig, title=i18n.t("sweep.plot.importance_title"), height=120 + 40 * len(names))
    fig.update_layout(margin=dict(l=110))  # room for "learning rate"
    return fig
