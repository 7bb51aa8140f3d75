"""`python -m playground train`: train a model on a bundled dataset from the command line.

Every model and training setting is a flag generated from its config class,
so the bounds are the same as in the UI. `--json` prints one event per line;
the last line is the summary.
"""

import sys

from playground import config as cfg
from playground.cli import print_json
from playground.commands.train_generative import GENERATIVE_MODELS, run_generative
from playground.commands.train_generative import add_arguments as add_generative_arguments


def add_parser(subparsers):
    from playground.models.registry import ARCHITECTURES
    from playground.training.config import TrainConfig

    parser = subparsers.add_parser(
        "train", help="Train a model on a bundled dataset.",
        description="Train an architecture on a dataset; flags for one architecture are ignored by the others.")
    parser.add_argument("--model", required=True,
                        help=f"Architecture: {', '.join([*ARCHITECTURES, *GENERATIVE_MODELS])}.")
    parser.add_argument("--dataset", required=True, help="Dataset name (see `python -m playground datasets`).")
    parser.add_argument("--noise", default=None, help="Noise of moons, circles, spiral or waves.")
    parser.add_argument("--out", default=None, help="Folder for weights.safetensors, config.json, history.csv.")
    parser.add_argument("--json", action="store_true", help="One JSON event per line; the last is the summary.")
    cfg.add_arguments(parser.add_argument_group("training"), TrainConfig)
    seen = set()
    for arch in ARCHITECTURES.values():
        group = parser.add_argument_group(f"{arch.title} settings")
        for field in cfg.fields(arch.config_class):
            if field.name not in seen:  # shared names (dropout) are one flag
                seen.add(field.name)
                cfg.add_arguments(group, _only(arch.config_class, field.name))
    add_generative_arguments(parser)
    parser.set_defaults(handler=run)


def _only(config_class, name):
    """A stand-in class exposing just one field, so shared names become one flag."""
    import dataclasses

    field = next(f for f in dataclasses.fields(config_class) if f.name == name)
    return dataclasses.make_dataclass("One", [(name, field.type, field)])


def run(args) -> int:
    if args.model in GENERATIVE_MODELS:  # GAN and VAE have their own loop: commands/train_generative.py
        return run_generative(args)
    from playground.data import get_dataset
    from playground.models.registry import get_architecture
    from playground.training.config import TrainConfig
    from playground.training.events import DoneEvent, EpochEvent
    from playground.training.run import Run

    architecture = get_architecture(args.model)
    dataset = get_dataset(args.dataset)
    model_settings = {f.name: getattr(args, f.name) for f in cfg.fields(architecture.config_class)}
    train_settings = {f.name: getattr(args, f.name) for f in cfg.fields(TrainConfig)}
    options = {"noise": args.noise} if args.noise is not None and "noise" in dataset.options else {}
    run = Run(args.model, args.dataset, model_settings=model_settings, train_settings=train_settings,
              dataset_options=options)
    if not args.json:
        print(f"{architecture.title} on {args.dataset}: {run.parameters:,} parameters, device {run.device}")
    for event in run.events():
        if args.json and not isinstance(event, DoneEvent):  # the summary below is the done event, extended
            print_json(event.to_dict())
        elif isinstance(event, EpochEvent):
            bar = "#" * round(20 * event.epoch / event.epochs)
            print(f"\r[{bar:<20}] epoch {event.epoch}/{event.epochs} loss {event.train_loss:.4f} "
                  f"val_acc {event.val_accuracy:.3f}", end="", file=sys.stderr, flush=True)
    summary = run.summary
    if args.out:
        paths = run.save(args.out)
        summary = {**summary, "files": {k: str(v) for k, v in paths.items()}}
    if args.json:
        print_json(summary)
    else:
        print(file=sys.stderr)
        print(f"{summary['message']} test accuracy {summary['test_accuracy']:.4f}, test loss "
              f"{summary['test_loss']}, F1 {summary['test_f1']:.4f}, {summary['epochs_run']} epochs in "
              f"{summary['seconds']:.1f} s on {summary['device']}")
    return 0 if summary["status"] != "diverged" else 1
