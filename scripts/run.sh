#!/usr/bin/env bash
# Set up (if needed) and serve the dashboard on the seed corpus: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/streamlit run streamlit_app.py "$@"
