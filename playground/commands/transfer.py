"""`python -m playground transfer`: pretrain on a source task, learn a target from K shots, compare strategies.

`--shots` takes one K or a list (`1,5,20`). `--json` prints one event per line
(each tagged with its strategy and K); the last line is the summary, whose
`results` maps each strategy (scratch, frozen, finetune, finetune_low_lr) to
its test accuracy at the first K, and `by_shots` holds every K.
"""

import sys

from playground import i18n
from playground import config as cfg
from playground.cli import print_json


def add_parser(subparsers):
    from playground.transfer.config import TransferConfig

    parser = subparsers.add_parser(
        "transfer", help=i18n.t("cli.transfer.help"),
        description=i18n.t("cli.transfer.description"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.json_events.help"))
    cfg.add_arguments(parser.add_argument_group(i18n.t("cli.group.transfer")), TransferConfig)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.training.events import EpochEvent
    from playground.transfer.config import STRATEGIES, TransferConfig, parse_shots
    from playground.transfer.run import PRETRAIN_PHASE, ResultEvent, TransferExperiment

    settings = {f.name: getattr(args, f.name) for f in cfg.fields(TransferConfig)}
    shots_list = parse_shots(args.shots) if args.shots is not None else None
    if shots_list:
        settings["shots"] = shots_list[0]
    experiment = TransferExperiment(settings, shots_list)
    c = experiment.config
    if not args.json:
        where = c.backbone or i18n.t("cli.transfer.small_cnn", source=c.source)
        print(i18n.t("cli.transfer.start", target=c.target, shots=', '.join(map(str, experiment.shots_list)),
                     where=where, epochs=c.epochs, lr=c.lr, seed=c.seed, device=experiment.device), file=sys.stderr)
    for event in experiment.events():
        if args.json:
            print_json(event.to_dict())
        elif isinstance(event, ResultEvent):
            result = i18n.t("cli.transfer.result", accuracy=event.test_accuracy, seconds=event.seconds)
            print(f"\rK={event.shots:<3} {STRATEGIES[event.strategy].title:<30} {result}", file=sys.stderr, flush=True)
        elif getattr(event, "strategy", None) == PRETRAIN_PHASE and isinstance(event.inner, EpochEvent):
            inner = event.inner
            print("\r" + i18n.t("cli.transfer.pretraining", source=c.source, epoch=inner.epoch, epochs=inner.epochs,
                                accuracy=inner.val_accuracy), end="" if inner.epoch < inner.epochs else "\n",
                  file=sys.stderr, flush=True)
    summary = experiment.summary
    if args.json:
        print_json(summary)
    else:
        print_table(summary, experiment)
    return 0 if summary["status"] == "finished" else 1


def print_table(summary: dict, experiment) -> None:
    names = experiment.strategies
    print("K      " + "  ".join(f"{n:>16}" for n in names))
    for shots, by_strategy in summary["by_shots"].items():
        print(f"{shots:<6} " + "  ".join(f"{by_strategy[n]:>16.3f}" if n in by_strategy else f"{'-':>16}"
                                         for n in names))
    if "source_test_accuracy" in summary:
        print(i18n.t("cli.transfer.source", source=summary['source'], accuracy=summary['source_test_accuracy']))
    if summary["status"] != "finished":
        print(i18n.t("cli.transfer.status", status=summary['status']))
