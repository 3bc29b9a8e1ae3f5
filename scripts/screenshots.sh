#!/usr/bin/env bash
# Renders the README's pictures (docs/screenshots/*.png) with `vdstudio --screenshots`:
# an AVDM2 micro run on the tiny random packages the test suite writes
# (ctest -R cli.sample_models), laid out as the shipped resources would be, under Xvfb
# so the Dear ImGui profiler overlay is drawn with real OpenGL. The packages are random,
# so the clips are noise; the pictures show the studio, not a trained model.
set -euo pipefail
build=${1:-build}
out=${2:-docs/screenshots}
fixture="$build/tests/cli_sample_models"
[ -f "$fixture/image-b/model.yaml" ] || ctest --test-dir "$build" -R cli.sample_models >/dev/null
fixture=$(realpath "$fixture")

res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT
mkdir -p "$res/models"
ln -s "$(realpath resources/presets)" "$res/presets"
for p in ae text students; do ln -s "$fixture/$p" "$res/models/$p"; done
ln -s "$fixture/video" "$res/models/t2v-teacher"
ln -s "$fixture/i2v" "$res/models/i2v-teacher"
ln -s "$fixture/image" "$res/models/image-base"
ln -s "$fixture/image-b" "$res/models/style-pastel"
cat >"$res/avdm2.yaml" <<'YAML'
run: {name: screenshot-avdm2, device: cpu, seed: 5, threads: 1}
data: {size: 8, frames: 2, batch_size: 2, clips: 16, max_objects: 1}
trainer: {steps: 60, log_every: 1, sample_every: 20, checkpoint_every: 0, warmup_steps: 0}
method:
  name: avdm2
  avdm2: {teacher: builtin:t2v-teacher, style: builtin:image-base, lr_motion: 0.001, lr_spatial: 0.0005,
          lr_discriminator: 0.001, lr_fake: 0.001, disc_channels: 8, teacher_steps: 2}
YAML
mkdir -p "$out"
VDS_RESOURCES="$res" OMP_NUM_THREADS=1 xvfb-run -a -s "-screen 0 1400x900x24" \
  "$build/app/vdstudio" --screenshots "$out" --run "$res/avdm2.yaml"
