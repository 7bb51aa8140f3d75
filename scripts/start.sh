#!/usr/bin/env bash
# Install (into .venv) and start the app on http://127.0.0.1:7860. The README's start command.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
.venv/bin/pip install -q -r requirements.txt
exec .venv/bin/python app.py "$@"
