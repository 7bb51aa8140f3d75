"""Text to train the tiny GPT on, with no download.

The default corpus is gathered at run time from the Python standard library's
own documentation: the docstrings of a fixed list of modules and of their
public functions and classes (what `pydoc` shows). Users can paste text or
upload a text file instead.
"""

import importlib
import inspect
import warnings
from pathlib import Path

from playground import i18n
from playground.errors import UserError

# plain, side-effect-free modules with plenty of prose in their docstrings
STDLIB_MODULES = (
    "argparse", "base64", "bisect", "calendar", "collections", "contextlib", "csv", "dataclasses", "datetime",
    "decimal", "difflib", "email.message", "enum", "fractions", "functools", "gzip", "heapq", "html", "http.client",
    "inspect", "ipaddress", "itertools", "json", "logging", "math", "operator", "os", "pathlib", "pprint", "queue",
    "random", "re", "shlex", "shutil", "statistics", "string", "subprocess", "tarfile", "tempfile", "textwrap",
    "threading", "typing", "unittest", "urllib.parse", "uuid", "zipfile",
)
MIN_CHARACTERS = 1_000
MAX_CHARACTERS = 2_000_000
MAX_UNDECODABLE = 0.01  # more than this share of bytes that are not UTF-8: not a text file


def stdlib_corpus(max_characters: int = 400_000) -> str:
    """Docstrings of the standard library, in a fixed order, deduplicated, cut at `max_characters`."""
    seen, parts, total = set(), [], 0
    for name in STDLIB_MODULES:
        for doc in _docstrings(importlib.import_module(name)):
            if doc in seen:
                continue
            seen.add(doc)
            parts.append(doc)
            total += len(doc) + 2
            if total >= max_characters:
                return "\n\n".join(parts)[:max_characters]
    text = "\n\n".join(parts)
    if len(text) < MIN_CHARACTERS:  # python -OO strips docstrings
        raise UserError(i18n.t("errors.corpus.no_docstrings"))
    return text


def _docstrings(module):
    yield inspect.getdoc(module) or ""
    with warnings.catch_warnings():  # typing's deprecated typing.io / typing.re warn when touched
        warnings.simplefilter("ignore", DeprecationWarning)
        members = sorted(vars(module).items())
        docs = [inspect.getdoc(member) or "" for name, member in members if _public(module, name, member)]
    yield from docs


def _public(module, name, member) -> bool:
    return (not name.startswith("_") and getattr(member, "__module__", None) == module.__name__
            and (inspect.isclass(member) or inspect.isroutine(member)))


def check_corpus(text: str) -> str:
    """The text to train on, or a UserError when it is too short or too long."""
    text = (text or "").replace("\r\n", "\n")
    if len(text.strip()) < MIN_CHARACTERS:
        raise UserError(i18n.t("errors.corpus.too_short", chars=len(text.strip()), least=MIN_CHARACTERS))
    if len(text) > MAX_CHARACTERS:
        raise UserError(i18n.t("errors.corpus.too_long", chars=len(text), most=MAX_CHARACTERS))
    return text


def read_corpus_file(path) -> str:
    """A text file as training text (UTF-8; a stray undecodable byte becomes U+FFFD, a binary file is refused).

    At most PLAYGROUND_MAX_UPLOAD_MB is read (the web app checks the upload against the same limit first).
    """
    from playground.guards import upload_limit_bytes

    path = Path(path)
    if not path.is_file():
        raise UserError(i18n.t("errors.corpus.no_file", path=path))
    size, most = path.stat().st_size, upload_limit_bytes()
    if size > most:
        raise UserError(i18n.t("errors.corpus.file_too_big", mb=size / 2**20, most=most / 2**20))
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace")
    if b"\x00" in data[:65536] or text.count("\ufffd") > MAX_UNDECODABLE * max(1, len(data)):
        raise UserError(i18n.t("errors.corpus.binary", name=path.name))
    return check_corpus(text)
