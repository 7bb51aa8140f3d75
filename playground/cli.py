"""`python -m playground ...`: one subcommand per module.

Each module in COMMANDS has `add_parser(subparsers)`, which registers its
subcommand and sets `handler` to a function of the parsed args. A handler
returns an exit code. A `UserError` anywhere becomes one line on stderr and
exit code 2, never a traceback.
"""

import argparse
import importlib
import json
import sys

from playground.errors import UserError

COMMANDS = [
    "playground.commands.datasets",
    "playground.commands.train",
    "playground.commands.export",
    "playground.commands.transcribe",
    "playground.commands.generate",
    "playground.commands.train_lm",
    "playground.commands.transfer",
    "playground.commands.sweep",
]


class _Parser(argparse.ArgumentParser):
    """argparse, but bad arguments print one line (no usage dump) and exit 2."""

    def error(self, message):
        self.exit(2, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m playground", description="Deep Learning Playground from the command line.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(name).add_parser(subparsers)
    return parser


def print_json(obj) -> None:
    """One JSON object per line, flushed, so a reader sees events as they happen."""
    print(json.dumps(obj, default=str), flush=True)


def finish_run(run, args, describe) -> int:
    """After training: save to --out, print the summary (one JSON line, or `describe(summary)`); exit code 1
    only when training diverged."""
    summary = run.summary
    if args.out:
        paths = run.save(args.out)
        summary = {**summary, "files": {k: str(v) for k, v in paths.items()}}
    if args.json:
        print_json(summary)
    else:
        print(describe(summary))
    return 0 if summary["status"] != "diverged" else 1


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
