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

from playground import config as cfg
from playground.cli import finish_run, print_json

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
    parser.add_argument("--preset", default=None, help=f"GAN/VAE only, a named bundle of settings ({presets}).")
    taken = {action.dest for action in parser._actions}
    helps: dict[str, list[str]] = {}
    for name, (_, config_class, _) in kinds.items():
        for field in cfg.fields(config_class):
            helps.setdefault(field.name, []).append(f"{name.upper()}: {cfg.help_of(field)}")
    for name, (_, config_class, _) in kinds.items():
        group = parser.add_argument_group(f"{name.upper()} settings")
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
        print(f"{args.model.upper()} ({run.preset}) on {args.dataset}: {run.parameters} parameters, "
              f"device {run.device}", file=sys.stderr)
    for event in run.events():
        if isinstance(event, (PictureEvent, LatentEvent)):
            continue  # pictures are for the UI and the --out folder
        if args.json and not isinstance(event, DoneEvent):  # the summary below is the done event, extended
            print_json(event.to_dict())
        elif isinstance(event, (GanEpochEvent, VaeEpochEvent)):
            bar = "#" * round(20 * event.epoch / event.epochs)
            loss = (f"G {event.g_loss:.3f} D {event.d_loss:.3f}" if isinstance(event, GanEpochEvent)
                    else f"loss {event.train_loss:.2f} val {event.val_loss:.2f}")
            print(f"\r[{bar:<20}] epoch {event.epoch}/{event.epochs} {loss}", end="", file=sys.stderr, flush=True)
    if not args.json:
        print(file=sys.stderr)  # end the progress bar's line
    return finish_run(run, args, _describe)


def _describe(summary: dict) -> str:
    head = f"{summary['message']} {summary['epochs_run']} epochs in {summary['seconds']:.1f} s on {summary['device']}:"
    if summary["status"] == "diverged":
        return head.removesuffix(":") + "."
    if summary["model"] == "gan":
        text = (f"{head} sample confidence {summary['sample_confidence']:.3f}, {summary['class_coverage']} classes "
                f"seen in 1,000 samples (judge test accuracy {summary['judge_test_accuracy']:.3f})")
        if "conditional_accuracy" in summary:
            text += f", requested class produced {summary['conditional_accuracy']:.1%} of the time"
        return text
    kl = "n/a" if summary["test_kl"] is None else f"{summary['test_kl']:.2f}"
    return (f"{head} test reconstruction MSE {summary['test_recon_mse']:.4f} (mean-image baseline "
            f"{summary['baseline_mse']:.4f}), KL {kl}, latent kNN accuracy {summary['latent_knn_accuracy']:.3f}")
