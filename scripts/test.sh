#!/usr/bin/env bash
# Sets everything up (venv, test packages, Debian's chromium for the browser tests and
# postgresql for the PostgreSQL backend's tests) and runs the linter and the whole test suite.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "The tests need Debian's ${missing[*]}: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi
.venv/bin/ruff check src tests bench
.venv/bin/python -m pytest "$@"
