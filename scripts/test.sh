#!/usr/bin/env bash
# Sets up (if needed) and runs every test: the Catch2 unit tests and the command-line tests, via ctest.
# Real-MNIST tests use $TRAINCTL_MNIST, else ../shared/data/mnist, else data/mnist; they skip when absent.
# Usage: scripts/test.sh [--sanitize] [--fuzz] [CTEST_ARGS...]
#   --sanitize  also builds build-asan/ (clang, ASan + UBSan, -O1) and runs the same ctest suite there;
#               any sanitizer report (leaks included) fails the run, even from a test expecting an error.
#   --fuzz      also runs scripts/fuzz.sh $FUZZ_SECONDS (default 30 per target: CI's time budget).
# Both install clang (setup.sh --fuzz); the normal build stays g++.
# When CI is set (CI services set CI=true) both are on; .ci/run asks for both.
# Leak checks: LeakSanitizer stops the process with ptrace at exit. Where ptrace is not allowed (a
# container without CAP_SYS_PTRACE) it aborts with "LeakSanitizer has encountered a fatal error":
# grant the capability (docker run --cap-add SYS_PTRACE) or, last resort, ASAN_OPTIONS=detect_leaks=0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

sanitize=0 fuzz=0
[ -z "${CI:-}" ] || sanitize=1 fuzz=1
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    --fuzz) fuzz=1 ;;
    *) ctest_args+=("$arg") ;;
  esac
done

# Each phase reports its wall time: CI has a budget (15 minutes on two cores).
took() { echo "test.sh: $1 took $((SECONDS - phase_start)) s" >&2; phase_start=$SECONDS; }
phase_start=$SECONDS

setup_args=(--no-data)
[ "$fuzz" -eq 0 ] && [ "$sanitize" -eq 0 ] || setup_args+=(--fuzz)
scripts/setup.sh "${setup_args[@]}"
# setup.sh builds only the binary; the unit tests are built here.
cmake --build build -j"$(nproc)" --target trainctl_tests > build-tests.log 2>&1 || { tail -40 build-tests.log >&2; exit 1; }
rm -f build-tests.log
if [ -z "${TRAINCTL_MNIST:-}" ]; then
  for d in "$root/../shared/data/mnist" "$root/data/mnist"; do
    if [ -d "$d" ]; then export TRAINCTL_MNIST=$(cd "$d" && pwd); break; fi
  done
fi
echo "test.sh: real MNIST: ${TRAINCTL_MNIST:-not found (real-data tests will skip)}" >&2
took "setup and build"
# As many tests as cores: on a quiet machine the suites keep them busy (ASan suite at -j4: 97% of
# two cores, 186 s, no faster than -j2), and more would only stretch the tests that time themselves.
jobs=$(nproc)
(cd build && ctest --output-on-failure -j"$jobs" "${ctest_args[@]}")
took "the test suite"

if [ "$sanitize" -eq 1 ]; then
  # clang builds this twice as fast as g++ does (ASan on nlohmann-heavy files), and -O1 with
  # asserts still trains the test subsets quickly. Line tables are all a sanitizer report needs
  # (file:line in every frame) and compile faster than full debug info. Benchmarks are not
  # tests: not built.
  echo "test.sh: building build-asan (clang, ASan + UBSan)" >&2
  cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ -DTRAINCTL_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" > build-asan.log 2>&1 || { cat build-asan.log >&2; exit 1; }
  cmake --build build-asan -j2 --target trainctl trainctl_tests >> build-asan.log 2>&1 \
    || { tail -40 build-asan.log >&2; exit 1; }
  rm -f build-asan.log
  took "the sanitizer build"
  # Reports go to files, checked below, and fail the process with exit 86: a test that expects
  # an error exit cannot swallow one. The caller's own options come last and win.
  reports=$root/build-asan/sanitizer-reports
  rm -rf "$reports" && mkdir -p "$reports"
  export ASAN_OPTIONS="detect_leaks=1:exitcode=86:log_path=$reports/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$reports/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
  rc=0
  (cd build-asan && ctest --output-on-failure -j"$jobs" "${ctest_args[@]}") || rc=$?
  if [ -n "$(ls -A "$reports")" ]; then
    echo "test.sh: sanitizer reports in $reports:" >&2
    cat "$reports"/* >&2
    exit 1
  fi
  [ "$rc" -eq 0 ] || exit "$rc"
  unset ASAN_OPTIONS UBSAN_OPTIONS
  took "the sanitizer suite"
fi

if [ "$fuzz" -eq 1 ]; then
  scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
  took "fuzzing (build and run)"
fi
