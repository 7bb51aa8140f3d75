"""The generic training loop. It knows nothing about any particular model or task.

Data stays as tensors on the device and batches are slices of a shuffled
index, so there is no per-sample Python and no DataLoader overhead. The task
(tasks.py) supplies the loss and the scores. A `Trainer` keeps the optimizer,
the schedule and the shuffling generator between calls, so `run(n)` can be
called again to continue where it stopped (or to go one epoch at a time). It
yields events (events.py); a `stop` flag checked every step ends it early,
and the model keeps whatever it has learnt so far. Image nets train with
channels-last images and, where it pays, bfloat16 autocast (TrainConfig's
`channels_last` and `precision`); validation and test passes run under
`inference_mode` with their sums kept on the device, so the host waits for
the device once per pass, not once per batch.
"""

import math
import threading
import time

import torch
from torch import nn

from playground import i18n
from playground.precision import training_choice
from playground.training import distributed
from playground.training.config import TrainConfig
from playground.training.events import DoneEvent, StepEvent
from playground.training.tasks import make_task

STEP_EVENTS_PER_EPOCH = 8
DIVERGED_LOSS = 1e6


OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "adagrad": "Adagrad", "rmsprop": "RMSprop"}
FUSED_OPTIMIZERS = {"sgd", "adam", "adamw", "adagrad"}  # torch has a one-kernel step for these on the CPU and CUDA
FUSED_DEVICES = {"cpu", "cuda"}


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """The configured optimizer over `model`'s parameters (call it once the model is on its device).

    Where torch has a fused step for it (SGD, Adam, AdamW, Adagrad; CPU and CUDA) that is used: one kernel
    updates every parameter, where the default step runs five to ten small tensor operations per parameter
    from Python. The same update rule, so results match the default step's to float rounding; a small net
    spends a fifth of its step there (Adam: 2.4 -> 2.0 ms a step for bench_training.py's LSTM)."""
    params, lr, decay = list(model.parameters()), config.lr, config.weight_decay
    on_fused_device = all(p.is_floating_point() and p.device.type in FUSED_DEVICES for p in params)
    if hasattr(model, "param_groups"):  # a model may ask for per-part rates (a pretrained backbone learning slower)
        params = [{"params": g["params"], "lr": lr * g.get("lr_scale", 1.0)} for g in model.param_groups()]
    settings = {"lr": lr, "weight_decay": decay}
    if config.optimizer == "sgd":
        settings["momentum"] = config.momentum
    if config.optimizer in FUSED_OPTIMIZERS and on_fused_device:
        settings["fused"] = True
    return getattr(torch.optim, OPTIMIZER_CLASSES[config.optimizer])(params, **settings)


