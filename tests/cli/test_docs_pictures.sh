#!/usr/bin/env bash
# docs/infer-show.png shows what `infer --show` draws today: a screenshot (scripts/terminal_png.py,
# 10x20-pixel cells, 10-pixel margins) of 4 test digits on a 140-column terminal. Its size in cells
# must be the screen today's binary fills there, so a layout change cannot leave an old picture.
source "$(dirname "$0")/lib.sh"

small_mnist data
"$TRAINCTL" train --data data --epochs 1 --batch-size 20 --threads 1 --out ck -q > /dev/null 2> train.err \
  || { fail "train: $(cat train.err)"; finish; exit; }
screen=$("$PY" "$TRAINCTL_SRC/tests/cli/pty_screen.py" 140 40 show.out -- \
  "$TRAINCTL" infer --ckpt ck/lenet-1_3.ckpt --data data --index 0,17,2,3 --show)
read -r rows widest < <(sed -E 's/rows=([0-9]+) wraps=[0-9]+ widest=([0-9]+).*/\1 \2/' <<<"$screen")

# The PNG's width and height from its IHDR chunk.
read -r width height < <("$PY" -c 'import struct, sys; print(*struct.unpack(">II", open(sys.argv[1], "rb").read()[16:24]))' \
  "$TRAINCTL_SRC/docs/infer-show.png")
want="$((20 + widest * 10))x$((20 + rows * 20))"
[ "${width}x$height" = "$want" ] && pass \
  || fail "docs/infer-show.png is ${width}x$height, today's infer --show at 140 columns fills $want (${widest}x$rows cells): regenerate it (README)"
finish
