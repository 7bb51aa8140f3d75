"""Regression as a task: bundled sets, MSE and MAE losses, R²/MAE against sklearn, the plots, the refusals."""

import numpy as np
import pytest

from playground.data import load_dataset
from playground.errors import UserError
from playground.training.metrics import regression_metrics
from playground.training.run import Run


def test_metrics_by_hand_and_against_sklearn():
    result = regression_metrics([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0])
    # errors 0, 0, 0, 2: MAE 0.5, MSE 1; variance of the truth is 1.25 so R² = 1 - 1 / 1.25
    assert result["test_mae"] == pytest.approx(0.5) and result["test_mse"] == pytest.approx(1.0)
    assert result["test_rmse"] == pytest.approx(1.0) and result["test_r2"] == pytest.approx(0.2)
    from sklearn import metrics

    rng = np.random.default_rng(0)
    truth, guess = rng.normal(size=100), rng.normal(size=100)
    assert regression_metrics(truth, guess)["test_r2"] == pytest.approx(metrics.r2_score(truth, guess))


@pytest.mark.parametrize("name,features", [("diabetes", 10), ("surface", 2)])
def test_bundled_regression_sets(name, features):
    splits = load_dataset(name)
    assert splits.task == "regression" and splits.input_shape == (features,) and splits.num_classes == 1
    assert splits.y_train.dtype.is_floating_point and abs(float(splits.y_train.mean())) < 1e-5
    assert float(splits.y_train.std(unbiased=False)) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(splits.to_units(0.0), float(np.mean(splits.to_units(splits.y_train.numpy()))), atol=1e-4)


def test_diabetes_mlp_is_as_good_as_linear_regression():
    """The reference: sklearn's least squares on the same split (test R² about 0.45 on this split)."""
    from sklearn.linear_model import LinearRegression

    splits = load_dataset("diabetes")
    linear = LinearRegression().fit(splits.x_train.numpy(), splits.y_train.numpy())
    reference = regression_metrics(splits.to_units(splits.y_test.numpy()),
                                   splits.to_units(linear.predict(splits.x_test.numpy())))["test_r2"]
    run = Run("mlp", "diabetes", model_settings={"width": 32}, train_settings={"epochs": 25, "lr": 0.003})
    events = list(run.events())
    assert [e.to_dict()["event"] for e in events].count("epoch") == 25
    assert run.summary["test_r2"] > 0.4 and run.summary["test_r2"] > reference - 0.05, (run.summary, reference)
    assert run.summary["test_mae"] > 10  # reported in disease-progression units, not standard deviations
    assert "test_accuracy" not in run.summary and run.history[-1]["val_accuracy"] is None


def test_mae_loss_is_what_it_says():
    run = Run("mlp", "surface", train_settings={"epochs": 6}, task_settings={"loss": "mae"})
    list(run.events())
    splits = run.splits
    # the reported test loss is the mean absolute error in standard deviations
    assert run.summary["test_loss"] * splits.target_std == pytest.approx(run.summary["test_mae"], rel=1e-4)
    assert run.summary["test_r2"] > 0.6 and run.history[-1]["train_r2"] > 0.6


def test_surface_is_learnt_and_drawn():
    from playground.plots import curves, regression

    run = Run("mlp", "surface", model_settings={"activation": "tanh"}, train_settings={"epochs": 25, "lr": 0.01})
    list(run.events())
    assert run.summary["test_r2"] > 0.85
    figure = regression.learnt_surface(run.model, run.splits)
    assert np.asarray(figure.data[0]["z"]).shape == (60, 60)
    scatter = regression.predicted_vs_true(run.model, run.splits).data[1]
    assert len(scatter.x) == len(run.splits.y_test)
    assert np.allclose(scatter.x, run.splits.to_units(run.splits.y_test.numpy()))
    assert len(curves.training_curves(run.history, score="r2").data) == 4


def test_regression_settings_are_checked_and_refused_on_classes():
    with pytest.raises(UserError, match="Regression loss must be one of mse, mae"):
        Run("mlp", "diabetes", task_settings={"loss": "hinge"})
    with pytest.raises(UserError, match="classification dataset: the regression loss does not apply"):
        Run("mlp", "moons", task_settings={"loss": "mae"})
