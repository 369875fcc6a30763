#!/usr/bin/env bash
# Sets everything up and serves the bundled corpus, first building the index if there is none
# or it is of a format this version cannot read.
# Usage: scripts/run.sh [--host 127.0.0.1] [--port 8000] [serve's other options]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/ensure_index.sh "$@"
exec .venv/bin/soev-index serve "$@"
