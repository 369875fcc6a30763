#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project into it, with the extras named as arguments.
# Usage: scripts/setup.sh [test] [bench]
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
extras=$(IFS=,; echo "$*")
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
# An editable install leaves src/ without bytecode: compile it now, or every fresh command
# compiles ~40 modules again (~50 ms) wherever PYTHONDONTWRITEBYTECODE is set.
.venv/bin/python -m compileall -q src >/dev/null
