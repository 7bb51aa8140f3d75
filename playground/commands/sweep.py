"""`python -m playground sweep`: grid or random search over learning rate, optimizer, batch size, dropout, hidden size.

Every value list is comma-separated (`--lr 0.001,0.01,0.1 --optimizer adam,sgd`).
`--json` prints one event per line (each tagged with its run number); the last
line is the summary: `runs` (every run's settings, status, validation and test
accuracy) and `best` (the run with the highest validation accuracy).
"""

import sys

from playground import config as cfg
from playground.cli import print_json


def add_parser(subparsers):
    from playground.sweep.space import SweepConfig

    parser = subparsers.add_parser(
        "sweep", help="Train one model many times over a grid or random set of hyperparameters.",
        description="Run many training runs of one model on one dataset, over every combination (grid) or a "
                    "random draw of the values given, within a budget of runs and minutes.")
    parser.add_argument("--json", action="store_true", help="One JSON event per line; the last is the summary.")
    parser.add_argument("--csv", default=None, help="Also write the results table to this CSV file.")
    cfg.add_arguments(parser.add_argument_group("sweep"), SweepConfig)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.sweep.results import label, write_csv
    from playground.sweep.runner import RunResultEvent, Sweep
    from playground.sweep.space import SweepConfig

    sweep = Sweep({f.name: getattr(args, f.name) for f in cfg.fields(SweepConfig)})
    c = sweep.config
    if not args.json:
        extra = f" (max runs keeps {len(sweep.configurations)} of {len(sweep.all_configurations)})" \
            if sweep.skipped_by_budget else ""
        print(f"{c.search} search: {len(sweep.configurations)} runs of {c.model} on {c.dataset}, "
              f"{c.epochs} epochs each{extra}", file=sys.stderr)
    for event in sweep.events():
        if args.json:
            print_json(event.to_dict())
        elif isinstance(event, RunResultEvent):
            row = event.row
            accuracy = "-" if row["test_accuracy"] is None else f"{row['test_accuracy']:.3f}"
            val = "-" if row["val_accuracy"] is None else f"{row['val_accuracy']:.3f}"
            print(f"{label(row):<40} {row['status']:<12} val {val} test {accuracy}", file=sys.stderr, flush=True)
    summary = sweep.summary
    if args.csv:
        summary = {**summary, "csv": str(write_csv(sweep.rows, args.csv))}
    if args.json:
        print_json(summary)
    else:
        best = summary["best"]
        if best is None:
            print(f"No run finished ({summary['status']}).")
        else:
            print(f"best: {label(best)}: validation accuracy {best['val_accuracy']:.4f}, test accuracy "
                  f"{best['test_accuracy']:.4f} ({summary['status']})")
    return 0 if summary["best"] is not None else 1
