"""A transfer experiment's results as files and sentences: its CSVs, and whether transfer beat scratch at each K.

The Transfer tab offers these as downloads and as its closing status; anything
else that runs an experiment (a script, a notebook) can call them the same way.
"""

import csv
from pathlib import Path

from playground.transfer.config import STRATEGIES

HISTORY_COLUMNS = ["strategy", "shots", "epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy"]
TIE = 0.005  # accuracies closer than this count as a tie


def write_csvs(experiment, folder: Path) -> list[Path]:
    """transfer_results.csv (K, strategy, test accuracy) and transfer_history.csv (every epoch) in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    results, history = folder / "transfer_results.csv", folder / "transfer_history.csv"
    with open(results, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["shots", "strategy", "test_accuracy"])
        for shots, by_strategy in sorted(experiment.results.items()):
            writer.writerows([shots, name, accuracy] for name, accuracy in by_strategy.items())
    with open(history, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HISTORY_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(experiment.pretrain_history + experiment.history)
    return [results, history]


def verdict(results: dict[int, dict[str, float]]) -> list[str]:
    """One sentence per K where scratch ran beside another strategy: does transfer beat it, and by how much?"""
    lines = []
    for shots, by_strategy in sorted(results.items()):
        if "scratch" not in by_strategy or len(by_strategy) < 2:
            continue
        best = max((n for n in by_strategy if n != "scratch"), key=by_strategy.get)
        gain = by_strategy[best] - by_strategy["scratch"]
        word = "beats" if gain > TIE else "does not beat" if gain < -TIE else "ties with"
        lines.append(f"K={shots}: {STRATEGIES[best].title.lower()} {word} scratch "
                     f"({by_strategy[best]:.3f} vs {by_strategy['scratch']:.3f}, {gain:+.3f}).")
    return lines
