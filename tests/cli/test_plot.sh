#!/usr/bin/env bash
# trainctl plot: runs found by file, DIR/PREFIX and folder; a table without a terminal, braille
# in one (colours, NO_COLOR, the width kept); --save as a PNG of the expected size; bad logs and
# flags refused in one line with nothing written. The logs are made by make_metrics_csv.py in the
# shared format (docs/metrics.md), so this test needs no training.
source "$(dirname "$0")/lib.sh"

make_log() { "$PY" "$TRAINCTL_SRC/tests/cli/make_metrics_csv.py" "$@" || fail "make_metrics_csv.py $*"; }
mkdir a b c
make_log a/lenet5-metrics.csv --epochs 2 --steps 300 --log-every 30 --rate 0.01
make_log b/lenet5-adam-metrics.csv --epochs 3 --steps 300 --log-every 30 --rate 0.02 --val --extra
make_log c/lenet5-metrics.csv --epochs 1 --steps 300 --log-every 30 --seed 3

# --- Without a terminal: one table per chart, runs across, no escape codes and no braille.
"$TRAINCTL" plot a/lenet5 b/lenet5-adam-metrics.csv > table.out 2> table.err && pass || fail "plot: $(cat table.err)"
[ ! -s table.err ] && pass || fail "plot wrote on stderr: $(cat table.err)"
grep -c '^training loss (loss)$\|^test accuracy (test_acc)$\|^validation loss (val_loss)$\|^validation accuracy (val_acc)$' table.out \
  | grep -qx 4 && pass || fail "expected 4 tables (loss, test_acc, val_loss, val_acc): $(cat table.out)"
grep -q '^global step  *lenet5  *lenet5-adam$' table.out && pass || fail "no header row naming both runs: $(head -3 table.out)"
! grep -q $'\x1b\|\xe2\xa0\|\xe2\xa1\|\xe2\xa2\|\xe2\xa3' table.out && pass || fail "escape codes or braille in the table"
# a/ ends at step 600 and has no val_acc: '-' past its end, then each run's last value.
grep -A 20 '^validation accuracy' table.out | grep -q '^ *end  *-  *0\.[0-9]* @900$' && pass \
  || fail "val_acc end row: $(grep -A 20 '^validation accuracy' table.out)"
grep -A 20 '^training loss' table.out | grep -q '^ *900  *-  *0\.[0-9]*$' && pass \
  || fail "loss at step 900: a/ ended at 600: $(grep -A 20 '^training loss' table.out)"

# A folder is all its runs; two runs of one prefix are named by folder; the same file twice is one run.
"$TRAINCTL" plot a c a/lenet5-metrics.csv ./a/lenet5 --metric loss > two.out 2>&1 && pass || fail "plot a c: $(cat two.out)"
grep -q '^global step  *a/lenet5  *c/lenet5$' two.out && pass || fail "runs not named by folder: $(head -3 two.out)"
# --metric before the RUNs takes one value (its commas split it), not the RUNs after it.
"$TRAINCTL" plot --metric loss,test_acc --metric lr a/lenet5 c/lenet5 > flags.out 2>&1 \
  && [ "$(grep -c '^global step  *a/lenet5  *c/lenet5$' flags.out)" -eq 3 ] && pass || fail "--metric before RUN: $(cat flags.out)"
mkdir -p d/x e/x && cp a/lenet5-metrics.csv d/x/ && cp c/lenet5-metrics.csv e/x/
"$TRAINCTL" plot d/x/lenet5 e/x/lenet5 --metric loss > path.out 2>&1 && grep -q '^global step  *d/x/lenet5  *e/x/lenet5$' path.out \
  && pass || fail "runs in folders of one name not named by path: $(head -3 path.out)"
"$TRAINCTL" plot b --x epoch --metric test_acc > epoch.out 2>&1 && pass || fail "--x epoch: $(cat epoch.out)"
grep -q '^epoch  *lenet5-adam$' epoch.out && grep -q '^ *3  *0\.[0-9]*$' epoch.out && pass || fail "--x epoch: $(cat epoch.out)"
"$TRAINCTL" plot b --x time --metric lr,grad_norm > time.out 2>&1 && pass || fail "--x time with an extra column: $(cat time.out)"
grep -q '^time (s)  *lenet5-adam$' time.out && grep -q '^grad_norm (grad_norm)$' time.out && pass || fail "--x time: $(cat time.out)"

