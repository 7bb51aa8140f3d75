"""Training throughput: our trainer against a plain PyTorch loop with a DataLoader, same model, data, settings.

Both train the same architecture from the same initial weights with Adam,
batch 32, for the same epochs. Ours also scores the validation split after
every epoch (that is part of what it does for the live curves) and the test
split at the end, and still has to win. Samples per second = epochs x
training examples / wall seconds. For image nets ours runs with its defaults
(auto: channels-last and, on images of 16x16 or more where bf16 is native,
bfloat16 autocast) and with each change alone, every side against the same
float32 plain loop with torch's default Adam, with the held-out test accuracy
each reached, so speed bought with accuracy shows.
Each side's CPU seconds are taken too (process time, all threads): on a
shared machine they are bent less by the others' load than wall time is.

    python benchmarks/bench_training.py [--runs 5] [--device auto] [--only "CNN on shapes"] [--threads N]
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import Figure, machine, ratio  # noqa: E402
from pairing import interleave, load_average  # noqa: E402

# (label, model, dataset, model settings, epochs)
CASES = [
    ("MLP on classification", "mlp", "classification", {}, 10),
    ("CNN on digits", "cnn", "digits", {}, 4),
    ("LSTM on digits_rows", "rnn", "digits_rows", {"cell": "lstm"}, 4),
    ("CNN on shapes", "cnn", "shapes", {"channels": "16,32"}, 1),
]
# what our trainer is run with, side by side: the defaults (auto) always; the single changes for image nets
DEFAULTS = ("defaults (auto)", {})
IMAGE_VARIANTS = [("float32, default layout (before)", {"precision": "float32", "channels_last": False}),
                  ("float32, channels-last", {"precision": "float32", "channels_last": True}),
                  ("bfloat16 autocast, default layout", {"precision": "bfloat16", "channels_last": False})]


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
    """{setting: (ours samples/s, plain samples/s, ours/plain wall, ours/plain CPU, ours' test accuracy)},
    all sides interleaved."""
    import torch

    from playground.device import pick_device
    from playground.models.registry import build_model
    from playground.training.run import Run

    device = pick_device(device_name)
    settings = {"epochs": epochs, "lr": 0.01, "batch_size": 32, "device": device_name}
    probe = Run(model_name, dataset_name, model_settings=model_settings, train_settings=settings)
    samples = epochs * len(probe.splits.y_train)
    image_net = probe.splits.x_train.dim() == 4 and model_name == "cnn"
    variants = dict([DEFAULTS] + (IMAGE_VARIANTS if image_net else []))
    accuracy = {}

    def ours(name):
        def work():
            run = Run(model_name, dataset_name, model_settings=model_settings,
                      train_settings={**settings, **variants[name]})
            done = list(run.events())[-1]
            accuracy[name] = done.metrics.get("test_accuracy")
        return work

    def plain():
        torch.manual_seed(0)
        plain_loop(build_model(model_name, probe.splits, probe.model_config), probe.splits, epochs, device)

    work = {"plain": plain, **{name: ours(name) for name in variants}}
    for fn in work.values():
        fn()  # warm-up: first-call allocations and lazy imports are not throughput
    timed = interleave(runs, work)
    seconds = {k: Figure([t.wall for t in v]) for k, v in timed.items()}
    cpu = {k: Figure([t.cpu for t in v]) for k, v in timed.items()}
    per_second = {k: Figure([samples / s for s in v.values]) for k, v in seconds.items()}
    return {name: (per_second[name], per_second["plain"], ratio(seconds["plain"], seconds[name]),
                   ratio(cpu["plain"], cpu[name]), accuracy[name])
            for name in variants}


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--only", default=None, help="run only the cases whose label contains this text")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    lines = ["### Training throughput (samples/s, median (min–max) of "
             f"{args.runs} interleaved runs)", "", f"Machine: {machine()}; load average before: {load_average()}", "",
             "| case | our trainer with | ours | plain DataLoader loop (float32) | speed-up (ours/plain) | "
             "speed-up per CPU second | test accuracy (ours) |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for label, *case in CASES:
        if args.only and args.only not in label:
            continue
        for name, (ours, plain, speedup, cpu_speedup, accuracy) in bench_case(*case, args.runs,
                                                                              args.device).items():
            shown = f"{accuracy:.3f}" if accuracy is not None else "-"
            lines.append(f"| {label} | {name} | {ours.show('{:,.0f}')} | {plain.show('{:,.0f}')} | "
                         f"{speedup.show('{:.2f}x')} | {cpu_speedup.show('{:.2f}x')} | {shown} |")
            print(lines[-1], file=sys.stderr, flush=True)
    lines += ["", f"Load average after: {load_average()}"]
    table = "\n".join(lines)
    print(table)
    return table


if __name__ == "__main__":
    main()
