#!/bin/sh
# Creates bench/load/.venv with locust (never installed into the application's venv).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$HERE/.venv/bin/locust" ] || [ "$HERE/requirements.txt" -nt "$HERE/.venv/bin/locust" ]; then
    python3 -m venv "$HERE/.venv"
    "$HERE/.venv/bin/pip" install -q --upgrade pip
    "$HERE/.venv/bin/pip" install -q -r "$HERE/requirements.txt"
    touch "$HERE/.venv/bin/locust"
fi
