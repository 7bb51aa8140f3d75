"""One config, three faces.

Every configurable thing is a dataclass whose fields are declared with
`param(...)`: the default, the bounds or choices, and a one-line explanation
live there and nowhere else. The CLI flags (`add_arguments`), the UI controls
(`playground/ui/controls.py`) and the validation (`validate`) all read them, so
they can't drift apart.
"""

import argparse
import dataclasses
import math
from typing import Any

from playground.errors import UserError, shown


def param(default, help: str, *, low=None, high=None, choices=None, step=None, log=False, label=None):
    """A dataclass field with its bounds and its tooltip."""
    meta = dict(help=help, low=low, high=high, choices=choices, step=step, log=log, label=label)
    return dataclasses.field(default=default, metadata=meta)


def fields(cls_or_obj):
    """The declared params of a config class, in order."""
    return [f for f in dataclasses.fields(cls_or_obj) if "help" in f.metadata]


def label_of(f) -> str:
    return f.metadata.get("label") or f.name.replace("_", " ").capitalize()


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
KIND_WORDS = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def check_value(f, value) -> Any:
    """Coerce one value to the field's type and check it against its bounds."""
    name, meta = f.name, f.metadata
    kind = type(f.default)
    try:
        if kind is bool:
            word = str(value).strip().lower()
            if not isinstance(value, bool) and word not in TRUE_WORDS + FALSE_WORDS:  # "abc" or NaN: not quietly false
                raise ValueError
            value = value if isinstance(value, bool) else word in TRUE_WORDS
        elif kind is int:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            value = int(value)
        elif kind is float:
            value = float(value)
        else:
            value = str(value).strip()
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf)
        raise UserError(f"{label_of(f)} must be {KIND_WORDS.get(kind, 'text')}, got {shown(value)}.") from None
    if kind is float and not math.isfinite(value):
        raise UserError(f"{label_of(f)} must be a finite number, got {value}.")
    if meta["choices"] is not None and value not in meta["choices"]:
        raise UserError(f"{label_of(f)} must be one of {', '.join(map(str, meta['choices']))}; got {shown(value)}.")
    low, high = meta["low"], meta["high"]
    if low is not None and value < low or high is not None and value > high:
        raise UserError(f"{label_of(f)} must be between {low} and {high}; got {shown(value)}.")
    return value


def validate(config):
    """Return a copy of `config` with every field coerced and checked."""
    return dataclasses.replace(config, **{f.name: check_value(f, getattr(config, f.name)) for f in fields(config)})


def build(cls, values: dict | None = None):
    """Make a checked config from a dict of values; unknown keys are refused."""
    values = {k: v for k, v in (values or {}).items() if v is not None}
    known = {f.name for f in fields(cls)}
    unknown = set(values) - known
    if unknown:
        raise UserError(f"Unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}.")
    return validate(cls(**values))


def to_dict(config) -> dict:
    return {f.name: getattr(config, f.name) for f in fields(config)}


# cli


def add_arguments(parser, cls, *, prefix: str = ""):
    """Add one `--flag` per field; the default is None so `build` keeps the dataclass default."""
    for f in fields(cls):
        meta = f.metadata
        flag = "--" + (prefix + f.name).replace("_", "-")
        bounds = f" [{meta['low']}..{meta['high']}]" if meta["low"] is not None else ""
        text = f"{meta['help']}{bounds} (default: {f.default})"
        if type(f.default) is bool:
            parser.add_argument(flag, dest=prefix + f.name, default=None, action=_BoolAction, help=text)
        else:
            # strings, not types: `check_value` coerces, so a bad number gets our message, not argparse's
            parser.add_argument(flag, dest=prefix + f.name, default=None, metavar=f.name.upper(), help=text)


def from_namespace(cls, namespace, *, prefix: str = ""):
    values = {f.name: getattr(namespace, prefix + f.name, None) for f in fields(cls)}
    return build(cls, values)


class _BoolAction(argparse.Action):
    """`--flag` alone means true; `--flag false` is accepted too."""

    def __init__(self, option_strings, dest, **kwargs):
        kwargs["nargs"] = "?"
        kwargs["const"] = "true"
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)


# one number from a control that no dataclass declares (a seed, a class label)


def whole_number(value, what: str, *, low: int, high: int) -> int:
    """`value` as an int from `low` to `high`, or a UserError naming `what` (None, NaN and text included)."""
    try:
        number = float(value)
        if not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError, OverflowError):
        raise UserError(f"{what} must be a whole number, got {shown(value)}.") from None
    if not low <= number <= high:
        raise UserError(f"{what} must be between {low} and {high}; got {shown(value)}.")
    return number
