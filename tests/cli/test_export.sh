#!/usr/bin/env bash
# `trainctl export`: every net variant exports to ONNX that OpenCV runs to the same logits as
# trainctl; safetensors exports hold the weights alone; bad input fails in one line, leaving no file.
source "$(dirname "$0")/lib.sh"
need_mnist
PY=/usr/bin/python3
CHECK_ONNX="$TRAINCTL_SRC/tests/onnx_opencv_check.py"
CHECK_ST="$TRAINCTL_SRC/tests/ckpt_safetensors_check.py"
if ! "$PY" -c "import cv2, numpy" 2>/dev/null; then
  echo "SKIPPED: $PY cannot import cv2 and numpy (install python3-opencv)"
  exit 77
fi

# train_tiny NAME CONFIG [FLAGS...]: a checkpoint after 10 steps, at NAME.ckpt.
train_tiny() {
  local name=$1 config=$2; shift 2
  "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/$config.json" --data "$MNIST" --train-limit 500 \
    --batch-size 50 --epochs 1 --eval false --out "run-$name" --prefix "$name" "$@" >/dev/null 2>"$name.log" \
    || { fail "training $name: $(tail -1 "$name.log")"; return 1; }
  mv "run-$name/$name-1_10.ckpt" "$name.ckpt"
}

# Every structural variant: no conv bias + resize 28->32, conv bias + padding + fc ReLUs, the
# Paddle net (no ReLU after conv2, [0,1] input), MLP with odd hidden sizes and a downscale, and a
# fixed batch size.
train_tiny lenet lenet5-mnist
train_tiny lenet_adam lenet5-adam
train_tiny lenet_paddle lenet5-paddle
train_tiny mlp mlp-mnist --hidden 64,32,16 --input-size 20
# The reference logits come from a test tool (tests/tools/reference_logits.cpp), not the user's CLI.
for name in lenet lenet_adam lenet_paddle mlp; do
  "$TRAINCTL" export --ckpt "$name.ckpt" --format onnx >/dev/null 2>&1 || { fail "export $name to onnx"; continue; }
  "$TRAINCTL_REFERENCE_LOGITS" --ckpt "$name.ckpt" --reference-logits "$name.ref" --data "$MNIST" 2>"$name.ref.err" \
    || { fail "reference logits of $name: $(cat "$name.ref.err")"; continue; }
  "$PY" "$CHECK_ONNX" "$name.onnx" "$name.ckpt" "$MNIST" "$name.ref" && pass || fail "$name.onnx disagrees with trainctl"
done
"$TRAINCTL" export --ckpt lenet.ckpt --format onnx --batch 100 --out fixed.onnx >/dev/null \
  && "$PY" "$CHECK_ONNX" fixed.onnx lenet.ckpt "$MNIST" lenet.ref && pass || fail "fixed-batch export"

# The comparison itself can fail: another net's logits must not pass.
"$PY" "$CHECK_ONNX" lenet_adam.onnx lenet_adam.ckpt "$MNIST" lenet.ref >/dev/null 2>&1 \
  && fail "onnx_opencv_check.py accepted another net's logits" || pass

# safetensors: the parameters only, readable without trainctl.
"$TRAINCTL" export --ckpt lenet_adam.ckpt --format safetensors >/dev/null || fail "export to safetensors"
out=$("$PY" "$CHECK_ST" lenet_adam.safetensors 2>&1) || fail "lenet_adam.safetensors does not parse: $out"
if grep -q "^conv1.bias F32 \[6\]" <<<"$out" && ! grep -q optimizer <<<"$out"; then pass
else fail "lenet_adam.safetensors: expected conv1.bias and no optimizer slots, got: $out"; fi
grep -q "^optimizer\." <("$PY" "$CHECK_ST" lenet_adam.ckpt) && pass || fail "the .ckpt should hold optimizer slots"

# Errors: one line, the right exit code, and no output file left behind.
expect_error 2 "--format: bin not in {onnx,safetensors}" -- export --ckpt lenet.ckpt --format bin --out bad1.onnx
expect_error 2 "--batch must be \"dynamic\" or an integer in [1, 65536], got \"0\"" -- \
  export --ckpt lenet.ckpt --format onnx --batch 0 --out bad2.onnx
expect_error 2 "--batch and --opset apply to --format onnx only" -- \
  export --ckpt lenet.ckpt --format safetensors --batch 4 --out bad3.safetensors
expect_error 2 "--ckpt: nope.ckpt: no such checkpoint file or directory" -- export --ckpt nope.ckpt --format onnx --out bad4.onnx
cp lenet.ckpt corrupt.ckpt
printf '\xff\xff\xff\xff' | dd of=corrupt.ckpt bs=1 seek=$(($(stat -c %s corrupt.ckpt) - 8)) conv=notrunc 2>/dev/null
expect_error 1 "corrupt.ckpt" -- export --ckpt corrupt.ckpt --format onnx --out bad5.onnx
expect_error 74 "save failed" -- export --ckpt lenet.ckpt --format onnx --out no-such-dir/bad6.onnx
expect_error 74 "save failed" -- export --ckpt lenet.ckpt --format safetensors --out no-such-dir/bad7.safetensors
leftovers=$(ls bad* no-such-dir 2>/dev/null)
[ -z "$leftovers" ] && pass || fail "failed exports left files: $leftovers"

finish
