"""A student's nickname: checked once when they join, stored as given, escaped wherever it is shown.

The check keeps it short (`PLAYGROUND_NICKNAME_CHARS`, 24 by default) and free
of control characters (newlines, escapes, bidi overrides that would turn a
board row around). It does not strip HTML or Markdown: `<b>Bob</b>` is a fine
nickname that must read as those eleven characters, so every view passes it
through `escaped` (HTML entities, then a backslash before each Markdown
character) rather than hoping nobody typed a bracket.
"""

import html
import re
import unicodedata

from playground import i18n, limits
from playground.errors import UserError, shown

# control, format (bidi overrides, zero-width space), surrogate, private-use and unassigned characters
HIDDEN = ("Cc", "Cf", "Cs", "Co", "Cn")
EMOJI_JOINERS = "\u200d"  # the zero-width joiner inside 👩‍💻: a format character a nickname may hold
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")  # Markdown's markup; < > & " ' become entities


def limit() -> int:
    return int(limits.limit("nickname_chars"))


def checked(nickname) -> str:
    """`nickname` stripped, or a UserError sentence saying what is wrong with it."""
    name = str(nickname if nickname is not None else "").strip()
    if not name:
        raise UserError(i18n.t("classroom.error.nickname_empty"))
    most = limit()
    if len(name) > most:
        raise UserError(i18n.t("classroom.error.nickname_long", most=most, got=len(name)))
    if any(unicodedata.category(c) in HIDDEN and c not in EMOJI_JOINERS or c in "\u2028\u2029" for c in name):
        raise UserError(i18n.t("classroom.error.nickname_control", got=shown(name)))
    return name


def folded(nickname: str) -> str:
    """How two nicknames are compared for 'taken': 'Alice', 'alice' and 'ＡＬＩＣＥ' are one student on a board."""
    return unicodedata.normalize("NFKC", nickname).casefold()


def escaped(nickname: str) -> str:
    """`nickname` safe inside HTML and Markdown: a backslash before Markdown's characters, then entities for
    <>&\"' (in that order, so no backslash lands inside an entity like &#x27;)."""
    return html.escape(MARKDOWN_SPECIAL.sub(r"\\\1", str(nickname)), quote=True)
