#!/usr/bin/env bash
# eval reserves for the images it has, not for a batch larger than the data: --batch-size 65536
# on 20 images reserved 8.5 GB (lenet5); the scores are the same either way.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
"$TRAINCTL" train --data "$SCRATCH/data" --out run --epochs 1 --batch-size 20 --threads 1 -q > /dev/null \
  2> "$SCRATCH/train.err" || fail "training failed: $(cat "$SCRATCH/train.err")"
CK=$(ls run/*.ckpt | head -1)

"$TRAINCTL" eval --ckpt "$CK" --data "$SCRATCH/data" --batch-size 20 --json > small.json || fail "eval --batch-size 20"
/usr/bin/time -f '%M' -o "$SCRATCH/time" "$TRAINCTL" eval --ckpt "$CK" --data "$SCRATCH/data" \
  --batch-size 65536 --json > big.json || fail "eval --batch-size 65536"
read -r kb < "$SCRATCH/time"
[ "$kb" -lt 400000 ] && pass || fail "eval --batch-size 65536 on 20 images: peak RSS $kb KB (limit 400000 KB)"
cmp -s small.json big.json && pass || fail "scores differ: $(diff small.json big.json | head -3)"

finish
