#!/usr/bin/env bash
# ckpt inspect and ckpt diff scan tensors in bounded chunks: their peak RSS stays far below a big
# tensor's size (they held 3x and 2x of it), and what they print is unchanged.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
# An MLP whose fc2.weight is 4096x4096 floats (64 MiB); the file holds params and momentum (~160 MB).
for seed in 1 2; do
  "$TRAINCTL" train --data "$SCRATCH/data" --net mlp --hidden 4096,4096 --out "r$seed" --seed "$seed" \
    --epochs 1 --batch-size 60 --threads 1 --eval false -q > /dev/null 2> "$SCRATCH/train.err" \
    || fail "training the big MLP failed: $(cat "$SCRATCH/train.err")"
done
A=$(ls r1/*-1_1.ckpt) B=$(ls r2/*-1_1.ckpt)
tensor_mb=64
limit_kb=$((tensor_mb * 1024 / 2))   # half the biggest tensor: no copy of it can fit
sanitized && limit_kb=$((tensor_mb * 1024))  # ASan's shadow and allocator: still less than one copy

rss_of() { /usr/bin/time -f '%M' -o "$SCRATCH/rss" "$@" > "$SCRATCH/out" 2> "$SCRATCH/err"; echo $?; }

rc=$(rss_of "$TRAINCTL" ckpt inspect --json "$A"); kb=$(tail -1 "$SCRATCH/rss")
[ "$rc" -eq 0 ] && pass || fail "ckpt inspect $A exited $rc: $(cat "$SCRATCH/err")"
[ "$kb" -lt "$limit_kb" ] && pass || fail "ckpt inspect: peak RSS $kb KB (limit $limit_kb KB)"
# The statistics as before: fc2.weight's count, and its mean/std are those of the values.
"$PY" - "$SCRATCH/out" <<'PY' && pass || fail "ckpt inspect --json: fc2.weight's statistics are off"
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["tensors"]}
w = t["fc2.weight"]
assert w["shape"] == [4096, 4096] and w["crc_ok"], w
bound = 1 / 4096 ** 0.5  # PyTorch's init: uniform within +-1/sqrt(fan_in), before one small step
assert -1.01 * bound < w["min"] < w["mean"] < w["max"] < 1.01 * bound, w
assert abs(w["std"] - bound / 3 ** 0.5) < 0.01 * bound, w
PY

rc=$(rss_of "$TRAINCTL" ckpt diff "$A" "$A"); kb=$(tail -1 "$SCRATCH/rss")
[ "$rc" -eq 0 ] && pass || fail "ckpt diff A A exited $rc: $(cat "$SCRATCH/err")"
[ "$kb" -lt "$limit_kb" ] && pass || fail "ckpt diff A A: peak RSS $kb KB (limit $limit_kb KB)"
rc=$(rss_of "$TRAINCTL" ckpt diff --json "$A" "$B"); kb=$(tail -1 "$SCRATCH/rss")
[ "$rc" -eq 1 ] && pass || fail "ckpt diff A B exited $rc, expected 1: $(cat "$SCRATCH/err")"
[ "$kb" -lt "$limit_kb" ] && pass || fail "ckpt diff A B: peak RSS $kb KB (limit $limit_kb KB)"
"$PY" - "$SCRATCH/out" <<'PY' && pass || fail "ckpt diff --json: fc2.weight not reported as differing"
import json, sys
t = {x["name"]: x for x in json.load(open(sys.argv[1]))["tensors"]}
w = t["fc2.weight"]
assert not w["identical"] and 0 < w["max_abs_diff"] < 2 / 4096 ** 0.5 * 1.01, w
PY

finish
