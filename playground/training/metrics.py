"""Held-out metrics from class probabilities (classification) or predictions (regression).

Classification is computed here with numpy, from the confusion matrix and
from average ranks (ROC AUC is the Mann-Whitney statistic: the share of
(positive, negative) pairs ranked right, ties counting half), because every
sklearn call validates its inputs first (dtype, shape, dataframe and array-API
checks): the six calls the metrics took cost 40-160 ms per run, more than a
whole epoch of a small net and 10% of a short training run
(benchmarks/bench_training.py, issue 15). The formulas are sklearn's own
definitions (macro averages, `zero_division=0`, one-vs-rest AUC averaged over
classes); tests/test_metrics.py holds them to sklearn. Regression keeps
sklearn (four cheap calls on one vector).
"""

import numpy as np


def classification_metrics(y_true, probabilities, class_names=None) -> dict:
    """Accuracy, macro precision/recall/F1, ROC AUC (binary, or one-vs-rest) and the confusion matrix."""
    y_true = np.asarray(y_true).astype(np.int64, copy=False)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    num_classes = probabilities.shape[1]
    y_pred = probabilities.argmax(axis=1)
    confusion = np.bincount(y_true * num_classes + y_pred, minlength=num_classes * num_classes)
    confusion = confusion.reshape(num_classes, num_classes)  # rows: true class, columns: predicted
    right = np.diag(confusion).astype(np.float64)
    precision = _share(right, confusion.sum(axis=0))
    recall = _share(right, confusion.sum(axis=1))
    f1 = _share(2 * precision * recall, precision + recall)
    result = {
        "test_accuracy": float(right.sum() / max(len(y_true), 1)),
        "test_precision": float(precision.mean()),
        "test_recall": float(recall.mean()),
        "test_f1": float(f1.mean()),
        "test_roc_auc": _roc_auc(y_true, probabilities),
        "confusion_matrix": confusion.tolist(),
    }
    if class_names is not None:
        result["classes"] = list(class_names)
    return result


def _share(numerator, denominator) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0 (sklearn's zero_division=0)."""
    return np.divide(numerator, denominator, out=np.zeros(len(numerator)), where=denominator > 0)


def _roc_auc(y_true, probabilities) -> float | None:
    """Binary AUC of the second column's score, or the macro mean of one-vs-rest AUCs; None when the split
    lacks a class (AUC is undefined then)."""
    num_classes = probabilities.shape[1]
    if len(np.unique(y_true)) < num_classes:
        return None
    if num_classes == 2:
        return _binary_auc(y_true == 1, probabilities[:, 1])
    return float(np.mean([_binary_auc(y_true == c, probabilities[:, c]) for c in range(num_classes)]))


def _binary_auc(positive: np.ndarray, score: np.ndarray) -> float:
    """P(a positive scores above a negative) + P(tie) / 2, from the average ranks of the scores."""
    _, group, counts = np.unique(score, return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based rank, ties sharing their mean
    ranks = average_rank[group.reshape(-1)]
    n_positive = int(positive.sum())
    n_negative = len(positive) - n_positive
    u = ranks[positive].sum() - n_positive * (n_positive + 1) / 2.0
    return float(u / (n_positive * n_negative))


def regression_metrics(y_true, predictions) -> dict:
    """R², MAE, MSE and RMSE, in the target's own units."""
    from sklearn import metrics

    y_true = np.asarray(y_true, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64)
    mse = float(metrics.mean_squared_error(y_true, predictions))
    return {"test_r2": float(metrics.r2_score(y_true, predictions)),
            "test_mae": float(metrics.mean_absolute_error(y_true, predictions)),
            "test_mse": mse, "test_rmse": float(np.sqrt(mse))}
