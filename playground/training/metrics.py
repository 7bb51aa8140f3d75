"""Held-out metrics computed by sklearn: from class probabilities (classification) or predictions (regression)."""

import numpy as np


def classification_metrics(y_true, probabilities, class_names=None) -> dict:
    """Accuracy, macro precision/recall/F1, ROC AUC (binary, or one-vs-rest) and the confusion matrix."""
    from sklearn import metrics

    y_true = np.asarray(y_true)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    num_classes = probabilities.shape[1]
    y_pred = probabilities.argmax(axis=1)
    labels = np.arange(num_classes)
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average="macro", zero_division=0)
    result = {
        "test_accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "test_precision": float(precision),
        "test_recall": float(recall),
        "test_f1": float(f1),
        "test_roc_auc": _roc_auc(y_true, probabilities, labels),
        "confusion_matrix": metrics.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }
    if class_names is not None:
        result["classes"] = list(class_names)
    return result


def _roc_auc(y_true, probabilities, labels) -> float | None:
    """None when the test split lacks a class (AUC is undefined then)."""
    from sklearn.metrics import roc_auc_score

    if len(np.unique(y_true)) < len(labels):
        return None
    if len(labels) == 2:
        return float(roc_auc_score(y_true, probabilities[:, 1]))
    # rows must sum to exactly 1 for sklearn's multi-class check
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    return float(roc_auc_score(y_true, probabilities, multi_class="ovr", labels=labels))


def regression_metrics(y_true, predictions) -> dict:
    """R², MAE, MSE and RMSE, in the target's own units."""
    from sklearn import metrics

    y_true = np.asarray(y_true, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64)
    mse = float(metrics.mean_squared_error(y_true, predictions))
    return {"test_r2": float(metrics.r2_score(y_true, predictions)),
            "test_mae": float(metrics.mean_absolute_error(y_true, predictions)),
            "test_mse": mse, "test_rmse": float(np.sqrt(mse))}
