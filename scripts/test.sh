#!/usr/bin/env bash
# Sets up (if needed) and runs every test: the Catch2 unit tests and the command-line tests, via ctest.
# Real-MNIST tests use $TRAINCTL_MNIST, else ../shared/data/mnist, else data/mnist; they skip when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh --no-data
if [ -z "${TRAINCTL_MNIST:-}" ]; then
  for d in "$root/../shared/data/mnist" "$root/data/mnist"; do
    if [ -d "$d" ]; then export TRAINCTL_MNIST=$(cd "$d" && pwd); break; fi
  done
fi
echo "test.sh: real MNIST: ${TRAINCTL_MNIST:-not found (real-data tests will skip)}" >&2
cd build
ctest --output-on-failure -j2 "$@"
