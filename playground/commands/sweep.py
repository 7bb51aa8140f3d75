"""`python -m playground sweep`: grid, random or smart search over learning rate, optimizer, batch size, dropout,
hidden size.

Every value list is comma-separated (`--lr 0.001,0.01,0.1 --optimizer adam,sgd`).
`--json` prints one event per line (each tagged with its run number); the last
line is the summary: `runs` (every run's settings, status, validation and test
accuracy) and `best` (the run with the highest validation accuracy).

`--search smart` lets Optuna choose each run (TPE) and stop poor ones early
(`--pruner`). `--storage URL --study NAME` puts the study in SQLite or
PostgreSQL, where any number of these commands, on this machine or others,
share it and its `--max-runs` budget; `--workers N` starts N worker processes
here. With `--json` a `run_result` line comes for every trial of the study,
whichever worker ran it, with its `state` (finished, or pruned at epoch k).
"""

import sys

from playground import i18n
from playground import config as cfg
from playground.cli import print_json
from playground.errors import UserError

MAX_WORKERS = 32


def add_parser(subparsers):
    from playground.sweep.smart_config import SmartConfig
    from playground.sweep.space import SweepConfig

    parser = subparsers.add_parser(
        "sweep", help=i18n.t("cli.sweep.help"),
        description=i18n.t("cli.sweep.description"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.json_events.help"))
    parser.add_argument("--csv", default=None, help=i18n.t("cli.sweep.csv.help"))
    cfg.add_arguments(parser.add_argument_group(i18n.t("cli.group.sweep")), SweepConfig)
    smart = parser.add_argument_group(i18n.t("cli.group.smart_search"))
    cfg.add_arguments(smart, SmartConfig)
    smart.add_argument("--workers", default="1", metavar="N",
                       help=i18n.t("cli.sweep.workers.help", most=MAX_WORKERS))
    parser.set_defaults(handler=run)


def workers_from(text) -> int:
    try:
        workers = int(text)
    except (TypeError, ValueError):
        raise UserError(i18n.t("errors.cli.workers_not_whole", value=text)) from None
    if not 1 <= workers <= MAX_WORKERS:
        raise UserError(i18n.t("errors.cli.workers_range", most=MAX_WORKERS, value=workers))
    return workers


def make_sweep(args):
    """(sweep, worker processes to start) for the search asked."""
    from playground.sweep.runner import Sweep
    from playground.sweep.smart_config import SmartConfig
    from playground.sweep.space import SweepConfig

    settings = {f.name: getattr(args, f.name) for f in cfg.fields(SweepConfig)}
    smart = {f.name: getattr(args, f.name) for f in cfg.fields(SmartConfig)}
    workers = workers_from(args.workers)
    if settings["search"] != "smart" and not smart["join"]:
        if any(smart[k] for k in ("storage", "study")) or workers > 1:
            raise UserError(i18n.t("errors.cli.smart_only"))
        return Sweep(settings), 0
    from playground.sweep.smart import SmartSweep

    if workers > 1 and not smart["storage"]:
        from playground.outputs import new_run_dir

        smart["storage"] = f"sqlite:///{new_run_dir('sweep') / 'study.db'}"
    return SmartSweep(settings, smart), (workers if workers > 1 else 0)


def run(args) -> int:
    from playground.sweep.results import label, write_csv
    from playground.sweep.runner import RunResultEvent

    from playground.sweep.study import shown_url

    sweep, processes = make_sweep(args)
    c = sweep.config
    if args.json and c.search == "smart":  # first, so others can join while this one runs
        print_json({"event": "study", "study": sweep.name, "storage": shown_url(sweep.url) if sweep.url else "memory",
                    "max_runs": c.max_runs, "pruner": sweep.pruner, "workers": processes or 1})
    if not args.json:
        if c.search == "smart":
            where = (i18n.t("cli.sweep.study_in", name=sweep.name, url=shown_url(sweep.url)) if sweep.url
                     else i18n.t("cli.sweep.in_memory"))
            who = i18n.t("cli.sweep.workers", count=processes) if processes else i18n.t("cli.sweep.this_process")
            print(i18n.t("cli.sweep.smart_start", pruner=sweep.pruner, runs=c.max_runs, model=c.model,
                         dataset=c.dataset, epochs=c.epochs, where=where, who=who), file=sys.stderr)
        else:
            extra = i18n.t("cli.sweep.kept", kept=len(sweep.configurations), total=len(sweep.all_configurations)) \
                if sweep.skipped_by_budget else ""
            print(i18n.t("cli.sweep.start", search=c.search, runs=len(sweep.configurations), model=c.model,
                         dataset=c.dataset, epochs=c.epochs, extra=extra), file=sys.stderr)
    events = sweep.events(processes=processes) if processes else sweep.events()
    for event in events:
        if args.json:
            print_json(event.to_dict())
        elif isinstance(event, RunResultEvent):
            row = event.row
            accuracy = "-" if row["test_accuracy"] is None else f"{row['test_accuracy']:.3f}"
            val = "-" if row["val_accuracy"] is None else f"{row['val_accuracy']:.3f}"
            state = row.get("state", row["status"])
            print(i18n.t("cli.sweep.row", label=label(row), state=state, val=val, test=accuracy), file=sys.stderr,
                  flush=True)
    summary = sweep.summary
    if args.csv:
        summary = {**summary, "csv": str(write_csv(sweep.rows, args.csv))}
    if args.json:
        print_json(summary)
    else:
        best = summary["best"]
        if best is None:
            print(i18n.t("cli.sweep.none_finished", status=summary['status']))
        else:
            print(i18n.t("cli.sweep.best", label=label(best), val=best['val_accuracy'], test=best['test_accuracy'],
                         status=summary['status']))
        if summary.get("importances"):
            print(i18n.t("cli.sweep.mattered",
                         settings=", ".join(f"{k} {v:.0%}" for k, v in summary["importances"].items())))
    return 0 if summary["best"] is not None else 1
