"""The two secrets of a class: the join code (on the students' link) and the teacher's token (on the teacher's).

Both come from `secrets` with 128 bits or more, URL-safe, so neither can be
guessed or counted up to. The database keeps the code as it is (students need
it looked up) but only `key_of(token)`, the token's sha256: a copy of the
database, a log or a backup never holds a working teacher link. `same`
compares in constant time, so a guesser learns nothing from how long a
refusal took.
"""

import hashlib
import hmac
import secrets

CODE_BYTES = 16  # 128 bits: 22 URL-safe characters
TOKEN_BYTES = 32  # 256 bits: 43 URL-safe characters; the teacher's link is never typed by hand


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def new_teacher_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def key_of(token: str) -> str:
    """What the database keeps of a teacher token: its sha256, hex."""
    return hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time equality of two strings (codes or keys)."""
    return hmac.compare_digest(str(a).encode("utf-8", "surrogatepass"), str(b).encode("utf-8", "surrogatepass"))
