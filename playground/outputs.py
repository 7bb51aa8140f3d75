"""Where downloadable results go: one fresh folder per run under PLAYGROUND_OUTPUT_DIR.

The app serves files from this folder only, so every download is written here.
Run folders don't stay forever: `playground.disk` deletes them after
PLAYGROUND_KEEP_FILES_HOURS and, oldest first, beyond PLAYGROUND_MAX_DISK_MB;
a new folder tells its sweeper (when one runs) to check the budget.
"""

import tempfile
from pathlib import Path

from playground import disk, places


def output_root() -> Path:
    root = places.output_dir()  # inside the data folder by default, so downloads outlive a restart
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def new_run_dir(kind: str) -> Path:
    """A new, empty folder named after the kind of run (train, gan, text, ...)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=output_root()))
    disk.wake()
    return folder
