"""`python -m playground export --out DIR`: train, then write a standalone PyTorch script and the weights.

Takes the same flags as `train` (bundled data, --csv or --images). The folder
gets `train_<model>_<dataset>.py`, `weights.safetensors`, `config.json`, and
`data.safetensors` when the data was an upload. The summary names the files
and the command that re-runs the script.
"""

from playground import i18n
from playground.cli import print_json


def add_parser(subparsers):
    from playground.commands.train import add_run_arguments

    parser = subparsers.add_parser(
        "export", help=i18n.t("cli.export.help"),
        description=i18n.t("cli.export.description"))
    parser.add_argument("--out", required=True, help=i18n.t("cli.export.out.help"))
    add_run_arguments(parser)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.commands.train import build_run, dataset_from_args, headline, train_run
    from playground.export.script import export_run

    args.dataset = dataset_from_args(args)
    training = build_run(args)
    train_run(training, args)
    paths = export_run(training, args.out)
    summary = {**training.summary, "files": {k: str(v) for k, v in paths.items()},
               "command": f"python {paths['script']} --weights {paths['weights']}"}
    if args.json:
        print_json(summary)
    else:
        print(headline(summary))
        print(i18n.t("cli.export.done", script=paths['script']))
    return 0 if summary["status"] != "diverged" else 1
