"""Guards for a shared app: an upload's size checked before anything reads it, and a wall-clock limit per job.

Both read their numbers from `playground.limits` (PLAYGROUND_MAX_UPLOAD_MB,
PLAYGROUND_MAX_JOB_SECONDS), so the host sets them in one place. The time
limit works through the stop flag every long loop here already checks: when
the time is up the flag is set, the loop ends as if Stop had been pressed and
keeps what it has, and `Deadline.expired` lets the caller say why.
"""

import threading
import time
from pathlib import Path

from playground import i18n
from playground.errors import UserError
from playground.limits import LIMITS, limit


def upload_limit_bytes() -> int:
    return int(limit("upload_mb") * 1024 * 1024)


def check_upload(path, what: str) -> Path:
    """`path` exists, is not empty and is within PLAYGROUND_MAX_UPLOAD_MB; `what` is the key of a noun
    ("nouns.audio_file", "nouns.text_file") so the sentence reads in the visitor's language."""
    what = i18n.t(what)
    if path is None or not str(path).strip():
        raise UserError(i18n.t("errors.upload.choose_first", what=what))
    path = Path(path)
    if not path.is_file():
        raise UserError(i18n.t("errors.upload.gone", what=what, name=path.name))
    size, most = path.stat().st_size, upload_limit_bytes()
    if size == 0:
        raise UserError(i18n.t("errors.upload.empty_named", what=what, name=path.name))
    if size > most:
        raise UserError(i18n.t("errors.upload.too_big_named", what=what, name=path.name, mb=size / 2**20,
                               most=most / 2**20, env=LIMITS['upload_mb'].env))
    return path


class Deadline:
    """Sets `flag` PLAYGROUND_MAX_JOB_SECONDS (or `seconds`) after `start()`, unless `cancel()`ed first.

    Also a context manager (`with Deadline(flag) as deadline:`).
    """

    def __init__(self, flag: threading.Event | None, seconds: float | None = None):
        self.flag, self.seconds = flag, float(limit("job_seconds") if seconds is None else seconds)
        self.started = time.monotonic()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True
        self._expired = threading.Event()

    def _expire(self):
        self._expired.set()
        if self.flag is not None:
            self.flag.set()

    @property
    def expired(self) -> bool:
        return self._expired.is_set()

    def check(self) -> None:
        """Raise the time-limit UserError when the time is up (for loops that have no flag to check)."""
        if self.expired or time.monotonic() - self.started > self.seconds:
            self._expired.set()
            raise UserError(self.message())

    def message(self) -> str:
        return i18n.t("errors.guards.time_limit", seconds=self.seconds, env=LIMITS['job_seconds'].env)

    def start(self) -> "Deadline":
        self.started = time.monotonic()
        self._timer.start()
        return self

    def cancel(self) -> None:
        self._timer.cancel()

    def __enter__(self) -> "Deadline":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cancel()
