#!/usr/bin/env bash
# Data-parallel scaling on this host: the tutorial LeNet5 (batch 32) and the MLP (batch 64) trained
# as 1 process x 2 threads and as `mpirun -np 2` x 1 thread each, the latter both ways a step can
# reduce (TRAINCTL_MPI_REDUCE: "shared", the default on one host, and "allreduce"), one JSON object
# per line: samples/s (from the final checkpoint's elapsed_s, the training steps' own time), rank 0's
# time per step's reduce and bytes per step (in the run, and alone: bench_allreduce), then the ratio
# N=2 / N=1 per net and path (docs/distributed.md).
# Usage: bench/scale.sh [--train-limit N] [--data DIR]   (default: one full epoch of 60,000 images)
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: bench/scale.sh [--train-limit N] [--data DIR]"
limit=0 data=${TRAINCTL_MNIST:-data/mnist}
while [ $# -gt 0 ]; do
  case "$1" in
    --train-limit) [[ ${2:-} =~ ^[0-9]+$ ]] || { echo "scale.sh: --train-limit needs a count, got '${2:-}' ($usage)" >&2; exit 2; }
                   limit=$2; shift 2 ;;
    --data) [ -d "${2:-}" ] || { echo "scale.sh: --data needs the MNIST folder, got '${2:-}' ($usage)" >&2; exit 2; }
            data=$2; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "scale.sh: unknown option $1 ($usage)" >&2; exit 2 ;;
  esac
done
[ -x build/trainctl ] || { echo "scale.sh: build/trainctl missing: run scripts/setup.sh" >&2; exit 1; }
command -v mpirun > /dev/null || { echo "scale.sh: mpirun missing: scripts/setup.sh installs openmpi-bin" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# With a core per rank Open MPI binds each rank to its core and polls (faster here, 2.7-2.8 s against
# 3.4-4.0 s for 200 LeNet5 steps); --oversubscribe (fewer cores) makes its ranks yield instead.
over=()
[ "$(nproc)" -lt 2 ] && over=(--oversubscribe)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME CONFIG RANKS THREADS [PATH]: one epoch, no eval, one save at the end; prints its JSON line.
run() {
  local name=$1 config=$2 ranks=$3 threads=$4 path=${5:-} out=$work/$1-$3x$4${5:+-$5}
  local cmd=(build/trainctl train --config "configs/$config" --data "$data" --epochs 1 --eval false
             --train-limit "$limit" --threads "$threads" --out "$out" --ckpt-steps epoch -q)
  [ "$ranks" -gt 1 ] && cmd=(env TRAINCTL_MPI_REDUCE="$path" mpirun -np "$ranks" "${over[@]}" "${cmd[@]}")
  "${cmd[@]}" > "$out.log" 2> "$out.err" || { echo "scale.sh: $name failed: $(cat "$out.err")" >&2; exit 1; }
  local ckpt
  ckpt=$(ls "$out"/*.ckpt | head -1)
  build/trainctl ckpt inspect --json "$ckpt" | python3 -c '
import json, sys
j = json.load(sys.stdin); st = j["train_state"]; cfg = j["config"]
name, ranks, threads, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
n = st["global_step"] * cfg["batch_size"]
print(json.dumps({"bench": "scale", "net": name, "ranks": ranks, "threads_per_rank": threads, "path": path, "steps": st["global_step"],
                  "samples": n, "train_s": round(st["elapsed_s"], 3), "samples_per_s": round(n / st["elapsed_s"], 1)}))
' "$name" "$ranks" "$threads" "${path:-none}"
}

# allreduce NAME CONFIG BATCH PATH: 200 steps at N=2 without -q: rank 0's line "2 ranks: K allreduces of
# B bytes, T ms each" (the shared path: its barriers and tails, not the sums and the update).
allreduce() {
  local out=$work/$1-ar-$4
  TRAINCTL_MPI_REDUCE=$4 mpirun -np 2 "${over[@]}" build/trainctl train --config "configs/$2" --data "$data" --epochs 1 --eval false \
    --train-limit $((200 * $3)) --threads 1 --out "$out" > /dev/null 2> "$out.err" || { echo "scale.sh: $1 $4 reduce run failed: $(cat "$out.err")" >&2; exit 1; }
  sed -n 's/^trainctl: 2 ranks: \([0-9]*\) allreduces of \([0-9]*\) bytes, \([0-9.e-]*\) ms each.*/{"bench": "allreduce", "net": "'"$1"'", "path": "'"$4"'", "calls": \1, "bytes_per_step": \2, "ms_per_allreduce": \3}/p' "$out.err"
}

results=$work/results.jsonl
for case in "lenet5 lenet5-mnist.json 32" "mlp mlp-mnist.json 64"; do
  set -- $case
  run "$1" "$2" 1 2 | tee -a "$results"
  for path in shared allreduce; do
    run "$1" "$2" 2 1 "$path" | tee -a "$results"
    allreduce "$1" "$2" "$3" "$path"
  done
done
# The allreduce alone, every rank starting together (bench/bench_allreduce.cpp), when built.
[ -x build/bench/bench_allreduce ] && mpirun -np 2 "${over[@]}" build/bench/bench_allreduce
python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for net in sorted({r["net"] for r in rows}):
    one = next(r for r in rows if r["net"] == net and r["ranks"] == 1)
    for two in (r for r in rows if r["net"] == net and r["ranks"] == 2):
        print(json.dumps({"bench": "scale_ratio", "net": net, "path": two["path"],
                          "n2x1_over_n1x2": round(two["samples_per_s"] / one["samples_per_s"], 3)}))
EOF
