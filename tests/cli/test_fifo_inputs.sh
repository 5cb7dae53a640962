#!/usr/bin/env bash
# A FIFO (or another non-regular file) given as an input is refused at once with one line naming
# it and what it is, instead of blocking open() forever: config, checkpoint (every command that
# reads one), image and IDX inputs. Each command runs under `timeout 5`: a hang exits 124.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
"$TRAINCTL" train --data "$DATA" --net mlp --hidden 16 --optimizer sgd --prefix mlp --out "$SCRATCH/run" --epochs 1 \
  --batch-size 20 --threads 1 -q > /dev/null 2> "$SCRATCH/train.err" || fail "training failed: $(cat "$SCRATCH/train.err")"
CK=$SCRATCH/run/mlp-1_3.ckpt

# expect_rejected runs $TRAINCTL: point it at a wrapper that gives up after 5 s.
REAL=$TRAINCTL
TRAINCTL=$SCRATCH/trainctl-timeout
printf '#!/bin/sh\nexec timeout 5 "%s" "$@"\n' "$REAL" > "$TRAINCTL" && chmod +x "$TRAINCTL"

mkfifo fifo.json fifo.ckpt fifo.png
fifo() { echo "not a regular file, expected $1, found a FIFO"; }
expect_rejected 2 "fifo.json: $(fifo "a JSON config file")" -- train --config fifo.json --data "$DATA" --out out
ckpt="fifo.ckpt: $(fifo "a checkpoint")"
expect_rejected 1 "$ckpt" -- ckpt inspect fifo.ckpt
expect_rejected 1 "$ckpt" -- ckpt diff fifo.ckpt "$CK"
expect_rejected 1 "ckpt verify: failed: fifo.ckpt" -- ckpt verify fifo.ckpt
[ "$(cat "$SCRATCH/stdout")" = "$ckpt" ] && pass || fail "ckpt verify fifo.ckpt printed: $(cat "$SCRATCH/stdout")"
expect_rejected 1 "$ckpt" -- eval --ckpt fifo.ckpt --data "$DATA"
expect_rejected 1 "$ckpt" -- infer --ckpt fifo.ckpt --data "$DATA"
expect_rejected 1 "$ckpt" -- export --ckpt fifo.ckpt --format onnx --out m.onnx
expect_rejected 1 "$ckpt" -- train --init-from fifo.ckpt --net mlp --hidden 16 --data "$DATA" --out out
expect_rejected 1 "$ckpt" -- resume --from fifo.ckpt --data "$DATA" --epochs 2
expect_rejected 1 "fifo.png: $(fifo "a PNG or PGM image")" -- infer --ckpt "$CK" --input fifo.png
expect_rejected 1 "/dev/null: not a regular file, expected a PNG or PGM image, found a character device" \
  -- infer --ckpt "$CK" --input /dev/null
expect_rejected 1 "$SCRATCH/run: not a regular file, expected a checkpoint, found a directory" -- ckpt inspect "$SCRATCH/run"

# Directory scans skip a FIFO without opening it: ckpt ls lists the sound file, resume --from a
# folder (and latest) picks it, though the FIFO's name sorts after it.
mkdir -p "$SCRATCH/scan" && cp "$CK" "$SCRATCH/scan/mlp-1_3.ckpt" && mkfifo "$SCRATCH/scan/mlp-9_3.ckpt"
"$TRAINCTL" ckpt ls "$SCRATCH/scan" > "$SCRATCH/ls.out" 2>&1 && grep -q '^mlp-1_3.ckpt .* ok$' "$SCRATCH/ls.out" \
  && ! grep -q 'mlp-9_3' "$SCRATCH/ls.out" && pass || fail "ckpt ls with a FIFO: $(cat "$SCRATCH/ls.out")"
"$TRAINCTL" resume --from "$SCRATCH/scan" --data "$DATA" --epochs 2 -q > /dev/null 2> "$SCRATCH/scan.err" \
  && [ -f "$SCRATCH/scan/mlp-2_3.ckpt" ] && pass || fail "resume --from a folder with a FIFO: $(cat "$SCRATCH/scan.err")"
# An IDX file that is a FIFO is not MNIST data.
mkdir -p "$SCRATCH/fifo-data" && cp "$DATA"/* "$SCRATCH/fifo-data/" && rm "$SCRATCH/fifo-data/t10k-labels-idx1-ubyte"* \
  && mkfifo "$SCRATCH/fifo-data/t10k-labels-idx1-ubyte"
expect_rejected 2 "no MNIST data: missing $SCRATCH/fifo-data/t10k-labels-idx1-ubyte[.gz]" -- eval --ckpt "$CK" --data "$SCRATCH/fifo-data"

finish
