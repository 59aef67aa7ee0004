#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite: lint, unit and page tests, browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
