"""`python -m playground train --model gan|vae`: the generative half of the train command.

`train.py` hands over to `run_generative` when `--model` is gan or vae. The
GAN and VAE settings become flags from their config classes; names the
classifier flags already own (--epochs, --batch-size, --lr, --seed, --device)
are shared, and `--preset` picks a named bundle of settings first. The event
stream is the foundation's: step and epoch events, then one summary line,
which adds sample_confidence and class_coverage (GAN) or test_recon_mse,
test_kl and latent_knn_accuracy (VAE).
"""

import dataclasses
import sys

from playground import i18n
from playground import config as cfg
from playground.cli import finish_run, print_json, spoken_message

GENERATIVE_MODELS = ("gan", "vae")


def _kinds():
    from playground.generative import gan_config, vae_config
    from playground.generative.run import GanRun
    from playground.generative.vae_run import VaeRun

    return {"gan": (GanRun, gan_config.GANConfig, gan_config.PRESETS),
            "vae": (VaeRun, vae_config.VAEConfig, vae_config.PRESETS)}


def add_arguments(parser) -> None:
    """Add --preset and every GAN/VAE setting the parser doesn't have yet."""
    kinds = _kinds()
    presets = "; ".join(f"{name}: {', '.join(presets)}" for name, (_, _, presets) in kinds.items())
    parser.add_argument("--preset", default=None, help=i18n.t("cli.train.preset.help", presets=presets))
    taken = {action.dest for action in parser._actions}
    helps: dict[str, list[str]] = {}
    for name, (_, config_class, _) in kinds.items():
        for field in cfg.fields(config_class):
            helps.setdefault(field.name, []).append(f"{name.upper()}: {cfg.help_of(field)}")
    for name, (_, config_class, _) in kinds.items():
        group = parser.add_argument_group(i18n.t("cli.group.settings_of", name=name.upper()))
        for field in cfg.fields(config_class):
            if field.name in taken:
                continue
            taken.add(field.name)
            meta = {**field.metadata, "help_text": " ".join(helps[field.name])} if len(helps[field.name]) > 1 else None
            one = dataclasses.field(default=field.default, metadata=meta or field.metadata)
            cfg.add_arguments(group, dataclasses.make_dataclass("One", [(field.name, field.type, one)]))


def run_generative(args) -> int:
    from playground.generative.events import GanEpochEvent, LatentEvent, PictureEvent, VaeEpochEvent
    from playground.training.events import DoneEvent

    run_class, config_class, presets = _kinds()[args.model]
    settings = {f.name: getattr(args, f.name, None) for f in cfg.fields(config_class)}
    run = run_class(args.dataset, settings=settings, preset=args.preset or next(iter(presets)))
    if not args.json:
        print(i18n.t("cli.generative.start", model=args.model.upper(), preset=run.preset, dataset=args.dataset,
                     parameters=run.parameters, device=run.device), file=sys.stderr)
    for event in run.events():
        if isinstance(event, (PictureEvent, LatentEvent)):
            continue  # pictures are for the UI and the --out folder
        if args.json and not isinstance(event, DoneEvent):  # the summary below is the done event, extended
            print_json(event.to_dict())
        elif isinstance(event, (GanEpochEvent, VaeEpochEvent)):
            bar = "#" * round(20 * event.epoch / event.epochs)
            loss = (f"G {event.g_loss:.3f} D {event.d_loss:.3f}" if isinstance(event, GanEpochEvent)
                    else i18n.t("cli.generative.vae_loss", loss=event.train_loss, val=event.val_loss))
            progress = i18n.t("cli.generative.progress", epoch=event.epoch, epochs=event.epochs, loss=loss)
            print(f"\r[{bar:<20}] {progress}", end="", file=sys.stderr, flush=True)
    if not args.json:
        print(file=sys.stderr)  # end the progress bar's line
    return finish_run(run, args, _describe)


def _describe(summary: dict) -> str:
    head = i18n.t("cli.generative.head", message=spoken_message(summary), epochs=summary['epochs_run'],
                  seconds=summary['seconds'], device=summary['device'])
    if summary["status"] == "diverged":
        return head.rstrip(":：") + i18n.t("cli.full_stop")
    if summary["model"] == "gan":
        text = i18n.t("cli.generative.gan", head=head, confidence=summary['sample_confidence'],
                      coverage=summary['class_coverage'], judge=summary['judge_test_accuracy'])
        if "conditional_accuracy" in summary:
            text += i18n.t("cli.generative.conditional", accuracy=summary['conditional_accuracy'])
        return text
    kl = "n/a" if summary["test_kl"] is None else f"{summary['test_kl']:.2f}"
    return i18n.t("cli.generative.vae", head=head, mse=summary['test_recon_mse'], baseline=summary['baseline_mse'],
                  kl=kl, knn=summary['latent_knn_accuracy'])
