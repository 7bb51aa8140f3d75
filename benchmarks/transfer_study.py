"""Does transfer help, and where? The measurement behind the Transfer tab's default pairing.

For each source -> target pair, seed, learning rate and K it runs every strategy
through the same `TransferExperiment` the app and CLI use, and writes one JSON
line per (pair, seed, lr, K, strategy) with the final validation and test
accuracy. The table at the end picks, for each strategy on its own, the
learning rate with the best mean *validation* accuracy (so scratch gets the
same tuning as the others) and reports the mean and spread of *test* accuracy
over seeds at that rate, and at the default rate.

    OMP_NUM_THREADS=1 python benchmarks/transfer_study.py --out /tmp/transfer_study.jsonl

`--report FILE` re-prints the tables from an earlier run without training.
"""

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def run_study(args) -> None:
    import torch

    from playground.transfer.run import TransferExperiment

    torch.set_num_threads(int(args.threads))
    out = open(args.out, "a")
    for pair in args.pairs.split(","):
        source, target = pair.split(":")
        for seed in map(int, args.seeds.split(",")):
            for lr in map(float, args.lrs.split(",")):
                started = time.perf_counter()
                settings = dict(source=source, target=target, epochs=args.epochs, lr=lr, seed=seed,
                                pretrain_epochs=args.pretrain_epochs, strategies=args.strategies, device="cpu")
                experiment = TransferExperiment(settings, [int(k) for k in args.shots.split(",")])
                for _ in experiment.events():
                    pass
                final_val = {(h["strategy"], h["shots"]): h["val_accuracy"] for h in experiment.history}
                for shots, by_strategy in experiment.results.items():
                    for strategy, test_accuracy in by_strategy.items():
                        row = dict(pair=pair, seed=seed, lr=lr, epochs=args.epochs, shots=shots, strategy=strategy,
                                   val_accuracy=final_val[(strategy, shots)], test_accuracy=test_accuracy,
                                   source_test_accuracy=experiment.pretrain_info.get("source_test_accuracy"))
                        out.write(json.dumps(row) + "\n")
                out.flush()
                print(f"{pair} seed {seed} lr {lr}: {time.perf_counter() - started:.0f} s "
                      f"{json.dumps(experiment.results)}", flush=True)


def report(path: str, default_lr: float) -> None:
    rows = [json.loads(line) for line in open(path) if line.strip()]
    groups = defaultdict(list)  # (pair, epochs, strategy, shots, lr) -> rows over seeds
    for row in rows:
        groups[(row["pair"], row["epochs"], row["strategy"], row["shots"], row["lr"])].append(row)
    mean = lambda values: statistics.fmean(values)  # noqa: E731
    spread = lambda values: statistics.stdev(values) if len(values) > 1 else 0.0  # noqa: E731
    for pair, epochs in sorted({(r["pair"], r["epochs"]) for r in rows}):
        strategies = [s for s in ("scratch", "frozen", "finetune", "finetune_low_lr")
                      if any(r["strategy"] == s and r["pair"] == pair for r in rows)]
        shots_list = sorted({r["shots"] for r in rows if r["pair"] == pair and r["epochs"] == epochs})
        lrs = sorted({r["lr"] for r in rows if r["pair"] == pair and r["epochs"] == epochs})
        seeds = sorted({r["seed"] for r in rows if r["pair"] == pair and r["epochs"] == epochs})
        print(f"\n### {pair}, {epochs} epochs, seeds {seeds}, learning rates {lrs}")
        for title, pick in (("each strategy at its own best learning rate (chosen on validation)", None),
                            (f"every strategy at lr {default_lr}", default_lr)):
            print(f"\n{title}: mean test accuracy ± std over seeds [lr]\n")
            print("| K | " + " | ".join(strategies) + " | best transfer - scratch |")
            print("|---|" + "---|" * (len(strategies) + 1))
            for shots in shots_list:
                cells, means = [], {}
                for strategy in strategies:
                    candidates = {lr: groups[(pair, epochs, strategy, shots, lr)] for lr in lrs
                                  if groups[(pair, epochs, strategy, shots, lr)]}
                    if not candidates or (pick is not None and pick not in candidates):
                        cells.append("-")
                        continue
                    lr = pick if pick is not None else max(
                        candidates, key=lambda v: mean([r["val_accuracy"] for r in candidates[v]]))
                    tests = [r["test_accuracy"] for r in candidates[lr]]
                    means[strategy] = mean(tests)
                    cells.append(f"{mean(tests):.3f} ± {spread(tests):.3f} [{lr:g}]")
                transfer = [v for k, v in means.items() if k != "scratch"]
                gain = f"{max(transfer) - means['scratch']:+.3f}" if transfer and "scratch" in means else "-"
                print(f"| {shots} | " + " | ".join(cells) + f" | {gain} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", default="shapes_a:shapes_b,digits_0_4:digits_5_9")
    parser.add_argument("--shots", default="1,5,20,100")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--lrs", default="0.001,0.003,0.01")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--pretrain-epochs", type=int, default=8)
    parser.add_argument("--strategies", default="scratch,frozen,finetune,finetune_low_lr")
    parser.add_argument("--threads", default="1")
    parser.add_argument("--default-lr", type=float, default=0.003)
    parser.add_argument("--out", default="transfer_study.jsonl")
    parser.add_argument("--report", default=None, help="Only print the tables of an earlier --out file.")
    args = parser.parse_args(argv)
    if args.report is None:
        run_study(args)
    report(args.report or args.out, args.default_lr)


if __name__ == "__main__":
    main()
