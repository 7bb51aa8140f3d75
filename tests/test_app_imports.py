"""`import app` must not load torch, sklearn or transformers: the server answers seconds sooner without them.

The heavy libraries are imported by the handlers and page-load hooks that need
them. This runs in a fresh interpreter, because this test session has long
since imported torch itself.
"""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "sklearn", "transformers")


def test_importing_the_app_loads_no_heavy_library():
    probe = f"import sys, app; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert loaded == "", f"`import app` loaded {loaded}; import it inside the handler that needs it instead"
