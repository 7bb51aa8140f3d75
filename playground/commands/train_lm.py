"""`python -m playground train-lm`: train the tiny GPT from scratch and save it for `generate --model DIR`.

Without `--corpus` it trains on the Python standard library's own docstrings,
gathered at run time (no download). Progress and samples go to stderr; with
`--json` every event is one JSON line on stdout and the last line is the
summary, with the folder the model was saved in as `path`.
"""

import sys

from playground import config as cfg
from playground.cli import print_json


def add_parser(subparsers):
    from playground.text.tiny_gpt import TinyGPTConfig

    parser = subparsers.add_parser(
        "train-lm", help="Train a tiny GPT-2 from scratch on a text (works offline).",
        description="Train a small GPT-2-architecture model and its tokenizer on a text file, or on the Python "
                    "standard library's docstrings when no --corpus is given; saves a save_pretrained folder.")
    parser.add_argument("--corpus", default=None, metavar="FILE",
                        help="A UTF-8 text file to learn from (default: the standard library's docstrings).")
    parser.add_argument("--out", required=True, metavar="DIR", help="Folder to save the model and tokenizer in.")
    parser.add_argument("--json", action="store_true", help="One JSON event per line; the last is the summary.")
    cfg.add_arguments(parser.add_argument_group("model and training"), TinyGPTConfig)
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
            print(f"{event['parameters']:,} parameters, {event['vocab_size']} tokens in the vocabulary, "
                  f"{event['train_tokens']:,} training tokens, on {event['device']}", file=sys.stderr)
        elif event["event"] == "step":
            print(f"\rstep {event['step']}/{event['steps']} loss {event['loss']:.3f}", end="", file=sys.stderr,
                  flush=True)
        elif event["event"] == "eval":
            print(f"\nstep {event['step']}: held-out loss {event['val_loss']:.3f}", file=sys.stderr)
        elif event["event"] == "sample":
            print(f"  sample: {event['text']!r}", file=sys.stderr)
    if not args.json:
        print(f"{event['status']} after {event['steps_run']} steps in {event['seconds']:.1f} s: held-out loss "
              f"{event['initial_val_loss']:.3f} -> {event['val_loss']:.3f}. Saved to {event['path']}; try\n"
              f"  python -m playground generate --model {event['path']} --prompt 'The '")
    return 0
