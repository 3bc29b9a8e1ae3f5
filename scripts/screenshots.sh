#!/usr/bin/env bash
# Renders the README's pictures (docs/screenshots/*.png) with `vdstudio --screenshots`:
# a short AVDM2 run of the shipped 4-step student's recipe (the shipped teacher, the
# pastel style model, 40 iterations at batch 2) with the shipped packages in Compare and
# the Styles gallery rendered (every style model and its student), under Xvfb so the Dear ImGui profiler overlay is drawn with real OpenGL.
# Usage: scripts/screenshots.sh [BUILD_DIR (build/dev)] [OUT_DIR (docs/screenshots)]
set -euo pipefail
build=${1:-build/dev}
out=${2:-docs/screenshots}
run=$(mktemp --suffix=.yaml)
trap 'rm -f "$run"' EXIT
cat >"$run" <<'YAML'
run: {name: screenshot-avdm2, device: cpu, seed: 1, threads: 1}
data: {batch_size: 2, clips: 2000}
trainer: {steps: 40, log_every: 2, sample_every: 20, checkpoint_every: 0, warmup_steps: 5}
method:
  name: avdm2
  avdm2: {teacher: builtin:t2v-teacher, style: builtin:style-pastel, student_steps: 4, lambda_adm: 0.1, sdm_frames: 4}
YAML
mkdir -p "$out"
OMP_NUM_THREADS=1 xvfb-run -a -s "-screen 0 1400x900x24" \
  "$build/app/vdstudio" --screenshots "$out" --run "$run"
