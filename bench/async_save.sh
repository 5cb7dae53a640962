#!/usr/bin/env bash
# The cost of checkpointing during training: one LeNet5 epoch (1875 steps, batch 32, no eval)
# with no checkpoints, with a save every STEPS steps, and the same with --async-save; the runs
# are interleaved so machine noise hits all three alike. Prints JSON: median seconds per mode,
# the step time, and the overhead per save in ms and in steps.
# Usage: bench/async_save.sh [--runs 5] [--steps 25] [--threads 2]   (data: $TRAINCTL_MNIST or data/mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=5 every=25 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --steps) every=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "async_save.sh: unknown option $1 (expected --runs N, --steps N, --threads N)" >&2; exit 2 ;;
  esac
done
data=${TRAINCTL_MNIST:-$(pwd)/data/mnist}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

one_run() {  # MODE -> seconds of wall time
  local mode=$1 flags=(--ckpt-steps 0)
  case "$mode" in
    sync) flags=(--ckpt-steps "$every" --keep-max 3) ;;
    async) flags=(--ckpt-steps "$every" --keep-max 3 --async-save) ;;
  esac
  rm -rf "$out/ck"
  local t0 t1
  t0=$(date +%s.%N)
  build/trainctl train --config configs/lenet5-mnist.json --data "$data" --threads "$threads" --epochs 1 \
    --eval false --quiet --out "$out/ck" "${flags[@]}" > /dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}'
}

for ((r = 0; r < runs; r++)); do
  for mode in none sync async; do one_run "$mode" >> "$out/$mode"; done
done
median() { sort -g "$1" | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
none=$(median "$out/none") sync=$(median "$out/sync") async=$(median "$out/async")
awk -v none="$none" -v sync="$sync" -v async="$async" -v every="$every" -v runs="$runs" 'BEGIN {
  steps = 1875; saves = int(steps / every) + (steps % every ? 1 : 0); step_ms = 1000 * none / steps
  printf "{\"bench\":\"ckpt_async_overhead\",\"runs\":%d,\"saves\":%d,\"epoch_s_none\":%.3f,\"epoch_s_sync\":%.3f,", runs, saves, none, sync
  printf "\"epoch_s_async\":%.3f,\"step_ms\":%.3f,", async, step_ms
  printf "\"sync_ms_per_save\":%.3f,\"async_ms_per_save\":%.3f,\"async_steps_per_save\":%.2f}\n",
    1000 * (sync - none) / saves, 1000 * (async - none) / saves, 1000 * (async - none) / saves / step_ms
}'
