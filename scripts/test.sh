#!/usr/bin/env bash
# Install (into .venv) and run the whole test suite. The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
.venv/bin/pip install -q -r requirements-dev.txt
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
# two workers (PLAYGROUND_TEST_WORKERS; 0 runs in this process): the library tests train on one core each, and the
# browser tests keep to one worker of their own (tests/conftest.py groups them), so CI stays under 25 minutes
exec .venv/bin/python -m pytest -q -p no:cacheprovider -n "${PLAYGROUND_TEST_WORKERS:-2}" tests "$@"
