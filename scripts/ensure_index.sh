#!/usr/bin/env bash
# Rebuilds the index `serve` would use (same --corpus, --index and backend options) when it
# is missing or this version cannot read it (another format, damaged); a readable index is
# left alone.
# Usage: scripts/ensure_index.sh [serve's options]
set -euo pipefail
cd "$(dirname "$0")/.."
where=() corpus=()
while [ $# -gt 0 ]; do
    case "$1" in
        --index|--backend|--database-url|--database-read-url) where+=("$1" "${2:-}"); shift ;;
        --index=*|--backend=*|--database-url=*|--database-read-url=*) where+=("$1") ;;
        --corpus) corpus=(--corpus "${2:-}"); shift ;;
        --corpus=*) corpus=("$1") ;;
    esac
    shift
done
if ! problem=$(.venv/bin/soev-index stats "${where[@]}" 2>&1 >/dev/null); then
    echo "${problem#soev-index: }"
    echo "So building it now ..."
    .venv/bin/soev-index rebuild "${corpus[@]}" "${where[@]}"
fi
