"""Disk that stays bounded: old run folders, uploads and cached copies are deleted, oldest first over a budget.

Every Train run leaves a folder under the outputs folder and Gradio keeps a copy
of every upload and every file it serves; left alone the disk only grows. Two
limits bound it (see playground/limits.py): PLAYGROUND_KEEP_FILES_HOURS (an
entry untouched that long goes) and PLAYGROUND_MAX_DISK_MB (over it, the
least recently touched entries go until the folders fit). 0 turns either off.

`sweep()` is a pure function of the folders, the two limits and the time, so
tests call it directly; `start_sweeper()` runs it in a daemon thread every
minute and whenever `wake()` says new files were written. Only `app.py`'s
`__main__` starts one: importing this module starts nothing.

What is never deleted:
- anything outside the given folders: entries are the folders' direct children, found with `os.scandir`;
  a symbolic link is removed as a link, its target is never followed or touched;
- in a folder marked `gradio_hashes_only`, anything but Gradio's own cache entries (64-hex-digit names),
  so a GRADIO_TEMP_DIR shared with other apps loses only files of that shape;
- an entry touched within the grace period (PLAYGROUND_MAX_JOB_SECONDS plus a minute): a running job may
  still be writing into it (the tiny GPT creates its folder when it starts and saves into it at the end);
- an entry holding a `protected` path (Gradio's `keep_in_cache`: the examples a page shows).
"""

import logging
import os
import re
import shutil
import stat
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from playground.limits import limit

log = logging.getLogger(__name__)
GRADIO_HASH = re.compile(r"[0-9a-f]{64}")
SWEEP_EVERY_SECONDS = 60.0
SETTLE_SECONDS = 5.0  # after wake(): let the run finish writing its folder, so the budget counts its files


@dataclass(frozen=True)
class Folder:
    path: Path
    gradio_hashes_only: bool = False  # Gradio's temp dir: touch only its sha256-named cache entries
    extra_keep_seconds: float = 0.0  # Gradio's own delete_cache goes first there, so it forgets what it deleted


@dataclass(frozen=True)
class Entry:
    """One direct child of a folder: a run folder, a cache entry or a file, deleted as a whole."""
    path: Path
    newest: float  # the latest mtime of the entry and everything in it
    size: int  # bytes of the regular files in it
    folder: Folder


@dataclass
class SweepReport:
    deleted: list[Path] = field(default_factory=list)
    freed_bytes: int = 0
    kept_bytes: int = 0
    kept_entries: int = 0


# helpers


def keep_seconds() -> float:
    return limit("keep_files_hours") * 3600.0


def budget_bytes() -> int:
    return int(limit("disk_mb") * 1024 * 1024)


def grace_seconds() -> float:
    """How recently touched an entry must be to count as in use: a job runs at most PLAYGROUND_MAX_JOB_SECONDS."""
    return limit("job_seconds") + 60.0


def _measure(path: Path) -> tuple[float, int]:
    """(latest mtime, bytes) of `path` and, for a real directory, everything below it; links are not followed."""
    info = path.lstat()
    newest, size = info.st_mtime, info.st_size if stat.S_ISREG(info.st_mode) else 0
    if path.is_dir() and not path.is_symlink():
        for parent, dirs, files in os.walk(path, followlinks=False):
            for name, is_file in [(d, False) for d in dirs] + [(f, True) for f in files]:
                try:
                    inner = os.lstat(os.path.join(parent, name))
                except FileNotFoundError:
                    continue
                newest = max(newest, inner.st_mtime)
                if is_file and stat.S_ISREG(inner.st_mode):
                    size += inner.st_size
    return newest, size


def _is_empty_dir(path: Path) -> bool:
    if path.is_symlink() or not path.is_dir():
        return False
    with os.scandir(path) as children:
        return next(children, None) is None


def entries(folder: Folder) -> list[Entry]:
    """The folder's direct children it may delete, measured; a missing folder has none.

    The folder itself may be reached through a link (a host's mounted volume); links inside it are not followed.
    """
    root = Path(folder.path).resolve()
    if not root.is_dir():
        return []
    found, owner = [], Folder(root, folder.gradio_hashes_only, folder.extra_keep_seconds)
    with os.scandir(root) as children:
        for child in children:
            if folder.gradio_hashes_only and not GRADIO_HASH.fullmatch(child.name):
                continue
            path = root / child.name
            try:
                newest, size = _measure(path)
            except FileNotFoundError:  # deleted meanwhile (Gradio's own clean-up)
                continue
            except OSError as error:  # unreadable: not ours to judge, and not a reason to stop sweeping the rest
                log.warning("disk sweeper skips %s: %s", path, error)
                continue
            found.append(Entry(path, newest, size, owner))
    return found


