#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang, ASan+UBSan) in build-fuzz/ and fuzzes each for
# SECONDS (default 60; names at most 20), all side by side, seeded from tests/fuzz/corpus/<target>/.
# New inputs go to build-fuzz/corpus/<target>/, findings to build-fuzz/artifacts/. Prints each
# target's executions; exits 1 on any crash, leak, timeout or out-of-memory, 2 on bad usage.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: ckpt idx config names; default all)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ckpt idx config names)
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;; esac
command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (scripts/setup.sh --fuzz installs it)" >&2; exit 2; }

# Largest input per target: real headers and configs are a few KB; IDX files need a header and
# a few images; a file name and its parts fit in 256 bytes. Bigger inputs only slow the search down.
declare -A max_len=([ckpt]=8192 [idx]=4096 [config]=4096 [names]=256)
# The name parser is small: 20 s covers it (CI's time budget), sharing the cores for that long.
declare -A max_seconds=([names]=20)
for t in "${targets[@]}"; do
  [ -n "${max_len[$t]:-}" ] || { echo "fuzz.sh: unknown target '$t' (expected ckpt, idx, config or names)" >&2; exit 2; }
done

# -O1 with asserts kept (Debug without -O0): fast enough, and our asserts check invariants too;
# line tables give findings file:line in every frame.
cmake -S . -B build-fuzz -DTRAINCTL_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" > build-fuzz.log 2>&1 || { cat build-fuzz.log >&2; exit 1; }
cmake --build build-fuzz -j2 >> build-fuzz.log 2>&1 || { tail -40 build-fuzz.log >&2; exit 1; }
rm -f build-fuzz.log
mkdir -p build-fuzz/artifacts

fuzz_target() {  # TARGET: runs libFuzzer on it for its seconds, log in build-fuzz/fuzz_TARGET.log
  local t=$1 dict=() secs
  secs=$(target_seconds "$1")
  [ ! -f "tests/fuzz/$t.dict" ] || dict=(-dict="tests/fuzz/$t.dict")
  mkdir -p "build-fuzz/corpus/$t"
  "build-fuzz/tests/fuzz/fuzz_$t" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" "${dict[@]}" \
      -max_total_time="$secs" -max_len="${max_len[$t]}" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" > "build-fuzz/fuzz_$t.log" 2>&1
}

target_seconds() {  # TARGET: $seconds, or the target's cap when that is lower
  local cap=${max_seconds[$1]:-$seconds}
  echo $((cap < seconds ? cap : seconds))
}

# Side by side, the targets share the cores: the same fuzzing per wall-clock second as one after
# another, in a third of the time (CI has two cores and a time budget).
pids=()
for t in "${targets[@]}"; do
  fuzz_target "$t" &
  pids+=($!)
done
failed=0
for i in "${!targets[@]}"; do
  t=${targets[$i]} log=build-fuzz/fuzz_${targets[$i]}.log rc=0
  wait "${pids[$i]}" || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz.sh: $t: ${runs:-?} executions in $(target_seconds "$t") s, no findings"
  else
    failed=1
    echo "fuzz.sh: $t: FAILED (exit $rc) after ${runs:-?} executions; log $log:" >&2
    grep -E "ERROR|SUMMARY|Test unit written|runtime error" "$log" | head -20 >&2 || tail -20 "$log" >&2
  fi
done
exit "$failed"
