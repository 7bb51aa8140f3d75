"""Third-party imports that must happen once, whole, before several threads use them.

transformers' first import is not thread-safe: when two jobs (two visitors
starting a tiny GPT, a generation and a transcription) reach their first
`from transformers import X` at the same moment on a fresh server, one of them
gets "ImportError: cannot import name X" (4 threads: 3 of 3 tries failed here).
Once the package has been imported whole, its lazy attributes resolve safely
from any thread. So every place that imports from transformers calls
`import_transformers()` first; the lock makes the first import happen once.
"""

import threading

_lock = threading.Lock()


def import_transformers():
    """transformers, imported whole exactly once however many threads ask at the same moment."""
    with _lock:
        import transformers
    return transformers
