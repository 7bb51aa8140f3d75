"""`python -m playground train`: train a model on a bundled dataset, or on your own CSV or zip of images.

Every model and training setting is a flag generated from its config class,
so the bounds are the same as in the UI. `--csv FILE --target COLUMN` and
`--images ZIP` file an upload in the dataset registry first, exactly as the
app's upload panel does, so the rest is an ordinary run. `--json` prints one
event per line; the last line is the summary.
"""

import sys

from playground import i18n
from playground import config as cfg
from playground.cli import finish_run, print_json, spoken_message
from playground.commands.train_generative import GENERATIVE_MODELS, run_generative
from playground.commands.train_generative import add_arguments as add_generative_arguments


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train", help=i18n.t("cli.train.help"),
        description=i18n.t("cli.train.description"))
    add_run_arguments(parser, generative=True)
    parser.add_argument("--out", default=None, help=i18n.t("cli.train.out.help"))
    parser.set_defaults(handler=run)


def add_run_arguments(parser, *, generative: bool = False) -> None:
    """The flags that pick the data, the model and the settings (shared with `export`)."""
    from playground.models.registry import ARCHITECTURES
    from playground.training.config import RegressionConfig, TrainConfig

    models = [*ARCHITECTURES, *(GENERATIVE_MODELS if generative else ())]
    parser.add_argument("--model", required=True, help=i18n.t("cli.train.model.help", models=", ".join(models)))
    parser.add_argument("--dataset", default=None, help=i18n.t("cli.train.dataset.help"))
    parser.add_argument("--noise", default=None, help=i18n.t("cli.train.noise.help"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.json_events.help"))
    own = parser.add_argument_group(i18n.t("cli.group.own_data"))
    own.add_argument("--csv", default=None, help=i18n.t("cli.train.csv.help"))
    own.add_argument("--target", default=None, help=i18n.t("cli.train.target.help"))
    own.add_argument("--features", default=None, help=i18n.t("cli.train.features.help"))
    own.add_argument("--task", default="auto", help=i18n.t("cli.train.task.help"))
    own.add_argument("--images", default=None, help=i18n.t("cli.train.images.help"))
    own.add_argument("--image-size", default="32", help=i18n.t("cli.train.image_size.help"))
    cfg.add_arguments(parser.add_argument_group(i18n.t("cli.group.training")), TrainConfig)
    seen = set()
    for arch in ARCHITECTURES.values():
        group = parser.add_argument_group(i18n.t("cli.group.settings_of", name=arch.title))
        for field in cfg.fields(arch.config_class):
            if field.name not in seen:  # shared names (dropout) are one flag
                seen.add(field.name)
                cfg.add_arguments(group, _only(arch.config_class, field.name))
    if generative:
        add_generative_arguments(parser)
    taken = {action.dest: action for action in parser._actions}
    for field in cfg.fields(RegressionConfig):  # --loss may already be the GAN's: then it is shared
        if field.name in taken:
            names = ", ".join(field.metadata["choices"])
            taken[field.name].help += i18n.t("cli.train.regression_datasets", names=names)
        else:
            regression = parser.add_argument_group(i18n.t("cli.group.regression"))
            cfg.add_arguments(regression, _only(RegressionConfig, field.name))


def _only(config_class, name):
    """A stand-in class exposing just one field, so shared names become one flag."""
    import dataclasses

    field = next(f for f in dataclasses.fields(config_class) if f.name == name)
    return dataclasses.make_dataclass("One", [(name, field.type, field)])


def dataset_from_args(args) -> str:
    """The dataset's name: --dataset, or an upload (--csv/--images) filed in the registry now."""
    from playground.errors import UserError

    given = [flag for flag in ("dataset", "csv", "images") if getattr(args, flag)]
    if len(given) != 1:
        raise UserError(i18n.t("errors.cli.one_dataset"))
    if args.csv:
        from playground.data.csv_table import table_dataset
        from playground.data.uploads import register_upload

        if not args.target:
            raise UserError(i18n.t("errors.cli.csv_target"))
        features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else None
        splits, description = table_dataset(args.csv, args.target, features, args.task)
        return register_upload(splits, description).name
    if args.images:
        from playground.data.image_folders import image_dataset
        from playground.data.uploads import register_upload

        try:
            size = int(args.image_size)
        except ValueError:
            raise UserError(i18n.t("errors.cli.image_size", value=args.image_size)) from None
        splits, description = image_dataset(args.images, size)
        return register_upload(splits, description).name
    return args.dataset


def build_run(args):
    from playground.data import get_dataset
    from playground.models.registry import get_architecture
    from playground.training.config import TrainConfig
    from playground.training.run import Run

    architecture = get_architecture(args.model)
    dataset = get_dataset(args.dataset)
    model_settings = {f.name: getattr(args, f.name) for f in cfg.fields(architecture.config_class)}
    train_settings = {f.name: getattr(args, f.name) for f in cfg.fields(TrainConfig)}
    if dataset.suggested.get("model", args.model) == architecture.name:  # as the Train tab does: flags win
        model_settings = _under(dataset.suggested.get("model_settings", {}), model_settings)
        train_settings = _under(dataset.suggested.get("train_settings", {}), train_settings)
    train_settings = _under(architecture.suggested_train, train_settings)  # what the dataset and flags left open
    options = {"noise": args.noise} if args.noise is not None and "noise" in dataset.options else {}
    task_settings = {"loss": args.loss} if dataset.task == "regression" else {}
    return Run(args.model, args.dataset, model_settings=model_settings, train_settings=train_settings,
               dataset_options=options, task_settings=task_settings)


def _under(suggested: dict, given: dict) -> dict:
    """Suggested settings (the dataset's, the architecture's), replaced by any value already given (flags left
    out are None)."""
    return {**given, **{k: v for k, v in suggested.items() if given.get(k) is None}}


def train_run(run, args) -> None:
    """Train, printing events (--json) or a progress bar on stderr."""
    from playground.training.events import DoneEvent, EpochEvent

    if not args.json:
        print(i18n.t("cli.train.start", arch=run.architecture.title, dataset=run.splits.name, parameters=run.parameters,
                     device=run.device))
    for event in run.events():
        if args.json and not isinstance(event, DoneEvent):  # the summary below is the done event, extended
            print_json(event.to_dict())
        elif isinstance(event, EpochEvent):
            bar = "#" * round(20 * event.epoch / event.epochs)
            score = i18n.t("cli.train.val_acc", value=event.val_accuracy) if event.val_accuracy is not None else \
                i18n.t("cli.train.val_r2", value=event.to_dict()['val_r2'])
            progress = i18n.t("cli.train.progress", epoch=event.epoch, epochs=event.epochs, loss=event.train_loss,
                              score=score)
            print(f"\r[{bar:<20}] {progress}", end="", file=sys.stderr, flush=True)
    if not args.json:
        print(file=sys.stderr)


def headline(summary: dict) -> str:
    done = dict(message=spoken_message(summary), loss=summary['test_loss'], epochs=summary['epochs_run'],
                seconds=summary['seconds'], device=summary['device'])
    if summary.get("task") == "regression":
        return i18n.t("cli.train.summary_regression", r2=summary['test_r2'], mae=summary['test_mae'], **done)
    return i18n.t("cli.train.summary_classification", accuracy=summary['test_accuracy'], f1=summary['test_f1'], **done)


def run(args) -> int:
    args.dataset = dataset_from_args(args)
    if args.model in GENERATIVE_MODELS:  # GAN and VAE have their own loop: commands/train_generative.py
        return run_generative(args)
    from playground.training import distributed

    run = build_run(args)
    if not distributed.world().is_main:  # under torchrun every process trains, but only rank 0 prints and writes
        for _ in run.events():
            pass
        _leave_process_group(run)
        return 0
    train_run(run, args)
    _leave_process_group(run)
    return finish_run(run, args, headline)


def _leave_process_group(run) -> None:
    if run.trainer is not None:  # without one, no process group was joined (Trainer joins it)
        run.trainer.leave_process_group()