def _holds(entry: Entry, protected: set[str]) -> bool:
    prefix = str(entry.path) + os.sep
    return any(p == str(entry.path) or p.startswith(prefix) for p in protected)


def _delete(entry: Entry) -> bool:
    """Remove the entry itself: a link or file is unlinked, a real directory removed with everything in it."""
    path = entry.path
    if path.parent != Path(entry.folder.path):  # never anything but a direct child of one of our folders
        raise ValueError(f"{path} is not directly inside {entry.folder.path}")
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)  # rmtree unlinks links inside, never follows them
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:  # e.g. a file someone else made read-only: leave it, sweep the rest
        log.warning("disk sweeper could not delete %s: %s", path, error)
        return False
    return True


# the sweep


def sweep(folders: Iterable[Folder], keep_seconds: float, budget_bytes: int, now: float,
          grace_seconds: float = 60.0, protected: Iterable[str] = ()) -> SweepReport:
    """Delete the entries untouched for `keep_seconds`, then the least recently touched until the rest fit in
    `budget_bytes`. 0 turns either rule off. Entries touched within `grace_seconds` of `now`, or holding a
    `protected` path, stay whatever the rules say."""
    protected = {os.path.realpath(p) for p in protected}
    report = SweepReport()
    candidates, kept = [], []
    for folder in folders:
        for entry in entries(folder):
            removable = now - entry.newest > grace_seconds and not _holds(entry, protected)
            (candidates if removable else kept).append(entry)
    survivors = []
    for entry in candidates:
        expired = keep_seconds > 0 and now - entry.newest > keep_seconds + entry.folder.extra_keep_seconds
        empty = _is_empty_dir(entry.path)  # e.g. what Gradio's delete_cache leaves: it deletes files, not folders
        if (expired or empty) and _delete(entry):
            report.deleted.append(entry.path)
            report.freed_bytes += entry.size
        else:
            survivors.append(entry)
    total = sum(e.size for e in survivors) + sum(e.size for e in kept)
    if budget_bytes > 0:
        for entry in sorted(survivors, key=lambda e: e.newest):
            if total <= budget_bytes:
                break
            if _delete(entry):
                report.deleted.append(entry.path)
                report.freed_bytes += entry.size
                total -= entry.size
                survivors.remove(entry)
    report.kept_bytes, report.kept_entries = total, len(survivors) + len(kept)
    return report


def usage(folders: Iterable[Folder]) -> list[tuple[Path, int, int]]:
    """(folder, bytes, entries) of what the sweeper looks after, for the System tab."""
    rows = []
    for folder in folders:
        found = entries(folder)
        rows.append((Path(folder.path), sum(e.size for e in found), len(found)))
    return rows


# the background sweeper


class Sweeper:
    """Sweeps `folders()` every SWEEP_EVERY_SECONDS and soon after `wake()`, reading the limits each time."""

    def __init__(self, folders: Callable[[], list[Folder]], protected: Callable[[], Iterable[str]] = tuple,
                 every: float = SWEEP_EVERY_SECONDS):
        self.folders, self.protected, self.every = folders, protected, every
        self._woken, self._stopped = threading.Event(), threading.Event()
        self.last: SweepReport | None = None
        self._thread = threading.Thread(target=self._loop, name="disk-sweeper", daemon=True)

    def run_once(self) -> SweepReport:
        report = sweep(self.folders(), keep_seconds(), budget_bytes(), time.time(), grace_seconds(),
                       self.protected())
        if report.deleted:
            log.info("disk sweeper: deleted %d entries (%.1f MB); %d entries (%.1f MB) kept", len(report.deleted),
                     report.freed_bytes / 2**20, report.kept_entries, report.kept_bytes / 2**20)
        self.last = report
        return report

    def _loop(self) -> None:
        while not self._stopped.is_set():
            try:
                self.run_once()
            except Exception:  # a sweep that fails (a permission, a race) must not end the sweeping
                log.exception("disk sweep failed")
            if self._woken.wait(self.every):
                self._stopped.wait(SETTLE_SECONDS)
            self._woken.clear()

    def start(self) -> "Sweeper":
        self._thread.start()
        return self

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopped.set()
        self._woken.set()
        self._thread.join(timeout=10)


_running: Sweeper | None = None


def start_sweeper(folders: Callable[[], list[Folder]], protected: Callable[[], Iterable[str]] = tuple,
                  every: float = SWEEP_EVERY_SECONDS) -> Sweeper:
    """Start the one background sweeper of this process (a second call returns the first)."""
    global _running
    if _running is None:
        _running = Sweeper(folders, protected, every).start()
    return _running


def wake() -> None:
    """New files were written (a run saved its folder): check the budget soon. Does nothing with no sweeper."""
    if _running is not None:
        _running.wake()