# A row still being written (a live run's log) is left out.
head -c -20 b/lenet5-adam-metrics.csv > live-metrics.csv
"$TRAINCTL" plot live-metrics.csv > live.out 2> live.err && pass || fail "plot of a log being written: $(cat live.err)"

# Values at the ends of the double range draw without a crash (terminal, table and PNG).
printf 'global_step,loss,test_acc\n1,1e300,\n2,-1e300,5e-324\n3,1e-300,1\n' > extreme.csv
"$TRAINCTL" plot extreme.csv > /dev/null 2> extreme.err && pass || fail "extreme values: $(cat extreme.err)"
"$PY" "$TRAINCTL_SRC/tests/cli/pty_screen.py" 80 40 "$SCRATCH/extreme.out" -- "$TRAINCTL" plot extreme.csv | grep -q 'exit=0' \
  && pass || fail "extreme values on a terminal"
"$TRAINCTL" plot extreme.csv --save extreme.png 2> extreme.err && pass || fail "extreme values as a PNG: $(cat extreme.err)"

# `trainctl --help` lists plot; its own help names the flags.
"$TRAINCTL" --help | grep -q '^  plot  ' && pass || fail "--help does not list plot"
"$TRAINCTL" plot --help | grep -q -- '--x TEXT:{step,epoch,time}=step' && pass || fail "plot --help: $("$TRAINCTL" plot --help)"

# --- In a terminal: braille, a colour per run, within the width, no wrapped line.
for cols in 120 60; do
  report=$("$PY" "$TRAINCTL_SRC/tests/cli/pty_screen.py" "$cols" 40 "$SCRATCH/tty$cols.out" -- "$TRAINCTL" plot a b)
  read -r rows wraps widest code < <(sed 's/[a-z]*=//g' <<<"$report")
  [ "$code" -eq 0 ] && [ "$wraps" -eq 0 ] && [ "$widest" -le "$cols" ] && pass || fail "$cols columns: $report"
  grep -q $'\xe2\xa0\|\xe2\xa1\|\xe2\xa2\|\xe2\xa3' "$SCRATCH/tty$cols.out" && pass || fail "$cols columns: no braille"
  grep -q $'\x1b\\[34m' "$SCRATCH/tty$cols.out" && grep -q $'\x1b\\[33m' "$SCRATCH/tty$cols.out" && pass \
    || fail "$cols columns: not one colour per run"
  grep -q '0\.1┤' "$SCRATCH/tty$cols.out" && pass || fail "$cols columns: no log-scale tick 0.1 on the loss axis"
done
"$PY" "$TRAINCTL_SRC/tests/cli/pty_screen.py" 100 40 "$SCRATCH/nocolour.out" -- env NO_COLOR=1 "$TRAINCTL" plot a b > /dev/null
! grep -q $'\x1b' "$SCRATCH/nocolour.out" && grep -q '■ lenet5-adam' "$SCRATCH/nocolour.out" && pass \
  || fail "NO_COLOR: escape codes or no marker legend: $(head -3 "$SCRATCH/nocolour.out" | cat -v)"

# --- --save: a PNG, two 720x460 panels a row (its pixels are checked in tests/test_plot.cpp).
png_check() {  # FILE WIDTH HEIGHT: every chunk's CRC, the size, and pixel data of that size
  "$PY" - "$@" <<'PYEOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0], "CRC"
    if kind == b"IHDR": ihdr = struct.unpack(">IIBB", body[:10])
    if kind == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, colour = ihdr
assert (w, h) == (int(sys.argv[2]), int(sys.argv[3])) and depth == 8 and colour == 2, ihdr
assert len(zlib.decompress(idat)) == h * (1 + 3 * w)
PYEOF
}
"$TRAINCTL" plot a b --save curves.png > save.out 2> save.err && pass || fail "--save: $(cat save.err)"
[ ! -s save.out ] && grep -qx 'trainctl: saved curves.png (1440x920)' save.err && pass || fail "--save output: $(cat save.out save.err)"
png_check curves.png 1440 920 && pass || fail "curves.png: not a decodable 1440x920 PNG"
"$TRAINCTL" plot a/lenet5 --metric test_acc --save one.png 2> /dev/null && png_check one.png 720 460 2> /dev/null \
  && pass || fail "one chart: not a 720x460 PNG"
