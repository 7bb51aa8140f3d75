"""The one exception users see.

A `UserError` carries a single plain sentence that says what went wrong and
what to do. The CLI prints it and exits with code 2; the UI shows it in the
tab. Anything else is a bug and is allowed to surface as one.
"""


class UserError(ValueError):
    """Bad input or an unreachable resource, explained in one sentence."""
