"""After training: the confusion matrix, the metrics at a glance, and the examples the model got wrong."""

import numpy as np
from playground import i18n
from playground.plots.data_preview import GRID_MARGIN, grid_height, image_mosaic, tile_layout


def confusion_matrix(matrix, classes):
    """Counts per (true, predicted) class, coloured by the share of the true class's row (a plain `Chart`)."""
    from playground.plots import chart

    matrix = np.asarray(matrix)
    totals = matrix.sum(axis=1, keepdims=True).clip(min=1)
    share = matrix / totals
    text = [[f"{matrix[i, j]}" for j in range(len(classes))] for i in range(len(classes))]
    heatmap = dict(type="heatmap", z=share.tolist(), x=list(classes), y=list(classes), text=text,
                   texttemplate="%{text}", colorscale=chart.colourscale("Blues"), zmin=0, zmax=1,
                   colorbar=dict(title=dict(text=i18n.t("plots.confusion.share"))),
                   hovertemplate=i18n.t("plots.confusion.hover") + "<extra></extra>")
    layout = chart.layout(title=i18n.t("plots.confusion.title"), height=max(320, 40 * len(classes) + 120))
    layout["xaxis"].update(title=dict(text=i18n.t("plots.confusion.predicted")), type="category", showgrid=False)
    layout["yaxis"].update(title=dict(text=i18n.t("plots.confusion.true")), type="category", autorange="reversed",
                           showgrid=False)
    return chart.Chart([heatmap], layout)


def metrics_rows(summary: dict) -> list[list]:
    """[metric, value] rows for a table; ROC AUC may be undefined (a class missing from the test split)."""
    from playground.plots.regression import run_rows

    names = ("test_accuracy", "test_precision", "test_recall", "test_f1", "test_roc_auc", "test_loss")
    rows = [[i18n.t(f"plots.metrics.{key}"), i18n.t("plots.metrics.na") if summary.get(key) is None
             else round(summary[key], 4)] for key in names]
    return rows + run_rows(summary)


def misclassified(model, splits, limit: int = 24):
    """Test images the model got wrong, captioned 'true -> predicted' (a plain `Chart`: it is drawn when every run
    ends, and plotly's validating figure with its 20-odd annotations cost 60-250 ms of the run); None for
    non-image data."""
    if splits.kind != "image":
        return None
    from playground.models.predict import predict_proba
    from playground.plots import chart

    device = next(model.parameters()).device
    predicted = predict_proba(model, splits.x_test.to(device)).argmax(1).cpu()
    wrong = np.flatnonzero((predicted != splits.y_test).numpy())[:limit]
    if len(wrong) == 0:
        return None
    # one row per true class, each tile captioned by what the model said
    images, labels = splits.x_test[wrong], splits.y_test[wrong]
    classes = i18n.class_words(splits.classes, splits.name)
    mosaic, rows, row_labels = image_mosaic(images, labels, classes, per_class=8)
    title = i18n.t("plots.misclassified.title", wrong=int((predicted != splits.y_test).sum()), total=len(splits.y_test))
    layout = chart.layout(title=title, height=grid_height(rows), margin=dict(GRID_MARGIN),
                          annotations=row_labels + _captions(images, labels, predicted[wrong].numpy(), classes))
    for axis in ("xaxis", "yaxis"):
        layout[axis]["visible"] = False
    image = dict(type="image", source=chart.png_source(mosaic), hoverinfo="skip")
    return chart.Chart([image], layout)


def _captions(images, labels, predicted, classes) -> list[dict]:
    height, width, pad = tile_layout(images[0])
    rows = [c for c in range(len(classes)) if (labels.numpy() == c).any()]
    return [dict(x=k * (width + pad) + width / 2, y=r * (height + pad) + height, text=f"→ {classes[predicted[index]]}",
                 showarrow=False, yanchor="top", font=dict(size=10, color="#dc2626"))
            for r, c in enumerate(rows) for k, index in enumerate(np.flatnonzero(labels.numpy() == c)[:8])]
