"""Every sentence a person reads, in their language: English or Simplified Chinese.

The words live in one catalogue, `locales/<language>.json`, a flat object
keyed by stable dotted ids (`"train.epochs.label"`), one file per language.
Code never holds the English itself: it names a key.

Two ways a key becomes text, because Gradio translates only what is fixed
when the page is built:
- `ui(key)` for static text on a component (a label, a tooltip, a tab's
  title, a Markdown panel): the page translates it in the browser, in the
  language the browser (or the page's switch) asks for.
- `t(key, **params)` for text made while serving a request (a status line,
  a refusal, a figure's title): it speaks the language of the visitor being
  served (`current()`, set per request by the UI layer), or `lang=`.

The CLI speaks `--lang` (or `LANG`); `--json` output has no words to translate.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import re
import string
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "zh-CN")
DEFAULT = "en"
LOCALES = Path(__file__).parent / "locales"
_current: contextvars.ContextVar[str] = contextvars.ContextVar("playground_language", default=DEFAULT)


def normalise(tag: str | None) -> str:
    """A language tag (a browser's `zh-TW`, `LANG`'s `zh_CN.UTF-8`, `?lang=zh`) as one of LANGUAGES."""
    tag = str(tag or "").strip().lower().replace("_", "-")
    return "zh-CN" if tag.startswith("zh") else DEFAULT


def from_accept_language(header: str | None) -> str:
    """The language an HTTP Accept-Language header prefers most (q-values honoured)."""
    ranked = []
    for position, part in enumerate(str(header or "").split(",")[:20]):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if tag:
            ranked.append((-weight, position, tag))
    return normalise(min(ranked)[2]) if ranked else DEFAULT


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """The words of one language, key -> text."""
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def current() -> str:
    """The language of the request (or CLI command) being served."""
    return _current.get()


@contextlib.contextmanager
def speaking(lang: str | None):
    """Within this block `t()` speaks `lang` (normalised); the previous language comes back after."""
    token = _current.set(normalise(lang))
    try:
        yield
    finally:
        _current.reset(token)


def t(key: str, lang: str | None = None, **params) -> str:
    """The text of `key` in `lang` (default: `current()`), with `{name}` placeholders filled from `params`.

    A key missing from the catalogue is a bug (tests/test_i18n_catalogue.py keeps both files complete): KeyError.
    """
    words = catalogue(normalise(lang) if lang else current())
    text = words[key] if key in words else catalogue(DEFAULT)[key]
    return text.format(**params) if params else text


def t_or(key: str, default: str, lang: str | None = None, **params) -> str:
    """`t(key)` when the catalogue has `key`, else `default`: words of a thing that may be made at run time (a
    bundled dataset's description is in the catalogue, an upload's is written when it arrives)."""
    return t(key, lang, **params) if key in catalogue(DEFAULT) else default


def slug(text) -> str:
    """A catalogue key's last part for a name made elsewhere: "Peak RSS (MB)" -> "peak_rss_mb"."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")


def class_words(classes, dataset: str | None) -> list[str]:
    """Class names as a person reads them in plots: a bundled dataset's (moons' upper and lower, the shapes, the
    waves) in the visitor's language from `data.class.<dataset>.<name>`; any other (an upload's folders or CSV
    labels, digits) as written. Keyed by dataset, because a square wave and a square shape are different words."""
    return [t_or(f"data.class.{dataset}.{slug(name)}", str(name)) for name in classes]


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a catalogue text (both languages must use the same ones)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def ui(key: str):
    """A key for static text on a component; the page shows it in the visitor's language."""
    from gradio.i18n import I18nData

    catalogue(DEFAULT)[key]  # an unknown key fails when the page is built, not silently on screen
    return I18nData(key)


def ui_or(key: str, default: str):
    """`ui(key)` when the catalogue has `key`, else `default` as it is (a registry entry added without its words:
    tests/test_i18n_config.py names it, and the page still builds)."""
    return ui(key) if key in catalogue(DEFAULT) else default


def gradio_i18n():
    """The whole catalogue for `launch(i18n=...)`; Chinese also answers `zh` so any `zh-*` browser gets it.

    A few keys are Gradio's own (`common.runs`: its footer's link), for words its Chinese lacks: the page merges
    these with Gradio's translations."""
    import gradio as gr

    chinese = catalogue("zh-CN")
    return gr.I18n(en=catalogue("en"), **{"zh-CN": chinese, "zh": chinese})
