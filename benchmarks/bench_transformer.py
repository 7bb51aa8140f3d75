"""The Transformer against the LSTM or CNN on the same data: test accuracy and training time, through the CLI.

Each case trains both models with `python -m playground train ... --json` on
one torch thread (OMP_NUM_THREADS=1), the two alternating run by run so
background load hits both, and reads the test accuracy and the training
seconds from the summary line. Accuracy is the same every run (fixed seed);
time is the median with its spread, and the ratio is taken run by run.

    python benchmarks/bench_transformer.py [--runs 2]
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import Figure, machine, ratio  # noqa: E402

# (dataset, [(label, CLI flags)]): the Transformer at the learning rate it wants, the other at its usual settings
CASES = [
    ("digits_rows", [("Transformer", ["--model", "transformer", "--lr", "0.001"]), ("LSTM", ["--model", "rnn"])]),
    ("digits", [("Transformer", ["--model", "transformer", "--lr", "0.001"]), ("CNN", ["--model", "cnn"])]),
    ("pointer", [("Transformer", ["--model", "transformer"]),
                 ("LSTM(64)", ["--model", "rnn", "--hidden-size", "64", "--lr", "0.003", "--epochs", "20"])]),
    ("count", [("Transformer", ["--model", "transformer"]),
               ("LSTM(64)", ["--model", "rnn", "--hidden-size", "64", "--lr", "0.003", "--epochs", "20"])]),
]


def train(dataset: str, flags: list[str]) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "playground", "train", "--dataset", dataset, *flags, "--json"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"### Transformer vs LSTM/CNN (test accuracy; training seconds, median (min–max) of {args.runs} "
          "interleaved runs, 1 torch thread)\n")
    print(f"Machine: {machine()}\n")
    print("| dataset | model | command flags | epochs | test accuracy | training s | time vs the other |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for dataset, models in CASES:
        seconds = {label: [] for label, _ in models}
        summaries = {}
        for _ in range(args.runs):
            for label, flags in models:
                summaries[label] = train(dataset, flags)
                seconds[label].append(summaries[label]["seconds"])
        (first, _), (second, _) = models
        times = {label: Figure(values) for label, values in seconds.items()}
        for label, flags in models:
            versus = ratio(times[first], times[second]).show("{:.2f}x") if label == first else ""
            summary = summaries[label]
            print(f"| {dataset} | {label} | `{' '.join(flags)}` | {summary['epochs_run']} | "
                  f"{summary['test_accuracy']:.3f} | {times[label].show()} | {versus} |", flush=True)


if __name__ == "__main__":
    main()
