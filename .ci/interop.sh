#!/usr/bin/env bash
# Issue 6 interop: the Python recipe (OpenCV + base64) and a browser
# (headless Chromium) against the pixb64 CLI. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import cv2, numpy' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check opencv-python-headless numpy
fi
if ! python3 -c 'import PIL' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check Pillow
fi
if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi

cargo build --release -q -p pixb64-cli
bin=${CARGO_TARGET_DIR:-target}/release/pixb64
python3 .ci/interop/opencv_recipe.py "$bin"
python3 .ci/interop/opencv_leniency.py 2>/dev/null
python3 .ci/interop/opencv_exif_png.py "$bin"
python3 .ci/interop/opencv_modes.py "$bin" 2>/dev/null
python3 .ci/interop/opencv_jpeg.py "$bin"
python3 .ci/interop/chromium_canvas.py "$bin" chromium 2>/dev/null
