#!/usr/bin/env bash
# Builds vdstudio with every test suite and runs them all (CTest + Qt Test).
# On a fresh Debian 12 machine this installs what it needs with apt-get first.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="${VDS_JOBS:-$(nproc)}"
cmake --preset test
cmake --build --preset test -j "$jobs"
# The suites use 2 torch threads each; two at a time fill a 2-core machine.
ctest --preset test -j "${VDS_TEST_JOBS:-2}"
