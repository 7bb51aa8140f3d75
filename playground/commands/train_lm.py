"""`python -m playground train-lm`: train the tiny GPT from scratch and save it for `generate --model DIR`.

Without `--corpus` it trains on the Python standard library's own docstrings,
gathered at run time (no download). Progress and samples go to stderr; with
`--json` every event is one JSON line on stdout and the last line is the
summary, with the folder the model was saved in as `path`.
"""

import sys

from playground import i18n
from playground import config as cfg
from playground.cli import print_json


def add_parser(subparsers):
    from playground.text.tiny_gpt import TinyGPTConfig

    parser = subparsers.add_parser(
        "train-lm", help=i18n.t("cli.train_lm.help"),
        description=i18n.t("cli.train_lm.description"))
    parser.add_argument("--corpus", default=None, metavar="FILE",
                        help=i18n.t("cli.train_lm.corpus.help"))
    parser.add_argument("--out", required=True, metavar="DIR", help=i18n.t("cli.train_lm.out.help"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.json_events.help"))
    cfg.add_arguments(parser.add_argument_group(i18n.t("cli.group.model_and_training")), TinyGPTConfig)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.text.corpus import read_corpus_file, stdlib_corpus
    from playground.text.tiny_gpt import TinyGPTConfig, train_events

    config = cfg.from_namespace(TinyGPTConfig, args)
    corpus = read_corpus_file(args.corpus) if args.corpus else stdlib_corpus()
    for event in train_events(config, corpus, out_dir=args.out):
        if args.json:
            print_json(event)
        elif event["event"] == "start":
            print(i18n.t("cli.lm.start", parameters=event['parameters'], vocab=event['vocab_size'],
                         tokens=event['train_tokens'], device=event['device']), file=sys.stderr)
        elif event["event"] == "step":
            print("\r" + i18n.t("cli.lm.step", step=event['step'], steps=event['steps'], loss=event['loss']), end="",
                  file=sys.stderr, flush=True)
        elif event["event"] == "eval":
            print("\n" + i18n.t("cli.lm.eval", step=event['step'], loss=event['val_loss']), file=sys.stderr)
        elif event["event"] == "sample":
            print(i18n.t("cli.lm.sample", text=repr(event['text'])), file=sys.stderr)
    if not args.json:
        print(i18n.t("cli.lm.done", status=i18n.t(f"cli.lm.status.{event['status']}"), steps=event['steps_run'],
                     seconds=event['seconds'], initial=event['initial_val_loss'], loss=event['val_loss'],
                     path=event['path']))
    return 0
