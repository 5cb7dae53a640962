#!/usr/bin/env bash
# On a terminal of 80, 60 and 40 columns the live training line never wraps, so each epoch takes
# one screen row however often it is redrawn; `infer --show` fills a wide terminal's width.
source "$(dirname "$0")/lib.sh"

small_mnist data
EPOCHS=2
# Batch 1 over 60 images through a 2048-2048 MLP: 60 steps an epoch, slow enough for several
# 0.1 s redraws each (1024-1024 takes 0.19 s an epoch on a quiet machine: too few, it failed).
train_on_tty() {  # COLS DIR
  "$PY" "$TRAINCTL_SRC/tests/cli/pty_screen.py" "$1" 30 "$SCRATCH/tty$1.out" -- "$TRAINCTL" train --data data \
    --net mlp --hidden 2048,2048 --epochs "$EPOCHS" --batch-size 1 --threads 1 --out "$2" --prefix screen \
    2> "$SCRATCH/tty$1.err"
}
for cols in 80 60 40; do
  report=$(train_on_tty "$cols" "ck$cols")
  read -r rows wraps widest code < <(sed 's/[a-z]*=//g' <<<"$report")
  redraws=$(grep -o $'\repoch' "$SCRATCH/tty$cols.out" | wc -l)
  what="$cols columns ($report, $redraws redraws)"
  [ "$code" -eq 0 ] && pass || fail "$what: training failed: $(cat "$SCRATCH/tty$cols.err")"
  [ "$wraps" -eq 0 ] && pass || fail "$what: the live line wraps: $(tail -c 400 "$SCRATCH/tty$cols.out" | cat -v)"
  # Per epoch: its bar's row and its Metrics row, however many redraws.
  [ "$rows" -le $((2 * EPOCHS)) ] && [ "$redraws" -gt $((2 * EPOCHS)) ] && pass \
    || fail "$what: $rows screen rows for $EPOCHS epochs"
  # 40 columns leave room for the position and the loss only (README: the order fields go in).
  fields='loss [0-9.]* acc [0-9.]* ETA'
  [ "$cols" -eq 40 ] && fields=$'step [0-9]*/60 loss [0-9.]*\x1b\\[K'
  grep -q "$fields" "$SCRATCH/tty$cols.out" && pass || fail "$what: no '$fields' on the bar: $(head -c 300 "$SCRATCH/tty$cols.out" | cat -v)"
done

# infer --show: as many 28-column tiles per row as the terminal holds (the 3-column gaps included).
ckpt=$(ls ck80/screen-"$EPOCHS"_*.ckpt | head -1)
show_on_tty() {  # COLS
  "$PY" "$TRAINCTL_SRC/tests/cli/pty_screen.py" "$1" 40 "$SCRATCH/show$1.out" -- \
    env NO_COLOR=1 "$TRAINCTL" infer --ckpt "$ckpt" --data data --show --index 0,1,2,3,4,5 > /dev/null
  head -1 "$SCRATCH/show$1.out" | grep -o 'prediction' | wc -l
}
[ "$(show_on_tty 160)" -eq 5 ] && pass || fail "160 columns: $(show_on_tty 160) tiles in the first row, expected 5"
[ "$(show_on_tty 80)" -eq 2 ] && pass || fail "80 columns: $(show_on_tty 80) tiles in the first row, expected 2"
[ "$(show_on_tty 30)" -eq 1 ] && pass || fail "30 columns: $(show_on_tty 30) tiles in the first row, expected 1"

finish
