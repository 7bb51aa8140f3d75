"""`python -m playground ...`: one subcommand per module.

Each module in COMMANDS has `add_parser(subparsers)`, which registers its
subcommand and sets `handler` to a function of the parsed args. A handler
returns an exit code. A `UserError` anywhere becomes one line on stderr and
exit code 2, never a traceback.

Human-readable output speaks `--lang` (anywhere on the line), else the
shell's locale (LC_ALL, LC_MESSAGES, LANG: `zh_CN.UTF-8` is Chinese), else
English; the parser is built inside that language, so `--help` speaks it too, argparse's own words
included (cli_words.py).
`--json` output is for scripts: it is the same whatever the language (its
messages, and a refusal on stderr, in English).
"""

import argparse
import importlib
import json
import os
import sys

from playground import cli_words, i18n
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
        self.exit(2, i18n.t("cli.bad_arguments", message=message) + "\n")


class _Early(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def language(argv) -> str:
    """The language of the human-readable output: --lang (before or after the subcommand), else the locale."""
    early = _Early(add_help=False, allow_abbrev=False)
    early.add_argument("--lang", default=None)
    try:
        asked = early.parse_known_args(list(argv))[0].lang
    except ValueError:  # `--lang` with no value: the full parser says so, in the locale's language
        asked = None
    if asked:
        return i18n.normalise(asked)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):  # the order POSIX reads them in
        if os.environ.get(name):
            return i18n.normalise(os.environ[name])
    return i18n.DEFAULT


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m playground", description=i18n.t("cli.description"))
    parser.add_argument("--lang", default=None, help=i18n.t("cli.lang.help"))
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(name).add_parser(subparsers)
    for subparser in subparsers.choices.values():  # `--lang` after the subcommand too (language() read it first)
        subparser.add_argument("--lang", default=argparse.SUPPRESS, help=i18n.t("cli.lang.help"))
    return parser


def spoken_message(summary: dict) -> str:
    """A run's closing sentence in the language spoken: the summary keeps its English (as --json prints it)."""
    key, message = f"cli.status.{summary.get('status')}", summary["message"]
    if i18n.current() == i18n.DEFAULT or not message.isascii() or key not in i18n.catalogue(i18n.DEFAULT):
        return message  # English asked for, or already in the language spoken (the trainer's own words)
    return i18n.t(key)  # a loop that still writes English (GAN, VAE): its status in the language spoken


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
    argv = sys.argv[1:] if argv is None else list(argv)
    with i18n.speaking(language(argv)), cli_words.speaking_argparse():  # argparse's own words too
        return _main(argv)


def _main(argv) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "json", False):  # for scripts: the same bytes whatever the language (messages in English)
        with i18n.speaking(i18n.DEFAULT):
            return _run(args)
    return _run(args)


def _run(args) -> int:
    try:
        return args.handler(args) or 0
    except UserError as error:
        print(i18n.t("cli.error", message=error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(i18n.t("cli.stopped"), file=sys.stderr)
        return 130
