#!/usr/bin/env bash
# Builds vdstudio with every test suite and runs them all (CTest + Qt Test).
# On a fresh Debian 12 machine this installs what it needs with apt-get first.
# The build must be free of warnings (-Wall -Wextra): any warning fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="${VDS_JOBS:-$(nproc)}"
cmake --preset dev
log="build/dev/build.log"
cmake --build --preset dev -j "$jobs" 2>&1 | tee "$log"
# ccache replays the compiler's messages on a cache hit, so cached units are checked too.
if grep -n "warning:" "$log"; then
  echo "test.sh: the build has warnings (listed above); the project keeps them at zero" >&2
  exit 1
fi
# Each suite runs LibTorch on one thread; two at a time fill a 2-core machine.
ctest --preset dev -j "${VDS_TEST_JOBS:-2}"
