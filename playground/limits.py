"""Limits a host sets for a shared or public app, each with a default that suits a free CPU Space.

Every limit is one environment variable. Reaching one gives a UserError with
one plain sentence naming the limit, so a visitor knows what happened and the
host knows what to change. Limits bind web visitors: `app.py` calls
`enforce()` at start; on the CLI the machine's owner is not limited.
"""

import math
import os
from dataclasses import dataclass

from playground import i18n
from playground.errors import UserError

_enforced = False


def enforce(on: bool = True) -> None:
    global _enforced
    _enforced = on


def enforced() -> bool:
    """Whether limits bind now (web visitors), for checks that don't go through `check` (data/budget.py)."""
    return _enforced


@dataclass(frozen=True)
class Limit:
    name: str
    env: str
    default: float
    what: str  # "epochs", "model parameters", ... as it reads in a sentence (in Chinese too: limits.what.<name>)

    def value(self) -> float:
        """The environment's number (fractions allowed: 1.5 seconds, 0.5 MB), else the default."""
        raw = os.environ.get(self.env)
        try:
            number = float(raw) if raw else self.default
        except ValueError:
            return self.default
        if not math.isfinite(number) or number < 0:
            return self.default
        return int(number) if float(number).is_integer() else number

    def check(self, amount: float) -> None:
        if _enforced and amount > self.value():
            raise UserError(i18n.t("errors.limits.reached", most=_number(self.value()), asked=_number(amount),
                                   what=i18n.t(f"limits.what.{self.name}"), env=self.env))


def _number(amount: float) -> str:
    """1,000,000 rather than :g's 1e+06."""
    return f"{int(amount):,}" if float(amount).is_integer() else f"{amount:,g}"


LIMITS = {limit.name: limit for limit in [
    Limit("epochs", "PLAYGROUND_MAX_EPOCHS", 200, "epochs"),
    Limit("dataset_rows", "PLAYGROUND_MAX_DATASET_ROWS", 50_000, "dataset rows"),
    Limit("parameters", "PLAYGROUND_MAX_PARAMETERS", 5_000_000, "model parameters"),
    Limit("new_tokens", "PLAYGROUND_MAX_NEW_TOKENS", 256, "generated tokens"),
    Limit("audio_seconds", "PLAYGROUND_MAX_AUDIO_SECONDS", 60, "seconds of audio"),
    Limit("job_seconds", "PLAYGROUND_MAX_JOB_SECONDS", 300, "seconds of compute"),
    Limit("cached_models", "PLAYGROUND_MAX_CACHED_MODELS", 3, "models held in memory"),
    Limit("upload_mb", "PLAYGROUND_MAX_UPLOAD_MB", 20, "MB per upload"),
    # the disk (playground/disk.py): not per job, so never check()ed; 0 turns either off
    Limit("keep_files_hours", "PLAYGROUND_KEEP_FILES_HOURS", 24, "hours that run folders and uploads are kept"),
    Limit("disk_mb", "PLAYGROUND_MAX_DISK_MB", 2000, "MB of disk for run folders, uploads and Gradio's cache"),
    # 30 visitors x 256 MB is 7.5 GB, which leaves a 24 GB machine room for the app and its training runs
    Limit("dataset_mb", "PLAYGROUND_MAX_DATASET_MB", 128, "MB of tensors per uploaded dataset"),
    Limit("visitor_datasets_mb", "PLAYGROUND_MAX_VISITOR_DATASETS_MB", 256, "MB of uploaded datasets per visitor"),
    # the run store (playground/store): a visitor's oldest runs go past this many, so the database stays bounded
    Limit("runs_per_visitor", "PLAYGROUND_MAX_RUNS_PER_VISITOR", 200, "runs kept in My runs per visitor"),
    # classes (playground/classroom): not per job either, read where a student joins or posts
    Limit("nickname_chars", "PLAYGROUND_NICKNAME_CHARS", 24, "characters per nickname in a class"),
    Limit("class_posts_per_minute", "PLAYGROUND_CLASS_POSTS_PER_MINUTE", 4,
          "runs a student posts to a class per minute"),
]}


def limit(name: str) -> float:
    return LIMITS[name].value()


def check(name: str, amount: float) -> None:
    LIMITS[name].check(amount)


def check_training(epochs: int, parameters: int) -> None:
    """One training job's epochs and model size against PLAYGROUND_MAX_EPOCHS and PLAYGROUND_MAX_PARAMETERS."""
    check("epochs", epochs)
    check("parameters", parameters)


def table() -> list[list]:
    """[environment variable, what it limits, value in force, default]: for the System tab and the README."""
    return [[l.env, l.what, l.value(), l.default] for l in LIMITS.values()]
