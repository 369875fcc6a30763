#!/usr/bin/env bash
# Sets everything up and serves the bundled corpus (building the index first if there is none).
# Usage: scripts/run.sh [--host 127.0.0.1] [--port 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/soev-index serve "$@"
