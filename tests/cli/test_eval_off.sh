#!/usr/bin/env bash
# --eval false scores nothing: no per-epoch metrics, and no final Metrics line either (it still
# evaluated the whole test set once at the end); --eval true prints one line per epoch.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
run() { "$TRAINCTL" train --data "$SCRATCH/data" --epochs 2 --batch-size 20 --threads 1 "$@" 2> "$SCRATCH/err"; }
run --out off --eval false > off.log || fail "--eval false run failed: $(cat "$SCRATCH/err")"
! grep -q 'Metrics' off.log && pass || fail "--eval false printed metrics: $(cat off.log)"
grep -q '^epoch: 2 step: 3, loss is' off.log && pass || fail "--eval false: no LossMonitor lines: $(cat off.log)"
run --out on > on.log || fail "--eval true run failed: $(cat "$SCRATCH/err")"
[ "$(grep -c '^Metrics: {"acc": ' on.log)" -eq 2 ] && pass || fail "--eval true: $(cat on.log)"
finish
