"""ZeroGPU on Hugging Face Spaces: `gpu_task(duration)` marks a function that may use the GPU.

On a ZeroGPU Space the `spaces` package is installed and `spaces.GPU` attaches
a GPU for the length of each call (at most `duration` seconds). Everywhere
else the package is missing and the decorator hands the function back
unchanged, so a CPU machine or an ordinary GPU machine runs exactly the same
code. `spaces` is imported only when it is there (never installed for it).

Caveat, from how ZeroGPU works: the decorated call runs in a separate worker
process, so what it caches (loaded models) lasts only for that call, and a
Stop pressed in the page reaches it through Gradio's cancel, not our
per-session flag. The admission gates (`playground/ui/jobs.py`) sit outside
the decorated function, so they keep counting in the main process.
"""

import importlib.util
from typing import Callable


def zero_gpu_available() -> bool:
    """Whether the `spaces` package (Hugging Face's ZeroGPU helper) is installed."""
    return importlib.util.find_spec("spaces") is not None


def gpu_task(duration: int = 60) -> Callable:
    """`spaces.GPU(duration=duration)` when `spaces` is installed, else the identity."""
    if not zero_gpu_available():
        return lambda fn: fn
    import spaces  # only on a Space

    return spaces.GPU(duration=duration)