def make_schedule(optimizer, config: TrainConfig, steps_per_epoch: int, epochs: int | None = None, *,
                  warm_up: bool = True):
    """The schedule over `epochs` (the config's by default) of `steps_per_epoch` steps, stepped once a step.
    With `config.warmup` epochs (and `warm_up`: a continued run has warmed up already) the rate first climbs
    linearly from lr/W to lr over W = warmup * steps_per_epoch steps, and the schedule then spans the rest."""
    total = (epochs or config.epochs) * steps_per_epoch
    warm_steps = round(config.warmup * steps_per_epoch) if warm_up else 0
    lr_scheduler = torch.optim.lr_scheduler
    rest = max(1, total - warm_steps)
    if config.schedule == "step":
        after = lr_scheduler.StepLR(optimizer, step_size=max(1, rest // 3), gamma=0.5)
    elif config.schedule == "cosine":
        after = lr_scheduler.CosineAnnealingLR(optimizer, T_max=rest)
    else:
        after = None
    if warm_steps == 0:
        return after
    warm = lr_scheduler.LinearLR(optimizer, start_factor=1.0 / warm_steps, total_iters=warm_steps)
    if after is None:
        return warm  # it stays at the full rate once the climb is over
    return lr_scheduler.SequentialLR(optimizer, [warm, after], milestones=[warm_steps])


def l1_penalty(model: nn.Module) -> torch.Tensor:
    """Sum of |w| over weight matrices and filters (biases and norms are left alone)."""
    return sum(p.abs().sum() for p in model.parameters() if p.dim() > 1)


class Trainer:
    """Trains `model` on `splits` in place; `run(epochs)` may be called again to go on from where it ended."""

    def __init__(self, model: nn.Module, splits, config: TrainConfig, device: torch.device, *,
                 task_settings: dict | None = None, task=None, shuffle: torch.Generator | None = None):
        self.model, self.splits, self.config, self.device = model.to(device), splits, config, device
        self.precision = training_choice(config.precision, self.model, device, input_shape=splits.x_train.shape[1:])
        self.memory_format = _memory_format(config, self.model, splits.x_train)
        self.model.to(memory_format=self.memory_format)
        distributed.setup(device)
        self.train_model = distributed.wrap(self.model, device)  # DDP under torchrun, the model itself otherwise
        self.task = task or make_task(splits, task_settings)  # a Run passes the task object it already has
        self.x_train, self.y_train = self._on_device(splits.x_train), splits.y_train.to(device)
        self.x_val, self.y_val = self._on_device(splits.x_val), splits.y_val.to(device)
        self.batch_size = min(config.batch_size, len(self.y_train))
        self.steps_per_epoch = math.ceil(len(self.y_train) / self.batch_size)
        self.optimizer = make_optimizer(model, config)
        self.schedule = None
        self.generator = shuffle if shuffle is not None else torch.Generator().manual_seed(config.seed)  # batches
        self.epoch = 0  # epochs finished so far, over every call of `run`
        self.seconds = 0.0
        self.diverged = False

    def leave_process_group(self) -> None:
        """Under torchrun, once training is over: drop the DDP wrapper, which holds the process group, and leave
        the group with the other processes (distributed.teardown says why in that order). A no-op otherwise."""
        self.train_model = self.model
        distributed.teardown()

    def _start_schedule(self, epochs: int) -> None:
        """A schedule spans one call of `run`: continuing starts it over (a warm restart) across the new epochs."""
        if self.epoch > 0:
            for group in self.optimizer.param_groups:
                group["lr"] = group.get("initial_lr", group["lr"])
        self.schedule = make_schedule(self.optimizer, self.config, self.steps_per_epoch, epochs,
                                      warm_up=self.epoch == 0)

    def run(self, epochs: int | None = None, stop: threading.Event | None = None):
        """Train `epochs` more epochs (default: the config's), yielding StepEvent/EpochEvent and one DoneEvent."""
        epochs = epochs or self.config.epochs
        if self.diverged:
            message = i18n.t("training.done.diverged_before")
            yield self._done("diverged", message, time.perf_counter())
            return
        self._start_schedule(epochs)
        started = time.perf_counter()
        first, last = self.epoch + 1, self.epoch + epochs
        status, message = "finished", i18n.t("training.done.finished")
        self.model.train()
        for epoch in range(first, last + 1):
            status, message, train_loss, train_score = yield from self._epoch(epoch, first, last, stop)
            if status != "finished":
                break
            with torch.inference_mode(), self.precision.precision.autocast(self.device):
                val_loss, val_scores, _ = self.task.evaluate(self.model, self.x_val, self.y_val)
            self.epoch = epoch
            yield self.task.epoch_event(epoch=epoch, epochs=last, train_loss=train_loss, train_score=train_score,
                                        val_loss=val_loss, val_scores=val_scores,
                                        lr=self.optimizer.param_groups[0]["lr"],
                                        seconds=self.seconds + time.perf_counter() - started)
        self.diverged = status == "diverged"
        yield self._done(status, message, started)

    def _epoch(self, epoch: int, first: int, last: int, stop):
        """One pass over the shuffled training split; returns (status, message, train loss, train score)."""
        model, config, task, device = self.train_model, self.config, self.task, self.device
        n, batch_size, steps = len(self.y_train), self.batch_size, self.steps_per_epoch
        log_every = max(1, steps // STEP_EVENTS_PER_EPOCH)
        order = torch.randperm(n, generator=self.generator).to(device)
        loss_sum, score_sum, seen = torch.zeros((), device=device), torch.zeros((), device=device), 0
        for step in range(steps):
            if stop is not None and stop.is_set():
                return "stopped", i18n.t("training.done.stopped", epoch=epoch), None, None
            index = order[step * batch_size:(step + 1) * batch_size]
            if len(index) < 2 and step > 0:  # a lone straggler would break batch norm; it rejoins next epoch
                continue
            index = distributed.my_share(index)  # under torchrun, this process's slice of the global batch
            xb, yb = self.x_train[index], self.y_train[index]
            with self.precision.precision.autocast(device):
                outputs = model(xb)
            outputs = outputs.float()  # the loss and the scores in float32 whatever the matrix products ran in
            loss = task.loss(outputs, yb)
            objective = loss + config.l1 * l1_penalty(self.model) if config.l1 > 0 else loss
            self.optimizer.zero_grad(set_to_none=True)
            objective.backward()
            self.optimizer.step()
            if self.schedule is not None:
                self.schedule.step()
            loss_sum += loss.detach() * len(yb)
            score_sum += task.batch_score(outputs.detach(), yb)
            seen += len(yb)
            if (step + 1) % log_every == 0 or step == steps - 1:
                total_loss, total_seen = distributed.total(loss_sum, seen)  # every process stops at the same step
                running = (total_loss / total_seen).item()
                if not math.isfinite(running) or running > DIVERGED_LOSS:
                    key = "training.done.nan" if math.isnan(running) else "training.done.too_large"
                    return "diverged", i18n.t(key, epoch=epoch), None, None
                yield StepEvent(epoch=epoch, step=(epoch - 1) * steps + step + 1,
                                total_steps=last * steps, train_loss=running,
                                position=epoch - 1 + (step + 1) / steps)
        loss_sum, score_sum, seen = distributed.total(loss_sum, score_sum, seen)
        return "finished", i18n.t("training.done.finished"), (loss_sum / seen).item(), task.epoch_score(score_sum, int(seen))

    def _done(self, status: str, message: str, started: float) -> DoneEvent:
        self.seconds += time.perf_counter() - started
        with torch.inference_mode(), self.precision.precision.autocast(self.device):
            metrics = self.task.test_metrics(self.model, self._on_device(self.splits.x_test),
                                             self.splits.y_test.to(self.device))
        return DoneEvent(status=status, message=message, epochs_run=self.epoch, seconds=self.seconds,
                         device=str(self.device), metrics=metrics)


    def _on_device(self, x: torch.Tensor) -> torch.Tensor:
        x = x.to(self.device)
        return x.contiguous(memory_format=self.memory_format) if x.dim() == 4 else x


def _memory_format(config: TrainConfig, model: nn.Module, x: torch.Tensor) -> torch.memory_format:
    """Channels-last for a convolutional net on images when the config asks for it; the default layout otherwise."""
    convolutional = any(isinstance(m, nn.Conv2d) for m in model.modules())
    return torch.channels_last if config.channels_last and convolutional and x.dim() == 4 else torch.contiguous_format


def train(model: nn.Module, splits, config: TrainConfig, device: torch.device,
          stop: threading.Event | None = None, *, task_settings: dict | None = None):
    """Train `model` on `splits` in place, yielding StepEvent/EpochEvent and one final DoneEvent."""
    yield from Trainer(model, splits, config, device, task_settings=task_settings).run(config.epochs, stop)
