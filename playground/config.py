"""One config, three faces.

Every configurable thing is a dataclass whose fields are declared with
`param(...)`: the default and the bounds or choices live there and nowhere
else. The CLI flags (`add_arguments`), the UI controls
(`playground/ui/controls.py`) and the validation (`validate`) all read them, so
they can't drift apart.

A field's words are in the catalogue (playground/i18n), under a stable key
made from the class that declares it: `config.TrainConfig.epochs.label` and
`.help`, in English and Chinese (tests/test_i18n_config.py fails on a field
without both). The UI shows them in the visitor's language, the CLI in
`--lang`'s, and a refusal names the field in the language being spoken. The
`help=` text written next to a field is its English as the code's reader sees
it; the test keeps it equal to the catalogue's.
"""

import argparse
import dataclasses
import math
import types
from typing import Any

from playground import i18n
from playground.errors import UserError, shown


class _KeyedField(dataclasses.Field):
    """A field that learns its catalogue key from the class that declares it (Python calls __set_name__)."""

    __slots__ = ()

    def __set_name__(self, owner, name):
        if self.metadata.get("key") is None:  # a copy in a stand-in class (the CLI's `One`) keeps the first owner's
            self.metadata = types.MappingProxyType({**self.metadata, "key": f"config.{owner.__name__}.{name}"})
        super().__set_name__(owner, name)


def param(default, help: str | None = None, *, low=None, high=None, choices=None, step=None, log=False, label=None,
          key: str | None = None):
    """A dataclass field with its bounds; its label and tooltip are the catalogue's `<key>.label` / `<key>.help`.

    `key` defaults to `config.<Class>.<field>`; `help` and `label` are the English, for whoever reads the code.
    """
    meta = dict(help=help, low=low, high=high, choices=choices, step=step, log=log, label=label, key=key)
    field = dataclasses.field(default=default, metadata=meta)
    field.__class__ = _KeyedField
    return field


def fields(cls_or_obj):
    """The declared params of a config class, in order."""
    return [f for f in dataclasses.fields(cls_or_obj) if "help" in f.metadata]


def key_of(f) -> str:
    """The field's catalogue key: `<key>.label` and `<key>.help` are its words."""
    return f.metadata.get("key") or f"config.field.{f.name}"


def label_of(f, lang: str | None = None) -> str:
    """The field's name as a person reads it, in `lang` (default: the language being spoken)."""
    return i18n.t(key_of(f) + ".label", lang=lang)


def help_of(f, lang: str | None = None) -> str:
    return i18n.t(key_of(f) + ".help", lang=lang)


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
KIND_WORDS = {bool: "config.kind.bool", int: "config.kind.int", float: "config.kind.float", str: "config.kind.str"}


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
        raise UserError(i18n.t("config.refusal.kind", label=label_of(f), value=shown(value),
                               kind=i18n.t(KIND_WORDS.get(kind, "config.kind.str")))) from None
    if kind is float and not math.isfinite(value):
        raise UserError(i18n.t("config.refusal.finite", label=label_of(f), value=value))
    if meta["choices"] is not None and value not in meta["choices"]:
        raise UserError(i18n.t("config.refusal.choices", label=label_of(f), value=shown(value),
                               choices=", ".join(map(str, meta["choices"]))))
    low, high = meta["low"], meta["high"]
    if low is not None and value < low or high is not None and value > high:
        raise UserError(i18n.t("config.refusal.range", label=label_of(f), low=low, high=high, value=shown(value)))
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
        raise UserError(i18n.t("config.refusal.unknown", unknown=", ".join(sorted(unknown)),
                               known=", ".join(sorted(known))))
    return validate(cls(**values))


def to_dict(config) -> dict:
    return {f.name: getattr(config, f.name) for f in fields(config)}


# cli


def add_arguments(parser, cls, *, prefix: str = ""):
    """Add one `--flag` per field; the default is None so `build` keeps the dataclass default.

    The help is in the language being spoken (the CLI sets it from --lang or LANG before building its parser).
    """
    for f in fields(cls):
        meta = f.metadata
        flag = "--" + (prefix + f.name).replace("_", "-")
        bounds = f" [{meta['low']}..{meta['high']}]" if meta["low"] is not None else ""
        text = f"{meta.get('help_text') or help_of(f)}{bounds} ({i18n.t('config.default', value=f.default)})"
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
    """`value` as an int from `low` to `high`, or a UserError naming `what` (None, NaN and text included).

    `what` is a catalogue key (said in the language being spoken) or, until its caller names one, the text itself.
    """
    if what in i18n.catalogue(i18n.DEFAULT):
        what = i18n.t(what)
    try:
        number = float(value)
        if not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError, OverflowError):
        raise UserError(i18n.t("config.refusal.kind", label=what, value=shown(value),
                               kind=i18n.t("config.kind.int"))) from None
    if not low <= number <= high:
        raise UserError(i18n.t("config.refusal.range", label=what, low=low, high=high, value=shown(value)))
    return number