"$TRAINCTL" plot a b --metric loss,test_acc --save curves.png 2> /dev/null && png_check curves.png 1440 460 && pass \
  || fail "--save over an existing PNG"
[ -z "$(ls ./*.tmp 2> /dev/null)" ] && pass || fail "temporaries left: $(ls ./*.tmp)"

# --- Bad runs, logs and flags: one line, the file and line named, nothing written.
csv_like() { cp a/lenet5-metrics.csv "$1"; }
csv_like bad-number.csv && sed -i '4s/^\(1,90,90,[0-9.]*,0.01,\)[0-9.]*/\12.3x/' bad-number.csv
csv_like short-row.csv && sed -i '6s/,[^,]*$//' short-row.csv
csv_like no-header.csv && sed -i '1d' no-header.csv
cut -d, -f1-9 a/lenet5-metrics.csv > no-val-metrics.csv
head -c 5000 /dev/urandom > binary.csv
mkfifo fifo.csv
truncate -s 1G zeros.csv
mkdir empty
ln -s victim.png link.png
mkdir dir.png
cp a/lenet5-metrics.csv run.png
expect_rejected 2 "nope: no such file, folder or run (nor nope-metrics.csv), expected a metrics CSV, a run DIR/PREFIX or a folder of runs" -- plot a nope
expect_rejected 2 "missing.csv: no such file, expected a metrics CSV" -- plot missing.csv
expect_rejected 2 "empty: no *-metrics.csv file in the folder, expected runs' metrics logs" -- plot empty
expect_rejected 1 'bad-number.csv: line 4, column "loss": expected a number or an empty cell, found "2.3x"' -- plot bad-number.csv
expect_rejected 1 "short-row.csv: line 6: 10 cells, the header has 11" -- plot short-row.csv
expect_rejected 1 'no-header.csv: line 1: expected the header of a metrics CSV (epoch,step,global_step,...), found a row of numbers "1,30,30,' -- plot no-header.csv
expect_rejected 1 'no-val-metrics.csv: line 1: no column "val_acc" (asked for by --metric); the header has epoch,step,global_step,time_s,lr,loss,samples_per_s,test_loss,test_acc' -- plot b no-val --metric loss,val_acc
expect_rejected 1 "binary.csv: line 1: expected the header of a metrics CSV" -- plot binary.csv
RSS_LIMIT=100000 expect_rejected 1 "fifo.csv: not a regular file, expected a metrics CSV file, found a FIFO" -- plot fifo.csv
RSS_LIMIT=100000 expect_rejected 1 "zeros.csv: metrics log is 1073741824 bytes, expected at most 67108864" -- plot zeros.csv
expect_rejected 2 "--metric acc: no run's metrics log has this column; expected one of loss, test_loss, test_acc, val_loss, val_acc, lr, samples_per_s, time_s" -- plot a --metric acc
expect_rejected 2 "--metric tset_acc: no run's metrics log has this column; expected one of loss, test_loss, test_acc, val_loss, val_acc, lr, samples_per_s, time_s (did you mean test_acc?)" -- plot a --metric tset_acc
expect_rejected 2 "--x: week not in {step,epoch,time} (see --help)" -- plot a --x week
expect_rejected 2 "--save curves.jpg: expected a file name ending in .png" -- plot a --save curves.jpg
expect_rejected 2 "--save link.png: is a symbolic link; plot does not write through links: remove it or choose another path" -- plot a --save link.png
expect_rejected 2 "--save dir.png: exists and is not a regular file; choose another path" -- plot a --save dir.png
expect_rejected 2 "--save ./run.png is a metrics log itself; choose another path (same file as RUN run.png)" -- plot run.png --save ./run.png
expect_rejected 2 "RUN is required (see --help)" -- plot
[ -L link.png ] && [ ! -e victim.png ] && pass || fail "the --save symlink or its target changed"

finish
