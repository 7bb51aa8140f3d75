"""Training throughput: our trainer against a plain PyTorch loop with a DataLoader, same model, data, settings.

Both train the same architecture from the same initial weights with Adam,
batch 32, for the same epochs. Ours also scores the validation split after
every epoch (that is part of what it does for the live curves) and still has
to win. Samples per second = epochs x training examples / wall seconds.

    python benchmarks/bench_training.py [--runs 5] [--device auto]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import Figure, alternate, machine, ratio  # noqa: E402

# (label, model, dataset, model settings, epochs)
CASES = [
    ("MLP on classification", "mlp", "classification", {}, 10),
    ("CNN on digits", "cnn", "digits", {}, 4),
    ("LSTM on digits_rows", "rnn", "digits_rows", {"cell": "lstm"}, 4),
    ("CNN on shapes", "cnn", "shapes", {"channels": "16,32"}, 1),
]


def plain_loop(model, splits, epochs, device, batch_size=32, lr=0.01):
    """The tutorial loop: DataLoader over a TensorDataset, shuffle, Adam."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    loader = DataLoader(TensorDataset(splits.x_train, splits.y_train), batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.to(device).train()
    for _ in range(epochs):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize()


def bench_case(model_name, dataset_name, model_settings, epochs, runs, device_name):
    import torch

    from playground.device import pick_device
    from playground.models.registry import build_model
    from playground.training.run import Run

    device = pick_device(device_name)
    settings = {"epochs": epochs, "lr": 0.01, "batch_size": 32, "device": device_name}
    probe = Run(model_name, dataset_name, model_settings=model_settings, train_settings=settings)
    samples = epochs * len(probe.splits.y_train)

    def ours():
        list(Run(model_name, dataset_name, model_settings=model_settings, train_settings=settings).events())

    def plain():
        torch.manual_seed(0)
        plain_loop(build_model(model_name, probe.splits, probe.model_config), probe.splits, epochs, device)

    ours(), plain()  # warm-up: first-call allocations and lazy imports are not throughput
    seconds = alternate(runs, ours=ours, plain=plain)
    per_second = {k: Figure([samples / s for s in v.values]) for k, v in seconds.items()}
    return per_second["ours"], per_second["plain"], ratio(seconds["plain"], seconds["ours"])


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    lines = ["### Training throughput (samples/s, median (min–max) of "
             f"{args.runs} interleaved runs)", "", f"Machine: {machine()}", "",
             "| case | ours | plain DataLoader loop | speed-up (ours/plain) |", "| --- | --- | --- | --- |"]
    for label, *case in CASES:
        ours, plain, speedup = bench_case(*case, args.runs, args.device)
        lines.append(f"| {label} | {ours.show('{:,.0f}')} | {plain.show('{:,.0f}')} | {speedup.show('{:.2f}x')} |")
        print(lines[-1], file=sys.stderr, flush=True)
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()
