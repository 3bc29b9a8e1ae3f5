#!/usr/bin/env bash
# Installs every Debian 12 package that vdstudio builds, tests or runs with.
# Idempotent: packages already present are skipped quickly by apt-get.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache git
  # engine
  libtorch-dev libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libsqlitecpp-dev libsqlite3-dev libstb-dev
  # video I/O
  libavcodec-dev libavformat-dev libswscale-dev libavutil-dev
  # GUI
  qt6-base-dev libqt6opengl6-dev libxkbcommon-dev qt6-tools-dev qt6-l10n-tools libqcustomplot-dev libimgui-dev libgl-dev libegl-dev libopengl-dev libglx-dev
  # runtime data and test tools
  fonts-dejavu-core xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
