#!/usr/bin/env bash
# Installs trainctl's Debian packages (when missing), builds build/trainctl (Release) and fetches MNIST.
# Only the binary is built here (about 1.5 minutes on 2 quiet cores, longer on a busy machine); scripts/test.sh
# builds the tests, --bench the benchmarks. Idempotent: a second run only rebuilds what changed.
# Usage: scripts/setup.sh [--bench] [--fuzz] [--no-data]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ make cmake pkg-config libcli11-dev libxtensor-dev libxtensor-blas-dev libopenblas-dev
          nlohmann-json3-dev catch2 zlib1g-dev python3 curl
          libonnx-dev libprotobuf-dev protobuf-compiler python3-opencv
          libopenmpi-dev openmpi-bin)
with_data=1
targets=(trainctl)
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(python3-torch python3-numpy python3-pil); targets+=(all) ;;   # bench/compare.sh's PyTorch peer (its OpenCV peer: python3-opencv, above)
    --fuzz) packages+=(clang libclang-rt-dev) ;;          # scripts/fuzz.sh; libFuzzer is only a Recommends of clang
    --no-data) with_data=0 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (expected --bench, --fuzz or --no-data)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log >&2; exit 1; }
build_start=$SECONDS
echo "setup.sh: building ${targets[*]} in build/ (a clean build takes about 1.5 minutes on 2 quiet cores; log: build.log)" >&2
# make's "[ 40%] Building CXX object .../conv2d.cpp.o" lines, shortened to a percentage and a file name.
if ! cmake --build build -j"$(nproc)" --target "${targets[@]}" 2>&1 | tee -a build.log |
     sed -un 's|^\[ *\([0-9]*%\)\] Building CXX object .*/\([^/]*\)\.o$|setup.sh: [\1] \2|p' >&2; then
  tail -40 build.log >&2
  exit 1
fi
rm -f build.log
echo "setup.sh: built ${targets[*]} in $((SECONDS - build_start)) s" >&2

if [ "$with_data" -eq 1 ]; then
  scripts/get-mnist.sh
fi
