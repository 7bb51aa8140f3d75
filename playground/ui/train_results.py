"""What the Train tab draws for each task: curves, the data plot, the results table and plots.

A table of task -> functions rather than `if regression:` in the handlers:
classification gets accuracy curves, the decision boundary, a confusion
matrix and misclassified images; regression gets R² curves, the learnt
surface (2-D data) and a predicted-vs-true plot.
"""

import gradio as gr

from playground.plots import boundary, curves, regression, results
from playground.plots.data_preview import dataset_preview


def is_two_d(splits) -> bool:
    return splits.kind == "tabular" and splits.input_shape == (2,)


def preview(splits):
    if splits.task == "regression":
        return regression.target_preview(splits)
    figure = dataset_preview(splits)
    if splits.kind == "image" and figure.layout.height < 260:  # two or three classes: give the rows room
        figure.update_layout(height=260)
    return figure


def training_curves(run, steps):
    return curves.training_curves(run.history, steps, score="r2" if run.task == "regression" else "accuracy")


def live_data_plot(run):
    """The plot that moves while training (2-D data only), or None."""
    if not is_two_d(run.splits):
        return None
    if run.task == "regression":
        return regression.learnt_surface(run.model, run.splits)
    return boundary.decision_boundary(run.model, run.splits)


def score_text(run) -> str:
    last = run.history[-1] if run.history else None
    if last is None:
        return "first epoch…"
    score = f"R² {last['val_r2']:.3f}" if run.task == "regression" else f"accuracy {last['val_accuracy']:.3f}"
    return f"epoch {last['epoch']}/{last['epochs']} · validation {score}"


def headline(summary: dict) -> str:
    if summary.get("task") == "regression":
        return (f"**test R² {summary['test_r2']:.3f}**, MAE {summary['test_mae']:.4g} "
                f"({summary.get('target', 'target')} units)")
    return f"**test accuracy {summary['test_accuracy']:.3f}**, F1 {summary['test_f1']:.3f}"


def final_outputs(run) -> list:
    """[metrics table, second plot, mistakes plot] updates once the run ends."""
    summary = run.summary
    if run.task == "regression":
        return [gr.update(value=regression.metrics_rows(summary), visible=True),
                gr.update(value=regression.predicted_vs_true(run.model, run.splits), visible=True,
                          label="Predicted vs true"),
                gr.update(value=None, visible=False)]
    mistakes = results.misclassified(run.model, run.splits)
    return [gr.update(value=results.metrics_rows(summary), visible=True),
            gr.update(value=results.confusion_matrix(summary["confusion_matrix"], run.splits.classes), visible=True,
                      label="Confusion matrix"),
            gr.update(value=mistakes, visible=mistakes is not None)]
