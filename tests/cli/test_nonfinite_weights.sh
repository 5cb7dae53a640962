#!/usr/bin/env bash
# Weights that hold NaN or infinity (a diverged run) in an otherwise sound file (CRCs intact):
# eval, infer and export refuse them with one line naming the tensor and the first bad index
# (exit 1, nothing written); ckpt verify reports the file as a problem and ckpt ls marks it.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
"$TRAINCTL" train --data "$DATA" --net mlp --hidden 16 --optimizer sgd --prefix mlp --out "$SCRATCH/run" --epochs 1 \
  --batch-size 20 --threads 1 -q > /dev/null 2> "$SCRATCH/train.err" || fail "training failed: $(cat "$SCRATCH/train.err")"
cp "$SCRATCH/run/mlp-1_3.ckpt" sound.ckpt
# fc1.weight[17] = NaN, fc1.bias[3] = +inf, tensor and header CRCs recomputed.
"$PY" "$TRAINCTL_SRC/tests/cli/make_bad_ckpt.py" sound.ckpt . nan-weight inf-weight || fail "make_bad_ckpt.py"

nan='nan-weight.ckpt: tensor "fc1.weight" holds NaN at index 17; the weights diverged, use an earlier checkpoint'
inf='inf-weight.ckpt: tensor "fc1.bias" holds inf at index 3; the weights diverged, use an earlier checkpoint'
for file in nan-weight inf-weight; do
  msg=$nan; [ $file = inf-weight ] && msg=$inf
  expect_rejected 1 "$msg" -- eval --ckpt $file.ckpt --data "$DATA"
  expect_rejected 1 "$msg" -- infer --ckpt $file.ckpt --data "$DATA" --json
  expect_rejected 1 "$msg" -- export --ckpt $file.ckpt --format onnx --out m.onnx
  expect_rejected 1 "$msg" -- export --ckpt $file.ckpt --format safetensors --out w.safetensors
done
# The file is not damaged: its CRCs hold, only its values are unusable.
expect_rejected 1 "ckpt verify: failed: nan-weight.ckpt, inf-weight.ckpt" -- ckpt verify nan-weight.ckpt inf-weight.ckpt sound.ckpt
[ "$(cat "$SCRATCH/stdout")" = "$nan"$'\n'"$inf"$'\nsound.ckpt: ok' ] && pass \
  || fail "ckpt verify output: $(cat "$SCRATCH/stdout")"
"$TRAINCTL" ckpt ls . > ls.out 2>&1 && grep -q '^nan-weight.ckpt .*tensor "fc1.weight" holds NaN at index 17' ls.out \
  && grep -q '^sound.ckpt .* ok$' ls.out && pass || fail "ckpt ls does not mark the NaN file: $(cat ls.out)"
"$TRAINCTL" ckpt ls --json . | "$PY" -c '
import json, sys
rows = {r["file"]: r for r in json.load(sys.stdin)["checkpoints"]}
assert not rows["inf-weight.ckpt"]["ok"] and "holds inf at index 3" in rows["inf-weight.ckpt"]["valid"], rows
assert rows["sound.ckpt"]["ok"], rows' && pass || fail "ckpt ls --json does not mark inf-weight.ckpt"
"$TRAINCTL" eval --ckpt sound.ckpt --data "$DATA" > /dev/null && pass || fail "the sound file no longer evaluates"

finish
