"""What is being learnt: a task supplies the loss, the scores and the held-out metrics; the trainer asks it.

Classification scores by accuracy and trains on cross-entropy. Regression
scores by R² (1 is perfect, 0 is no better than always guessing the mean) and
trains on mean squared or mean absolute error, chosen in `RegressionConfig`
(training/config.py, torch-free so the app can build its controls without torch).
Regression targets arrive standardized (see `Splits`), so the loss is in
standard deviations and MAE/RMSE are turned back into the target's own units.

A task also says how it reads to a person, so no view asks "is this
regression?": its score (`score`, the history's column suffix, and
`score_name`), its history columns, its headline, the picture of 2-D data it
learns (`plane` asks the model, `draw_plane` draws the arrays, so a live job
can keep them per epoch for replay) and its plots once training ends.
"""

from dataclasses import dataclass

import torch
from torch import nn

from playground import i18n
from playground.models.predict import predict_outputs
from playground.training.config import REGRESSION_LOSS_NAMES, RegressionConfig
from playground.training.events import EpochEvent
from playground.training.metrics import classification_metrics, regression_metrics

REGRESSION_LOSSES = {"mse": nn.functional.mse_loss, "mae": nn.functional.l1_loss}
# input values per batch of a validation or test pass: big batches amortise per-call overhead for small
# examples, but a batch of big images whose activations overflow the cache runs slower per image (the shapes
# CNN's 320 validation images, 64x64x3, bf16: 150-165 ms in batches of 1024, 54 ms in batches of 42; digits and
# tabular rows still go in one batch). Measured for issue 15 with benchmarks/bench_training.py's cases.
EVAL_BATCH_VALUES = 2 ** 19
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


class PlaneOfTwoInputs:
    """The picture of 2-D data, shared by every task: `plane` asks the model for small arrays (a live job keeps
    them per epoch for replay), `draw_plane` draws them without the model. A task names its two functions in
    `plane_plots` (imported when first used: plotly is slow to load) and the arrays' dtype and default title."""

    plane_dtype, plane_title = "float32", None  # None: the figure's own default title

    @staticmethod
    def plane_plots():
        """(grid function: asks the model, figure function: draws its arrays)."""
        raise NotImplementedError

    @classmethod
    def plane(cls, model, splits) -> dict:
        grid, _ = cls.plane_plots()
        xs, ys, values = grid(model, splits)
        return {"xs": xs, "ys": ys, "values": values.astype(cls.plane_dtype)}

    @classmethod
    def draw_plane(cls, plane: dict, splits, title: str | None = None):
        _, figure = cls.plane_plots()
        return figure(plane["xs"], plane["ys"], plane["values"], splits, title=title or cls.plane_title)


class Classification(PlaneOfTwoInputs):
    name = "classification"
    score, score_name = "accuracy", "accuracy"  # history column suffix; how it reads
    plane_name = "Decision boundary"  # the picture of 2-D data
    plane_dtype, plane_title = "float16", "Decision boundary (test points on top)"  # its arrays, its figure
    history_columns = ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "lr", "seconds"]

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
        probabilities = torch.softmax(predict_outputs(model, x, eval_batch_size(x)), dim=1)
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


    # how it reads

    @staticmethod
    def target_of(splits, index: int) -> str:
        """What test example `index` is, in words."""
        return i18n.t("training.target.class",
                      name=i18n.class_words(splits.classes, splits.name)[int(splits.y_test[index])])

    @staticmethod
    def headline(summary: dict) -> str:
        return i18n.t("training.headline.classification", accuracy=f"{summary['test_accuracy']:.3f}",
                      f1=f"{summary['test_f1']:.3f}")

    @staticmethod
    def preview(splits):
        from playground.plots.data_preview import dataset_preview

        figure = dataset_preview(splits)
        if splits.kind == "image" and figure.layout.height < 260:  # two or three classes: give the rows room
            figure.update_layout(height=260)
        return figure

    @staticmethod
    def plane_plots():
        """Class probabilities over a grid of the plane, and their picture (colour = predicted class)."""
        from playground.plots.boundary import boundary_figure, grid_probabilities

        return grid_probabilities, boundary_figure

    @staticmethod
    def final_plots(model, splits, summary: dict) -> dict:
        """{'metrics': table rows, 'second': (label, figure), 'mistakes': figure or None} once training ends."""
        from playground.plots import results

        return {"metrics": results.metrics_rows(summary),
                "second": ("Confusion matrix", results.confusion_matrix(summary["confusion_matrix"],
                                                                     i18n.class_words(splits.classes, splits.name))),
                "mistakes": results.misclassified(model, splits)}


class Regression(PlaneOfTwoInputs):
    name = "regression"
    score, score_name = "r2", "R²"
    plane_name = "Learnt surface"
    history_columns = ["epoch", "train_loss", "train_r2", "val_loss", "val_r2", "val_mae", "lr", "seconds"]

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
        predictions = predict_outputs(model, x, eval_batch_size(x))[:, 0]
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


    # how it reads

    @staticmethod
    def target_of(splits, index: int) -> str:
        value = float(splits.to_units(splits.y_test[index : index + 1].numpy())[0])
        return f"{splits.classes[0]} {value:.3g}"

    @staticmethod
    def headline(summary: dict) -> str:
        return i18n.t("training.headline.regression", r2=f"{summary['test_r2']:.3f}", mae=f"{summary['test_mae']:.4g}",
                      target=summary.get("target", "target"))

    @staticmethod
    def preview(splits):
        from playground.plots.regression import target_preview

        return target_preview(splits)

    @staticmethod
    def plane_plots():
        """The prediction over a grid of the plane, in the target's units, and its picture."""
        from playground.plots.regression import surface_figure, surface_grid

        return surface_grid, surface_figure

    @staticmethod
    def final_plots(model, splits, summary: dict) -> dict:
        from playground.plots import regression

        return {"metrics": regression.metrics_rows(summary),
                "second": ("Predicted vs true", regression.predicted_vs_true(model, splits)), "mistakes": None}


TASKS = {"classification": Classification, "regression": Regression}


def make_task(splits, settings: dict | None = None):
    """The task object for these splits; `settings` are RegressionConfig values (ignored by classification)."""
    return TASKS[getattr(splits, "task", "classification")](splits, settings)


def eval_batch_size(x: torch.Tensor) -> int:
    """Examples per batch of a held-out pass over `x`: about EVAL_BATCH_VALUES input values, 16 to 1024."""
    per_example = max(1, x[0].numel()) if len(x) else 1
    return max(16, min(1024, EVAL_BATCH_VALUES // per_example))


def _finite(value: float) -> float | None:
    import math

    return value if math.isfinite(value) else None
