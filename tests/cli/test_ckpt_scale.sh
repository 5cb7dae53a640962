#!/usr/bin/env bash
# Tensor counts: a header of 100,000 tensors (valid CRCs) is verified, listed and loaded, and
# absurd layer lists are refused where they are configured: --hidden, a config file's "hidden", a
# stored model.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
"$TRAINCTL" train --data "$DATA" --net mlp --hidden 16 --optimizer sgd --prefix mlp --out "$SCRATCH/run" --epochs 1 \
  --batch-size 20 --threads 1 -q > /dev/null 2> "$SCRATCH/train.err" || fail "training failed: $(cat "$SCRATCH/train.err")"
"$PY" "$TRAINCTL_SRC/tests/cli/make_bad_ckpt.py" "$SCRATCH/run/mlp-1_3.ckpt" . many-tensors model-deep || fail "make_bad_ckpt.py"
[ "$(stat -c %s many-tensors.ckpt)" -gt 5000000 ] && pass || fail "many-tensors.ckpt is too small to test anything"

# Each command reads the whole header (valid CRCs) and succeeds. How long that takes is measured
# by bench_ckpt (ckpt_many_tensors); these checks were once quadratic: 40,000 tensors took 19 s.
runs_ok() {
  "$TRAINCTL" "$@" > "$SCRATCH/out" 2> "$SCRATCH/err" && pass || fail "trainctl $*: exit $?: $(head -c 300 "$SCRATCH/err")"
}
runs_ok ckpt verify many-tensors.ckpt
[ "$(cat "$SCRATCH/out")" = "many-tensors.ckpt: ok" ] && pass || fail "ckpt verify: $(cat "$SCRATCH/out")"
runs_ok ckpt ls .
grep -q "many-tensors.ckpt" "$SCRATCH/out" && pass || fail "ckpt ls does not list many-tensors.ckpt: $(head -c 300 "$SCRATCH/out")"
runs_ok eval --ckpt many-tensors.ckpt --data "$DATA"

# At most 64 hidden layers, however they are given; a 20000-layer list is refused at once.
ones() { "$PY" -c "print(','.join(['1'] * $1))"; }
"$TRAINCTL" train --print-config --net mlp --hidden "$(ones 64)" > /dev/null && pass || fail "64 hidden layers are refused"
expect_rejected 2 "--hidden must list at most 64 hidden layer sizes, got 65" -- train --net mlp --hidden "$(ones 65)" --data "$DATA" --out out
RSS_LIMIT=200000 expect_rejected 2 "--hidden must list at most 64 hidden layer sizes, got 20000" \
  -- train --net mlp --hidden "$(ones 20000)" --data "$DATA" --out out
printf '{"net": "mlp", "hidden": [%s]}' "$(ones 100)" > "$SCRATCH/deep.json"
expect_rejected 2 "deep.json: key \"hidden\" must list at most 64 hidden layer sizes, got 100" \
  -- train --config "$SCRATCH/deep.json" --data "$DATA" --out out
deep='model-deep.ckpt: model description: config key "hidden" must list at most 64 hidden layer sizes, got 20000'
RSS_LIMIT=200000 expect_rejected 1 "$deep" -- eval --ckpt model-deep.ckpt --data "$DATA"
RSS_LIMIT=200000 expect_rejected 1 "$deep" -- export --ckpt model-deep.ckpt --format onnx --out m.onnx

finish
