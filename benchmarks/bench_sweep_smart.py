"""Smart search against random search on spiral with the MLP: the best validation accuracy each finds in the
same time, over several seeds, and the share of epochs pruning saved.

Per seed, interleaved so background load hits every side alike:
- random: `--runs` configurations drawn at random (the learning rate log-uniform), every run to the end;
- smart, same runs: TPE with the median pruner, the same `--runs` budget (it ends sooner: pruned runs stop);
- smart, same time: TPE + median pruner given random's wall-clock time as its budget and up to 3x the runs.
The space is wide on purpose (four decades of learning rate, four optimizers, batch, width, dropout) and the
epochs few, so a run's settings decide its accuracy. Best = the highest validation accuracy among finished runs;
the test accuracy of that run is reported beside it, never used to choose.

    OMP_NUM_THREADS=1 python benchmarks/bench_sweep_smart.py [--seeds 5] [--runs 20] [--epochs 4]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import machine  # noqa: E402

SPACE = dict(model="mlp", dataset="spiral", lr="0.0001,1", optimizer="adam,sgd,rmsprop,adagrad",
             batch_size="16,32,64,128", hidden_size="8,16,32,64", dropout="0,0.2,0.5", device="cpu")


def random_sweep(seed, runs, epochs):
    from playground.sweep.runner import Sweep

    sweep = Sweep({**SPACE, "search": "random", "samples": runs, "max_runs": runs, "epochs": epochs, "seed": seed})
    list(sweep.events())
    return sweep.rows, sweep.summary


def smart_sweep(seed, runs, epochs, minutes=None):
    from playground.sweep.smart import SmartSweep

    settings = {**SPACE, "max_runs": runs, "epochs": epochs, "seed": seed}
    if minutes is not None:
        settings["max_minutes"] = max(0.05, minutes)
    sweep = SmartSweep(settings, {"pruner": "median"})
    list(sweep.events())
    return sweep.rows, sweep.summary


def measure(fn, *args, **kwargs) -> dict:
    started = time.perf_counter()
    rows, summary = fn(*args, **kwargs)
    seconds = time.perf_counter() - started
    best = summary["best"] or {}
    finished = [r["val_accuracy"] for r in rows if r["status"] == "finished"]
    epochs_asked = sum(1 for r in rows if r["status"] not in ("waiting", "skipped (out of time)")) * args[2]
    epochs_run = sum(r["epochs_run"] or 0 for r in rows)
    return {"best_val": best.get("val_accuracy"), "best_test": best.get("test_accuracy"), "seconds": seconds,
            "runs": sum(1 for r in rows if r["epochs_run"]), "pruned": sum(r["status"] == "pruned" for r in rows),
            "saved": summary.get("epochs_saved_share", 0.0), "epochs": epochs_run,
            "median_run": statistics.median(finished) if finished else None, "asked": epochs_asked}


def spread(values) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.mean(values):.4f} ± {sd:.4f} ({min(values):.4f}–{max(values):.4f})"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args(argv)
    sides = {"random": [], "smart, same runs": [], "smart, same time": []}
    random_sweep(0, 2, 1), smart_sweep(0, 2, 1)  # warm-up: imports and the dataset, paid by neither side
    for seed in range(args.seeds):
        random_result = measure(random_sweep, seed, args.runs, args.epochs)
        sides["random"].append(random_result)
        sides["smart, same runs"].append(measure(smart_sweep, seed, args.runs, args.epochs))
        sides["smart, same time"].append(measure(smart_sweep, seed, args.runs * 3, args.epochs,
                                                 minutes=random_result["seconds"] / 60))
        print(f"seed {seed}: " + "; ".join(f"{k} {v[-1]['best_val']:.4f} in {v[-1]['seconds']:.1f}s "
                                           f"({v[-1]['runs']} runs)" for k, v in sides.items()), file=sys.stderr)
    print(f"### Smart vs random search: MLP on spiral, {args.runs}-run budget, {args.epochs} epochs a run, "
          f"{args.seeds} seeds\n")
    print(f"Machine: {machine()} (seeds interleaved, so background load falls on both searches alike).\n")
    print("Space: " + ", ".join(f"{k} {v}" for k, v in SPACE.items() if k not in ("model", "dataset", "device"))
          + "; the learning rate log-uniform in both. Smart = Optuna TPE (seeded) + median pruner.\n")
    print("| search | best validation accuracy, mean ± sd (min–max) | its test accuracy | median finished run | "
          "runs | pruned | epochs trained | share of epochs pruning saved | wall-clock s (median) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, results in sides.items():
        print(f"| {name} | {spread([r['best_val'] for r in results])} | {spread([r['best_test'] for r in results])} | "
              f"{spread([r['median_run'] for r in results])} | "
              f"{statistics.median(r['runs'] for r in results):g} | {statistics.median(r['pruned'] for r in results):g} | "
              f"{statistics.median(r['epochs'] for r in results):g} | "
              f"{statistics.mean(r['saved'] for r in results):.1%} | "
              f"{statistics.median(r['seconds'] for r in results):.1f} |")
    print("\nPer seed (best validation accuracy):\n")
    print("| seed | " + " | ".join(sides) + " |")
    print("| --- | " + " | ".join("---" for _ in sides) + " |")
    for seed in range(args.seeds):
        print(f"| {seed} | " + " | ".join(f"{sides[k][seed]['best_val']:.4f}" for k in sides) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
