"""The one exception users see, and how a message quotes what the user sent.

A `UserError` carries a single plain sentence that says what went wrong and
what to do. The CLI prints it and exits with code 2; the UI shows it in the
tab. Anything else is a bug and is allowed to surface as one.

A message that echoes a value the visitor typed quotes it through `shown`,
so a 100,000-character paste comes back as a few dozen characters, not as a
half-megabyte error.
"""

import reprlib

QUOTE_CHARS = 40  # how much of a user's value a message repeats
MESSAGE_CHARS = 300  # the longest sentence a visitor is shown (ui.refusals enforces it)


class UserError(ValueError):
    """Bad input or an unreachable resource, explained in one sentence."""


def shorten(text: str, limit: int = MESSAGE_CHARS) -> str:
    """`text` itself when short enough, else its first `limit - 1` characters and an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value, limit: int = QUOTE_CHARS) -> str:
    """A user's value as a message quotes it: strings in quotes, anything else as Python writes it, cut to `limit`.

    Control characters (a NUL byte, a newline) are escaped so the sentence stays one printable line.
    """
    if isinstance(value, str):
        text = repr(value)
    else:
        brief = reprlib.Repr()
        brief.maxstring = brief.maxother = limit
        text = brief.repr(value)
    return shorten(text, limit)
