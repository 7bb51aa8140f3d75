"""Where the app keeps what must outlive a restart: the run store and the run folders.

A Hugging Face Space restarts on every push, on sleep and on a crash, and only
`/data` (its persistent storage, when the owner bought some) survives that.
So on a Space with `/data` the app keeps its data there by itself; anywhere
else it is `./playground-data`. `PLAYGROUND_DATA_DIR` overrides both, and
`PLAYGROUND_OUTPUT_DIR` (default: `outputs` inside the data folder) moves just
the downloads, so a run reopened from My runs after a restart still has them.
"""

import os
from pathlib import Path

SPACE_STORAGE = Path("/data")


def on_space_with_storage() -> bool:
    return bool(os.environ.get("SPACE_ID")) and SPACE_STORAGE.is_dir() and os.access(SPACE_STORAGE, os.W_OK)


def data_dir() -> Path:
    chosen = os.environ.get("PLAYGROUND_DATA_DIR", "").strip()
    if chosen:
        return Path(chosen)
    return SPACE_STORAGE / "playground" if on_space_with_storage() else Path("playground-data")


def output_dir() -> Path:
    chosen = os.environ.get("PLAYGROUND_OUTPUT_DIR", "").strip()
    return Path(chosen) if chosen else data_dir() / "outputs"
