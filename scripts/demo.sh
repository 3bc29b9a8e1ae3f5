#!/usr/bin/env bash
# Builds vdstudio and runs its main job on the built-in default: the Shapes world
# rendered in every style, written to out/demo (frames, contact sheets, captions).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="${VDS_JOBS:-$(nproc)}"
cmake --preset release
cmake --build --preset release -j "$jobs"
out="${1:-out/demo}"
build/release/app/vdstudio-cli world render --style all --count 8 --out "$out"
echo "demo: open $out/contact_sheet.png"
