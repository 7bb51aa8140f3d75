"""What is being learnt: a task supplies the loss, the scores and the held-out metrics; the trainer asks it.

Classification scores by accuracy and trains on cross-entropy. Regression
scores by R² (1 is perfect, 0 is no better than always guessing the mean) and
trains on mean squared or mean absolute error, chosen in `RegressionConfig`
(training/config.py, torch-free so the app can build its controls without torch).
Regression targets arrive standardized (see `Splits`), so the loss is in
standard deviations and MAE/RMSE are turned back into the target's own units.
"""

from dataclasses import dataclass

import torch
from torch import nn

from playground.training.config import REGRESSION_LOSS_NAMES, RegressionConfig
from playground.training.events import EpochEvent
from playground.training.metrics import classification_metrics, regression_metrics

REGRESSION_LOSSES = {"mse": nn.functional.mse_loss, "mae": nn.functional.l1_loss}
assert tuple(REGRESSION_LOSSES) == REGRESSION_LOSS_NAMES, "RegressionConfig's choices and the losses drifted apart"


@dataclass
class RegressionEpochEvent(EpochEvent):
    """An epoch of a regression run: `*_accuracy` stay None; the scores are R² and the validation MAE."""

    train_r2: float = 0.0
    val_r2: float = 0.0
    val_mae: float = 0.0  # in the target's own units

    @property
    def kind(self) -> str:
        return "epoch"


@torch.no_grad()
def predict_outputs(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """The raw network outputs in eval mode, in batches."""
    was_training = model.training
    model.eval()
    out = torch.cat([model(x[i:i + batch_size]).float() for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


class Classification:
    name = "classification"
    score_name = "accuracy"

    def __init__(self, splits, settings: dict | None = None):
        self.splits = splits

    def loss(self, outputs, targets):
        return nn.functional.cross_entropy(outputs, targets)

    def batch_score(self, outputs, targets):
        """Summed over the batch: the number right."""
        return (outputs.argmax(1) == targets).sum()

    def epoch_score(self, score_sum, seen):
        return (score_sum / seen).item()

    def evaluate(self, model, x, y) -> tuple[float, dict, torch.Tensor]:
        """Loss, scores and class probabilities on a whole split."""
        probabilities = torch.softmax(predict_outputs(model, x), dim=1)
        loss = nn.functional.nll_loss(torch.log(probabilities.clamp_min(1e-12)), y).item()
        return loss, {"accuracy": (probabilities.argmax(1) == y).float().mean().item()}, probabilities

    def epoch_event(self, *, train_loss, train_score, val_loss, val_scores, **common) -> EpochEvent:
        return EpochEvent(train_loss=train_loss, train_accuracy=train_score, val_loss=val_loss,
                          val_accuracy=val_scores["accuracy"], **common)

    def test_metrics(self, model, x, y) -> dict:
        loss, _, probabilities = self.evaluate(model, x, y)
        probabilities = torch.nan_to_num(probabilities, nan=1.0 / self.splits.num_classes)  # a diverged net is scored
        metrics = classification_metrics(y.cpu().numpy(), probabilities.cpu().numpy(), self.splits.classes)
        return {**metrics, "test_loss": _finite(loss)}


class Regression:
    name = "regression"
    score_name = "R²"

    def __init__(self, splits, settings: dict | None = None):
        from playground import config as cfg

        self.splits = splits
        self.config = cfg.build(RegressionConfig, settings)
        self.loss_fn = REGRESSION_LOSSES[self.config.loss]
        self.train_variance = splits.y_train.float().var(unbiased=False).clamp_min(1e-12)

    def loss(self, outputs, targets):
        return self.loss_fn(outputs[:, 0], targets)

    def batch_score(self, outputs, targets):
        """Summed over the batch: the squared error, turned into R² at the end of the epoch."""
        return ((outputs[:, 0] - targets) ** 2).sum()

    def epoch_score(self, score_sum, seen):
        return (1.0 - score_sum / seen / self.train_variance.to(score_sum.device)).item()

    def evaluate(self, model, x, y) -> tuple[float, dict, torch.Tensor]:
        predictions = predict_outputs(model, x)[:, 0]
        loss = self.loss_fn(predictions, y).item()
        error = predictions - y
        r2 = 1.0 - (error ** 2).mean() / y.var(unbiased=False).clamp_min(1e-12)
        mae = error.abs().mean() * self.splits.target_std
        return loss, {"r2": r2.item(), "mae": mae.item()}, predictions

    def epoch_event(self, *, train_loss, train_score, val_loss, val_scores, **common) -> EpochEvent:
        return RegressionEpochEvent(train_loss=train_loss, train_accuracy=None, val_loss=val_loss, val_accuracy=None,
                                    train_r2=train_score, val_r2=val_scores["r2"], val_mae=val_scores["mae"],
                                    **common)

    def test_metrics(self, model, x, y) -> dict:
        loss, _, predictions = self.evaluate(model, x, y)
        predictions = torch.nan_to_num(predictions, nan=0.0, posinf=0.0, neginf=0.0)  # a diverged net guesses the mean
        to_units = self.splits.to_units
        metrics = regression_metrics(to_units(y.cpu().numpy()), to_units(predictions.cpu().numpy()))
        return {**metrics, "test_loss": _finite(loss), "target": self.splits.classes[0], "loss": self.config.loss}


TASKS = {"classification": Classification, "regression": Regression}


def make_task(splits, settings: dict | None = None):
    """The task object for these splits; `settings` are RegressionConfig values (ignored by classification)."""
    return TASKS[getattr(splits, "task", "classification")](splits, settings)


def _finite(value: float) -> float | None:
    import math

    return value if math.isfinite(value) else None
