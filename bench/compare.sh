#!/usr/bin/env bash
# Runs bench_train and the PyTorch peer in one run (same threads, same data) and prints the ratios.
# Also measures the peak RSS of a full `trainctl train --config configs/lenet5-mnist.json` run.
# Usage: bench/compare.sh [--threads 2] [--runs 3] [--no-rss]   (needs scripts/setup.sh --bench)
set -euo pipefail
cd "$(dirname "$0")/.."
threads=2 runs=3 rss=1
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-rss) rss=0; shift ;;
    *) echo "compare.sh: unknown option $1 (expected --threads N, --runs N, --no-rss)" >&2; exit 2 ;;
  esac
done
[ -x build/bench/bench_train ] || { echo "compare.sh: build/bench/bench_train missing: run scripts/setup.sh --bench" >&2; exit 1; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "compare.sh: Debian python3-torch missing: run scripts/setup.sh --bench" >&2; exit 1; }
data=${TRAINCTL_MNIST:-$(pwd)/data/mnist}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

build/bench/bench_train --threads "$threads" --runs "$runs" --data "$data" | tee "$out/ours.jsonl"
OMP_WAIT_POLICY=passive /usr/bin/python3 bench/peers/torch_bench.py --threads "$threads" --runs "$runs" --data "$data" \
  | tee "$out/torch.jsonl"

if [ "$rss" -eq 1 ]; then
  /usr/bin/time -f '%M' -o "$out/rss" build/trainctl train --config configs/lenet5-mnist.json --data "$data" \
    --threads "$threads" --out "$out/ckpt" --quiet > /dev/null
  echo "{\"bench\":\"trainctl_train_lenet5_mnist_peak_rss\",\"mb\":$(awk '{printf "%.1f", $1/1024}' "$out/rss")}"
fi

/usr/bin/python3 - "$out/ours.jsonl" "$out/torch.jsonl" <<'PY'
import json, sys
ours = {j["bench"]: j for j in map(json.loads, open(sys.argv[1]))}
peer = {j["bench"]: j for j in map(json.loads, open(sys.argv[2]))}
for name in ours:
    if name not in peer:
        continue
    for key in ("samples_per_s", "images_per_s"):
        if key in ours[name]:
            print(json.dumps({"bench": "ratio_" + name, "trainctl": round(ours[name][key], 1),
                              "torch": round(peer[name][key], 1), "ratio": round(ours[name][key] / peer[name][key], 2)}))
    if name == "lenet5_mnist_epoch":
        print(json.dumps({"bench": "ratio_" + name, "trainctl_s": round(ours[name]["median_s"], 3),
                          "torch_s": round(peer[name]["median_s"], 3),
                          "speedup": round(peer[name]["median_s"] / ours[name]["median_s"], 2)}))
PY
