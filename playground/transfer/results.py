"""A transfer experiment's results as files and sentences: its CSVs, and whether transfer beat scratch at each K.

The Transfer tab offers these as downloads and as its closing status; anything
else that runs an experiment (a script, a notebook) can call them the same way.
"""

import csv
from pathlib import Path

from playground import i18n

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
        word = "beats" if gain > TIE else "loses" if gain < -TIE else "ties"
        strategy = i18n.t(f"transfer.strategy.{best}.title").lower()
        lines.append(i18n.t(f"transfer.verdict.{word}", shots=shots, strategy=strategy, accuracy=by_strategy[best],
                            scratch=by_strategy["scratch"], gain=gain))
    return lines
