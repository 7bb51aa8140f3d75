"""`python -m playground datasets`: list the bundled datasets and what fits them."""

from playground import i18n
from playground.cli import print_json


def add_parser(subparsers):
    parser = subparsers.add_parser("datasets", help=i18n.t("cli.datasets.help"),
                                   description=i18n.t("cli.datasets.description"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.datasets.json.help"))
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.data import DATASETS
    from playground.models.registry import compatible_architectures

    for name, dataset in DATASETS.items():
        models = compatible_architectures(dataset.kind)
        if args.json:
            print_json({"name": name, "kind": dataset.kind, "models": models, "options": dataset.options,
                        "description": dataset.description})
        else:
            key = f"dataset.{name}.description"  # the bundled ones have their words in the catalogue
            described = i18n.t(key) if key in i18n.catalogue(i18n.DEFAULT) else dataset.description
            print(f"{name:<15} {dataset.kind:<9} [{', '.join(models)}]  {described}")
    return 0
