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


@pytest.mark.parametrize("num_classes", [2, 3, 10])
def test_every_figure_matches_sklearn_with_ties_and_a_class_never_predicted(num_classes):
    """Scores rounded to one decimal (many ties, which AUC counts half) and one class no row predicts
    (its precision is 0 by sklearn's zero_division=0)."""
    from sklearn import metrics

    rng = np.random.default_rng(num_classes)
    y_true = rng.integers(0, num_classes, 300)
    y_true[:num_classes] = np.arange(num_classes)  # every class is present
    logits = rng.normal(size=(300, num_classes)) + 1.5 * np.eye(num_classes)[y_true]
    logits[:, num_classes - 1] -= 50.0  # never the argmax
    probabilities = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    probabilities = np.round(probabilities, 1) + 1e-3
    probabilities /= probabilities.sum(1, keepdims=True)
    result = classification_metrics(y_true, probabilities)
    y_pred = probabilities.argmax(1)
    labels = np.arange(num_classes)
    precision, recall, f1, _ = metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                                       average="macro", zero_division=0)
    if num_classes == 2:
        auc = metrics.roc_auc_score(y_true, probabilities[:, 1])
    else:
        auc = metrics.roc_auc_score(y_true, probabilities, multi_class="ovr", labels=labels)
    assert (y_pred == num_classes - 1).sum() == 0
    assert result["test_accuracy"] == pytest.approx(metrics.accuracy_score(y_true, y_pred), abs=1e-12)
    assert result["test_precision"] == pytest.approx(precision, abs=1e-12)
    assert result["test_recall"] == pytest.approx(recall, abs=1e-12)
    assert result["test_f1"] == pytest.approx(f1, abs=1e-12)
    assert result["test_roc_auc"] == pytest.approx(auc, abs=1e-12)
    assert result["confusion_matrix"] == metrics.confusion_matrix(y_true, y_pred, labels=labels).tolist()
