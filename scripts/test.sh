#!/usr/bin/env bash
# Install (into .venv) and run the whole test suite. The README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
.venv/bin/pip install -q -r requirements-dev.txt
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
# First every test without a browser, on PLAYGROUND_TEST_WORKERS pytest-xdist workers (2; 0: in this process): they
# train on one core each. Then the browser tests (marked by tests/conftest.py), in one process with the machine to
# themselves. Arguments go to both runs; a run that selects nothing (exit 5) is not a failure.
run() { .venv/bin/python -m pytest -q -p no:cacheprovider "$@" || { code=$?; [ "$code" -eq 5 ] || return "$code"; }; }
status=0
run -n "${PLAYGROUND_TEST_WORKERS:-2}" -m "not browser" tests "$@" || status=$?
run -m browser tests "$@" || status=$?
exit "$status"
