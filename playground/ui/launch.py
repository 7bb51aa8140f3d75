"""Server settings for `python app.py`, read from the environment.

PLAYGROUND_HOST / PLAYGROUND_PORT pick where to listen (Spaces and containers
want 0.0.0.0:7860); PLAYGROUND_MAX_QUEUE bounds the number of waiting jobs (a
visitor beyond it is told the queue is full and to try again).
PLAYGROUND_<KIND>_CONCURRENCY sets how many jobs of one kind (train,
generate, speech) run at once; the CPU's cores are shared between them.
PLAYGROUND_WARM_UP=0 skips loading torch in the background after start.
"""

import os
import threading

CONCURRENCY_DEFAULTS = {"train": 2, "generate": 2, "speech": 2}


def concurrency(kind: str) -> int:
    """How many jobs of this kind run at once; the others wait in the queue."""
    return max(1, int(os.environ.get(f"PLAYGROUND_{kind.upper()}_CONCURRENCY", CONCURRENCY_DEFAULTS.get(kind, 1))))


def threads_per_job() -> int:
    """Split the cores between the jobs that may run at once, so two trainings don't fight over every core."""
    return max(1, (os.cpu_count() or 1) // max(CONCURRENCY_DEFAULTS["train"], concurrency("train")))


def launch_options() -> dict:
    return {
        "queue": {"max_size": int(os.environ.get("PLAYGROUND_MAX_QUEUE", "64")), "default_concurrency_limit": 2},
        "launch": {
            "server_name": os.environ.get("PLAYGROUND_HOST", os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")),
            "server_port": int(os.environ.get("PLAYGROUND_PORT", os.environ.get("GRADIO_SERVER_PORT", "7860"))),
            "theme": "soft",
        },
    }


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
