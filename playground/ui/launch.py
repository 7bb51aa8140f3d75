"""Server settings for `python app.py`, read from the environment.

PLAYGROUND_HOST / PLAYGROUND_PORT pick where to listen (Spaces and containers
want 0.0.0.0:7860); PLAYGROUND_MAX_QUEUE bounds the number of waiting jobs (a
visitor beyond it is told the queue is full and to try again).
PLAYGROUND_<KIND>_CONCURRENCY sets how many jobs of one kind (train,
generate, speech) run at once; the CPU's cores are shared between them.
PLAYGROUND_WARM_UP=0 skips loading torch in the background after start.
The upload route refuses files over PLAYGROUND_MAX_UPLOAD_MB before storing
them, and `keep_disk_bounded` sets up the deleting of old files (see
playground/disk.py) for a served app.
"""

import os
import threading
from pathlib import Path

from playground.guards import upload_limit_bytes

CONCURRENCY_DEFAULTS = {"train": 2, "generate": 2, "speech": 2}


def concurrency(kind: str) -> int:
    """How many jobs of this kind run at once; the others wait in the queue."""
    return max(1, int(os.environ.get(f"PLAYGROUND_{kind.upper()}_CONCURRENCY", CONCURRENCY_DEFAULTS.get(kind, 1))))


def threads_per_job() -> int:
    """Split the cores between the jobs that may run at once, so two trainings don't fight over every core."""
    return max(1, (os.cpu_count() or 1) // max(CONCURRENCY_DEFAULTS["train"], concurrency("train")))


def launch_options() -> dict:
    from playground.ui.upload_refusal import middleware

    return {
        "queue": {"max_size": int(os.environ.get("PLAYGROUND_MAX_QUEUE", "64")), "default_concurrency_limit": 2},
        "launch": {
            "server_name": os.environ.get("PLAYGROUND_HOST", os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")),
            "server_port": int(os.environ.get("PLAYGROUND_PORT", os.environ.get("GRADIO_SERVER_PORT", "7860"))),
            "theme": "soft",
            # without it /gradio_api/upload stores a file of any size; our limit was checked only when read
            "max_file_size": upload_limit_bytes(),
            "app_kwargs": {"middleware": middleware()},  # ...and the refusal is our sentence, naming the limit
        },
    }


def disk_folders() -> list:
    """What the app writes: the run folders, and Gradio's uploads and cached copies (only its own entries there).

    Gradio's own delete_cache runs first in its folder (it then forgets the paths it deleted), so the sweeper
    waits a little longer there before deleting what is left, e.g. from an earlier process.
    """
    from gradio.utils import get_upload_folder  # GRADIO_TEMP_DIR: where uploads and cached copies go

    from playground.disk import Folder
    from playground.outputs import output_root

    after_gradio = gradio_cache_frequency() + 60.0
    return [Folder(output_root()),
            Folder(Path(get_upload_folder()).resolve(), gradio_hashes_only=True, extra_keep_seconds=after_gradio)]


def gradio_cache_frequency() -> int:
    """How often Gradio's delete_cache looks: a quarter of the keep time, between a minute and an hour."""
    from playground.disk import keep_seconds

    return int(min(3600, max(60, keep_seconds() / 4)))


def in_gradio_cache_to_keep(demo) -> set[str]:
    """Files Gradio must keep for the page to work (the examples it shows), as its own delete_cache does."""
    keep = set(getattr(demo, "keep_in_cache", set()))
    for block in list(demo.blocks.values()):
        keep.update(getattr(block, "keep_in_cache", set()))
    return keep


def keep_disk_bounded(demo):
    """Before `demo.launch()`: Gradio deletes its cached copies after PLAYGROUND_KEEP_FILES_HOURS, and a sweeper
    thread deletes old run folders and uploads and keeps all of them within PLAYGROUND_MAX_DISK_MB."""
    from playground.disk import keep_seconds, start_sweeper

    if keep_seconds() > 0:
        demo.delete_cache = (gradio_cache_frequency(), max(1, int(keep_seconds())))  # read by launch()
    return start_sweeper(disk_folders, lambda: in_gradio_cache_to_keep(demo))


def warm_up_in_background() -> None:
    """Load what the first Train click needs in a daemon thread once the server answers.

    The app starts without torch (about 4 s to the first page); left alone, the first visitor to press Train
    would then wait for torch (up to ~9 s from a cold disk), its first optimizer (~2 s: torch.optim loads
    dynamo) and scikit-learn's metrics (~2.5 s). Costs ~550 MB of memory from then on.
    """
    if os.environ.get("PLAYGROUND_WARM_UP", "1") == "0":
        return

    def warm():
        import sklearn.metrics  # noqa: F401
        import torch

        torch.optim.Adam([torch.zeros(1, requires_grad=True)])

    threading.Thread(target=warm, name="warm-up", daemon=True).start()
