#!/usr/bin/env bash
# The Python package (python/): a fresh venv under target/, the abi3 wheel
# built with maturin and installed, then its pytest suite against base64,
# OpenCV and Pillow on the repository's corpora.
# Run from anywhere: `bash .ci/python.sh`. PYTHON picks the interpreter
# (default python3, 3.9 or later).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/py-venv
rm -rf "$venv" target/py-wheels
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q maturin pytest numpy opencv-python-headless pillow pybase64
"$venv/bin/python" -m pip list 2>/dev/null | grep -iE '^(maturin|numpy|opencv-python-headless|pillow|pybase64|pytest) '

# The wheel (python/ is its own cargo workspace, target python/target).
"$venv/bin/maturin" build --release -m python/Cargo.toml -o target/py-wheels \
    --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps target/py-wheels/pixb64-*.whl

# From outside python/ so that the installed wheel is what is imported.
cd target
"$OLDPWD/$venv/bin/python" -m pytest -q -p no:cacheprovider "$OLDPWD/python/tests"
