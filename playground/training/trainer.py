"""The generic training loop. It knows nothing about any particular model.

Data stays as tensors on the device and batches are slices of a shuffled
index, so there is no per-sample Python and no DataLoader overhead. The loop
yields events (events.py); a `stop` flag checked every step ends it early, and
the model keeps whatever it has learnt so far.
"""

import math
import threading
import time

import torch
from torch import nn

from playground.training.config import TrainConfig
from playground.training.events import DoneEvent, EpochEvent, StepEvent
from playground.training.metrics import classification_metrics

STEP_EVENTS_PER_EPOCH = 8
DIVERGED_LOSS = 1e6


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    params, lr, decay = model.parameters(), config.lr, config.weight_decay
    if hasattr(model, "param_groups"):  # a model may ask for per-part rates (a pretrained backbone learning slower)
        params = [{"params": g["params"], "lr": lr * g.get("lr_scale", 1.0)} for g in model.param_groups()]
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=config.momentum, weight_decay=decay)
    optimizers = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "adagrad": torch.optim.Adagrad,
                  "rmsprop": torch.optim.RMSprop}
    return optimizers[config.optimizer](params, lr=lr, weight_decay=decay)


def make_schedule(optimizer, config: TrainConfig, steps_per_epoch: int):
    total = config.epochs * steps_per_epoch
    if config.schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=max(1, total // 3), gamma=0.5)
    if config.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=max(1, total))
    return None


def l1_penalty(model: nn.Module) -> torch.Tensor:
    """Sum of |w| over weight matrices and filters (biases and norms are left alone)."""
    return sum(p.abs().sum() for p in model.parameters() if p.dim() > 1)


@torch.no_grad()
def predict_proba(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    was_training = model.training
    model.eval()
    out = torch.cat([torch.softmax(model(x[i:i + batch_size]).float(), dim=1) for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float, torch.Tensor]:
    """Mean cross-entropy, accuracy and the probabilities on a whole split."""
    probabilities = predict_proba(model, x)
    loss = nn.functional.nll_loss(torch.log(probabilities.clamp_min(1e-12)), y).item()
    accuracy = (probabilities.argmax(1) == y).float().mean().item()
    return loss, accuracy, probabilities


def train(model: nn.Module, splits, config: TrainConfig, device: torch.device,
          stop: threading.Event | None = None):
    """Train `model` on `splits` in place, yielding StepEvent/EpochEvent and one final DoneEvent."""
    started = time.perf_counter()
    model.to(device)
    x_train, y_train = splits.x_train.to(device), splits.y_train.to(device)
    x_val, y_val = splits.x_val.to(device), splits.y_val.to(device)
    n = len(y_train)
    batch_size = min(config.batch_size, n)
    steps_per_epoch = math.ceil(n / batch_size)
    optimizer = make_optimizer(model, config)
    schedule = make_schedule(optimizer, config, steps_per_epoch)
    generator = torch.Generator().manual_seed(config.seed)
    log_every = max(1, steps_per_epoch // STEP_EVENTS_PER_EPOCH)
    status, message, epochs_run = "finished", "Training finished.", 0

    model.train()
    for epoch in range(1, config.epochs + 1):
        order = torch.randperm(n, generator=generator).to(device)
        loss_sum, correct, seen = torch.zeros((), device=device), torch.zeros((), device=device), 0
        for step in range(steps_per_epoch):
            if stop is not None and stop.is_set():
                status, message = "stopped", f"Stopped by you during epoch {epoch}; the model keeps what it learnt."
                break
            index = order[step * batch_size:(step + 1) * batch_size]
            if len(index) < 2 and step > 0:  # a lone straggler would break batch norm; it rejoins next epoch
                continue
            xb, yb = x_train[index], y_train[index]
            logits = model(xb)
            loss = nn.functional.cross_entropy(logits, yb)
            objective = loss + config.l1 * l1_penalty(model) if config.l1 > 0 else loss
            optimizer.zero_grad(set_to_none=True)
            objective.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            loss_sum += loss.detach() * len(yb)
            correct += (logits.argmax(1) == yb).sum()
            seen += len(yb)
            if (step + 1) % log_every == 0 or step == steps_per_epoch - 1:
                running = (loss_sum / seen).item()
                if not math.isfinite(running) or running > DIVERGED_LOSS:
                    status = "diverged"
                    message = (f"The loss became {'NaN' if math.isnan(running) else 'too large'} in epoch {epoch}: "
                               "lower the learning rate (or the L1 penalty) and train again.")
                    break
                yield StepEvent(epoch=epoch, step=(epoch - 1) * steps_per_epoch + step + 1,
                                total_steps=config.epochs * steps_per_epoch, train_loss=running,
                                position=epoch - 1 + (step + 1) / steps_per_epoch)
        if status != "finished":
            break
        val_loss, val_accuracy, _ = evaluate(model, x_val, y_val)
        epochs_run = epoch
        yield EpochEvent(epoch=epoch, epochs=config.epochs, train_loss=(loss_sum / seen).item(),
                         train_accuracy=(correct / seen).item(), val_loss=val_loss, val_accuracy=val_accuracy,
                         lr=optimizer.param_groups[0]["lr"], seconds=time.perf_counter() - started)

    test_loss, _, probabilities = evaluate(model, splits.x_test.to(device), splits.y_test.to(device))
    probabilities = torch.nan_to_num(probabilities, nan=1.0 / splits.num_classes)  # a diverged net still gets scored
    metrics = classification_metrics(splits.y_test.numpy(), probabilities.cpu().numpy(), splits.classes)
    metrics["test_loss"] = test_loss if math.isfinite(test_loss) else None
    yield DoneEvent(status=status, message=message, epochs_run=epochs_run, seconds=time.perf_counter() - started,
                    device=str(device), metrics=metrics)
