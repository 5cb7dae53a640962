#!/usr/bin/env bash
# --dataset fashion-mnist (configs/*-fashion.json): found where Debian's package or
# scripts/get-data.sh put it, ten named classes in eval and infer; a --data folder without the
# files names the script that fetches them.
source "$(dirname "$0")/lib.sh"
FASHION=${TRAINCTL_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
if [ ! -f "$FASHION/t10k-labels-idx1-ubyte.gz" ] && [ ! -f "$FASHION/t10k-labels-idx1-ubyte" ]; then
  echo "SKIPPED: Fashion-MNIST not found at $FASHION (scripts/get-data.sh fashion-mnist installs it)"
  exit 77
fi
export TRAINCTL_FASHION_MNIST=$FASHION

for net in lenet5 mlp; do
  "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/$net-fashion.json" --train-limit 320 --epochs 1 --threads 1 \
    --out run --prefix "$net" >out.txt 2>err.txt || fail "$net-fashion.json: $(cat err.txt)"
  grep -q "^trainctl: $net on $FASHION: 320 train / 10000 test images, 10 classes" err.txt \
    && pass || fail "$net-fashion.json summary line: $(head -1 err.txt)"
done
"$TRAINCTL" eval --ckpt run/lenet5-1_10.ckpt >out.txt 2>err.txt || fail "eval: $(cat err.txt)"
grep -Eq "^T-shirt/top +[0-9.]+ +[0-9.]+ +[0-9.]+ +1000$" out.txt && grep -Eq "^ Ankle boot " out.txt \
  && grep -q "^9 Ankle boot " out.txt && pass || fail "eval's tables lack the names: $(cat out.txt)"
"$TRAINCTL" infer --ckpt run/mlp-1_5.ckpt --index 0 >out.txt 2>err.txt || fail "infer: $(cat err.txt)"
grep -q "^test\[0\] (truth Ankle boot):" out.txt && pass || fail "infer's line: $(cat out.txt)"
expect_rejected 2 "--data nowhere: no fashion-mnist data: no such folder; run scripts/get-data.sh fashion-mnist" \
  -- train --dataset fashion-mnist --data nowhere
finish
