"""Our metrics against sklearn and against values worked out by hand."""

import numpy as np
import pytest

from playground.training.metrics import classification_metrics


def test_binary_case_worked_out_by_hand():
    y_true = [0, 0, 1, 1, 1]
    p1 = np.array([0.1, 0.6, 0.7, 0.4, 0.9])  # predictions: 0 1 1 0 1
    result = classification_metrics(y_true, np.stack([1 - p1, p1], axis=1))
    assert result["test_accuracy"] == pytest.approx(3 / 5)
    # class 0: precision 1/2, recall 1/2; class 1: precision 2/3, recall 2/3
    assert result["test_precision"] == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert result["test_recall"] == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert result["confusion_matrix"] == [[1, 1], [1, 2]]
    # AUC: of the 6 (positive, negative) pairs, 5 are ranked correctly
    assert result["test_roc_auc"] == pytest.approx(5 / 6)


def test_multiclass_matches_sklearn():
    from sklearn import metrics

    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 4, 200)
    logits = rng.normal(size=(200, 4)) + 2.0 * np.eye(4)[y_true]
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    result = classification_metrics(y_true, probabilities)
    y_pred = probabilities.argmax(1)
    assert result["test_accuracy"] == pytest.approx(metrics.accuracy_score(y_true, y_pred))
    assert result["test_f1"] == pytest.approx(metrics.f1_score(y_true, y_pred, average="macro"))
    assert result["test_roc_auc"] == pytest.approx(metrics.roc_auc_score(y_true, probabilities, multi_class="ovr"))
    assert np.array_equal(result["confusion_matrix"], metrics.confusion_matrix(y_true, y_pred))


def test_auc_is_none_when_a_class_is_missing_from_the_split():
    result = classification_metrics([0, 0, 1], np.full((3, 3), 1 / 3))
    assert result["test_roc_auc"] is None
