#!/usr/bin/env bash
# Rebuilds the index `serve` would use (same --corpus/--index) when it is missing or this
# version cannot read it (another format, damaged); a readable index is left alone.
# Usage: scripts/ensure_index.sh [serve's options]
set -euo pipefail
cd "$(dirname "$0")/.."
index=() corpus=()
while [ $# -gt 0 ]; do
    case "$1" in
        --index) index=(--index "${2:-}"); shift ;;
        --index=*) index=("$1") ;;
        --corpus) corpus=(--corpus "${2:-}"); shift ;;
        --corpus=*) corpus=("$1") ;;
    esac
    shift
done
if ! problem=$(.venv/bin/soev-index stats "${index[@]}" 2>&1 >/dev/null); then
    echo "${problem#soev-index: }"
    echo "So building it now ..."
    .venv/bin/soev-index rebuild "${corpus[@]}" "${index[@]}"
fi
