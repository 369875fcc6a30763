#!/usr/bin/env bash
# Sets everything up (venv, test packages, Debian's chromium for the browser tests) and runs
# the linter and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2
        exit 1
    fi
fi
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest "$@"
