"""argparse's own words (usage:, options, "the following arguments are required", -h's line) in the CLI's language.

argparse marks its messages for translation with gettext, but binds the names
`_` and `ngettext` when it is imported, and no Chinese catalogue for them
ships with Python. `speaking_argparse()` swaps argparse's two functions, for
the length of one command, for ones that look the message up in our catalogue
(`cli.argparse.*`) when the CLI speaks Chinese, and otherwise (English, or a
message this table doesn't know) call argparse's own, so the text is exactly
argparse's. The messages are argparse's msgids as Python 3.11 to 3.13 spell
them; a msgid a later Python changes is shown in English, not wrongly.
"""

import argparse
import contextlib

from playground import i18n

MESSAGES = {  # argparse's msgid -> our catalogue key
    "usage: ": "cli.argparse.usage",
    "options": "cli.argparse.options",
    "positional arguments": "cli.argparse.positional",
    "show this help message and exit": "cli.argparse.help",
    "show program's version number and exit": "cli.argparse.version",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "the following arguments are required: %s": "cli.argparse.required",
    "one of the arguments %s is required": "cli.argparse.one_required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_value",
    "expected one argument": "cli.argparse.expected_one",
    "expected at most one argument": "cli.argparse.expected_at_most_one",
    "expected at least one argument": "cli.argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli.argparse.ambiguous",
    "not allowed with argument %s": "cli.argparse.not_allowed_with",
    "ignored explicit argument %r": "cli.argparse.ignored_explicit",
    "unexpected option string: %s": "cli.argparse.unexpected_option",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
}
PLURALS = {"expected %s argument": "cli.argparse.expected_n"}  # ngettext's singular msgid -> key (one form)


@contextlib.contextmanager
def speaking_argparse():
    """Within this block argparse says its own words in `i18n.current()`'s language."""
    own_gettext, own_ngettext = argparse._, argparse.ngettext

    def gettext(message):
        key = MESSAGES.get(message)
        return i18n.t(key) if key and i18n.current() != i18n.DEFAULT else own_gettext(message)

    def ngettext(singular, plural, count):
        key = PLURALS.get(singular)
        return i18n.t(key) if key and i18n.current() != i18n.DEFAULT else own_ngettext(singular, plural, count)

    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = own_gettext, own_ngettext
