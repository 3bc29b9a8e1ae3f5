#!/usr/bin/env bash
# Builds vdstudio and runs its main job on the built-in default: the Shapes world
# rendered in every style, written to out/demo (frames, contact sheets, captions).
# It shares its build folder with scripts/test.sh, so running both compiles once.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="${VDS_JOBS:-$(nproc)}"
cmake --preset dev
cmake --build --preset dev -j "$jobs" --target vdstudio-cli
out="${1:-out/demo}"
build/dev/app/vdstudio-cli world render --style all --count 8 --out "$out"
echo "demo: open $out/contact_sheet.png"
