"""`python -m playground generate`: continue a prompt with a causal language model (Hub id or local folder).

The continuation streams to stdout as it is generated, with timings on stderr.
With `--json` only one line is printed: a JSON object whose `text` is the
continuation without the prompt, with `tokens`, `seconds`, `tokens_per_second`,
`time_to_first_token`, `seed` and each token's probability.
"""

import sys

from playground import i18n
from playground import config as cfg
from playground.cli import print_json
from playground.device import DEVICE_CHOICES
from playground.errors import UserError
from playground.precision import PRECISION_CHOICES


def add_parser(subparsers):
    from playground.text.generate import GenerationConfig

    parser = subparsers.add_parser(
        "generate", help=i18n.t("cli.generate.help"),
        description=i18n.t("cli.generate.description"))
    parser.add_argument("--model", default="gpt2", metavar="ID_OR_PATH",
                        help=i18n.t("cli.generate.model.help"))
    parser.add_argument("--prompt", required=True, help=i18n.t("cli.generate.prompt.help"))
    parser.add_argument("--device", default="auto", choices=DEVICE_CHOICES, help=i18n.t("cli.generate.device.help"))
    parser.add_argument("--precision", default="auto", choices=PRECISION_CHOICES,
                        help=i18n.t("cli.generate.precision.help"))
    parser.add_argument("--json", action="store_true", help=i18n.t("cli.generate.json.help"))
    cfg.add_arguments(parser.add_argument_group(i18n.t("cli.group.generation")), GenerationConfig)
    parser.set_defaults(handler=run)


def run(args) -> int:
    from playground.text.generate import GenerationConfig, check_prompt, generate_stream
    from playground.text.loading import load_model

    config = cfg.from_namespace(GenerationConfig, args)
    check_prompt(args.prompt)
    if config.greedy and any(getattr(args, name) is not None for name in ("temperature", "top_k", "top_p")):
        raise UserError(i18n.t("errors.cli.greedy_sampling"))
    loaded = load_model(args.model, args.device, args.precision)
    streams = not args.json and config.num_beams == 1 and config.num_sequences == 1
    if not args.json:
        print(i18n.t("cli.generate.loaded", model=loaded.model_id, millions=loaded.parameters / 1e6,
                     device=loaded.device, precision=loaded.precision.describe()), file=sys.stderr)
    printed = ""
    if streams:
        print(args.prompt, end="", flush=True)
    for event in generate_stream(loaded, args.prompt, config):
        if streams and event["event"] == "token" and event["texts"][0] != printed:
            print(event["texts"][0][len(printed):], end="", flush=True)
            printed = event["texts"][0]
    if args.json:
        print_json(_summary(event, loaded))
        return 0
    if streams:
        print(event["text"][len(printed):], flush=True)  # whatever the decoder held back at the end
    else:
        for i, text in enumerate(event["texts"], 1):
            print(i18n.t("cli.generate.sequence", index=i) + f"\n{args.prompt}{text}")
    print(i18n.t("cli.generate.timing", tokens=event['tokens'], seconds=event['seconds'],
                 rate=event['tokens_per_second'], first=event['time_to_first_token'], seed=event['seed']),
          file=sys.stderr)
    return 0


def _summary(done: dict, loaded) -> dict:
    first = done["steps"][0]
    return {"text": done["text"], "tokens": done["tokens"], "seconds": round(done["seconds"], 4),
            "tokens_per_second": round(done["tokens_per_second"], 2),
            "time_to_first_token": round(done["time_to_first_token"], 4), "seed": done["seed"],
            "stopped": done["stopped"], "model": loaded.model_id, "device": str(loaded.device),
            "precision": loaded.precision.name,
            "token_ids": [t["id"] for t in first], "probabilities": [round(t["probability"], 6) for t in first],
            **({"texts": done["texts"]} if len(done["texts"]) > 1 else {})}
