"""The training part of an exported script: plain PyTorch, no playground needed.

This file is copied into every exported script after the copied definitions
(TrainConfig, make_optimizer, make_schedule, l1_penalty, pick_device, Splits,
the model) and before the generated `SETTINGS`, `load_data()` and
`build_model()`. It repeats the playground trainer's loop step for step, with
the same seeds in the same places, so the script lands on the same numbers;
tests/test_export.py runs exported scripts and holds them to that.
"""

import argparse
import json
import math
import time

import torch
from torch import nn

LOSSES = {"cross_entropy": nn.functional.cross_entropy,
          "mse": lambda outputs, targets: nn.functional.mse_loss(outputs[:, 0], targets),
          "mae": lambda outputs, targets: nn.functional.l1_loss(outputs[:, 0], targets)}


@torch.no_grad()
def predict(model, x, batch_size=1024):
    """The network's raw outputs in eval mode (dropout off, batch norm frozen)."""
    was_training = model.training
    model.eval()
    outputs = torch.cat([model(x[i:i + batch_size]).float() for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return outputs


def scores(outputs, y, data) -> dict:
    """Accuracy for classes; R² and mean absolute error (in the target's units) for regression."""
    if data.task == "classification":
        return {"accuracy": (outputs.argmax(1) == y).float().mean().item()}
    error = outputs[:, 0] - y
    r2 = 1.0 - (error ** 2).mean() / y.var(unbiased=False).clamp_min(1e-12)
    return {"r2": r2.item(), "mae": (error.abs().mean() * data.target_std).item()}


def train(model, data, config, loss_fn, segments, device):
    """Train in place for sum(segments) epochs; the schedule restarts at each segment, as in the app."""
    model.to(device)
    x_train, y_train = data.x_train.to(device), data.y_train.to(device)
    x_val, y_val = data.x_val.to(device), data.y_val.to(device)
    n = len(y_train)
    batch_size = min(config.batch_size, n)
    steps_per_epoch = math.ceil(n / batch_size)
    optimizer = make_optimizer(model, config)  # noqa: F821  (copied above)
    generator = torch.Generator().manual_seed(config.seed)  # the shuffling stream
    torch.manual_seed(config.seed)  # the dropout stream
    epoch, started = 0, time.perf_counter()
    for segment in segments:
        if epoch > 0:  # a continued run restarts its schedule from the initial learning rate
            for group in optimizer.param_groups:
                group["lr"] = group.get("initial_lr", group["lr"])
        schedule = make_schedule(optimizer, config, steps_per_epoch, segment, warm_up=epoch == 0)  # noqa: F821
        model.train()
        for epoch in range(epoch + 1, epoch + segment + 1):
            order = torch.randperm(n, generator=generator).to(device)
            loss_sum, seen = 0.0, 0
            for step in range(steps_per_epoch):
                index = order[step * batch_size:(step + 1) * batch_size]
                if len(index) < 2 and step > 0:  # a lone straggler would break batch norm
                    continue
                xb, yb = x_train[index], y_train[index]
                loss = loss_fn(model(xb), yb)
                objective = loss + config.l1 * l1_penalty(model) if config.l1 > 0 else loss  # noqa: F821
                optimizer.zero_grad(set_to_none=True)
                objective.backward()
                optimizer.step()
                if schedule is not None:
                    schedule.step()
                loss_sum += loss.item() * len(yb)
                seen += len(yb)
            val = scores(predict(model, x_val), y_val, data)
            print(f"epoch {epoch}: train loss {loss_sum / seen:.4f}, validation "
                  + ", ".join(f"{k} {v:.4f}" for k, v in val.items()), flush=True)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=None, help="Skip training: load these weights and only evaluate.")
    parser.add_argument("--out", default="retrained.safetensors", help="Where to save the weights after training.")
    parser.add_argument("--epochs", type=int, default=None, help="Train this many epochs instead of the app's.")
    parser.add_argument("--device", default=SETTINGS["train_settings"]["device"],  # noqa: F821
                        help="auto, cpu, cuda or mps.")
    args = parser.parse_args()
    train_settings = {**SETTINGS["train_settings"], "device": args.device}  # noqa: F821
    config = TrainConfig(**train_settings)  # noqa: F821
    device = pick_device(config.device)  # noqa: F821
    data = load_data()  # noqa: F821
    torch.manual_seed(config.seed)  # the same initial weights as in the app
    model = build_model(data)  # noqa: F821
    seconds = 0.0
    if args.weights:
        from safetensors.torch import load_file

        model.load_state_dict(load_file(args.weights))
        model.to(device)
    else:
        segments = [args.epochs] if args.epochs else SETTINGS["segments"]  # noqa: F821
        seconds = train(model, data, config, LOSSES[SETTINGS["loss"]], segments, device)  # noqa: F821
        from safetensors.torch import save_file

        save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, args.out)
    test = scores(predict(model, data.x_test.to(device)), data.y_test.to(device), data)
    print(json.dumps({"test_" + k: v for k, v in test.items()} | {"seconds": round(seconds, 2),
                                                                   "weights": args.weights or args.out}))
