"""Where downloadable results go: one fresh folder per run under PLAYGROUND_OUTPUT_DIR.

The app serves files from this folder only, so every download is written here.
"""

import os
import tempfile
from pathlib import Path


def output_root() -> Path:
    root = Path(os.environ.get("PLAYGROUND_OUTPUT_DIR", Path(tempfile.gettempdir()) / "playground-outputs"))
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def new_run_dir(kind: str) -> Path:
    """A new, empty folder named after the kind of run (train, gan, text, ...)."""
    return Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=output_root()))
