#!/usr/bin/env bash
# Real MNIST: one epoch on a 2,000-image subset reaches >= 0.90; the same seed prints the same loss lines.
source "$(dirname "$0")/lib.sh"
need_mnist

# Paddle's LeNet5 with Adam; small batches so 2,000 images make 250 steps.
run() { "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-adam.json" --data "$MNIST" \
          --train-limit 2000 --batch-size 8 --lr 0.002 --epochs 1 --log-every 50 --threads 2 --out "$WORK/ckpt" "$@"; }

run > first.log 2> first.err || fail "training failed: $(cat first.err)"
acc=$(sed -n 's/^Metrics: {"acc": \([0-9.]*\).*/\1/p' first.log | tail -1)
echo "subset accuracy: $acc"
awk -v a="$acc" 'BEGIN { exit !(a >= 0.90) }' && pass || fail "accuracy $acc < 0.90"
[ "$(grep -c '^epoch: 1 step: ' first.log)" -eq 5 ] && pass || fail "expected 5 LossMonitor lines: $(cat first.log)"

run > second.log 2>/dev/null
diff <(grep '^epoch:' first.log) <(grep '^epoch:' second.log) >/dev/null && pass || fail "same seed, different losses"
run --seed 2 > third.log 2>/dev/null
diff <(grep '^epoch:' first.log) <(grep '^epoch:' third.log) >/dev/null && fail "seed has no effect" || pass

finish
