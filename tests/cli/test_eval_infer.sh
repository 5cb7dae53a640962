#!/usr/bin/env bash
# eval and infer on a tiny real-MNIST checkpoint: eval repeats training's metrics, --min-acc,
# JSON, the terminal grid, the saved PNG, the user's own images, and bad inputs.
source "$(dirname "$0")/lib.sh"
need_mnist
PY=/usr/bin/python3

"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-adam.json" --data "$MNIST" --train-limit 2000 \
  --batch-size 50 --epochs 2 --threads 1 --out ck > train.log 2> train.err || { fail "train: $(cat train.err)"; finish; exit; }
mapfile -t ckpts < <(ls ck/*.ckpt | sort)
[ "${#ckpts[@]}" -eq 2 ] && pass || fail "expected 2 checkpoints, got ${ckpts[*]}"
CK=${ckpts[1]}

# --- eval: the same numbers training printed for each epoch
for e in 1 2; do
  want=$(grep '^Metrics:' train.log | sed -n "${e}p")
  got=$("$TRAINCTL" eval --ckpt "${ckpts[$((e - 1))]}" --data "$MNIST" | grep '^Metrics:')
  [ -n "$want" ] && [ "$want" = "$got" ] && pass || fail "epoch $e: training printed '$want', eval '$got'"
done
"$TRAINCTL" eval --ckpt "$CK" --data "$MNIST" --json > eval.json && pass || fail "eval --json failed"
$PY -m json.tool eval.json > /dev/null && pass || fail "eval --json is not JSON: $(head -c 300 eval.json)"
$PY - eval.json <<'PYEOF' && pass || fail "eval JSON disagrees with the checkpoint's train_state"
import json, sys
j = json.load(open(sys.argv[1]))
t = j["train_metrics"]
assert t["epoch"] == 2 and t["acc"] == j["acc"] and abs(t["loss"] - j["loss"]) < 1e-9, (t, j["acc"], j["loss"])
assert j["count"] == 10000 and sum(map(sum, j["confusion"])) == 10000
assert abs(sum(c["recall"] * c["support"] for c in j["classes"]) / 10000 - j["acc"]) < 1e-9
assert len(j["classes"]) == 10 and 0 < j["macro"]["f1"] <= 1
PYEOF
"$TRAINCTL" eval --ckpt "$CK" --data "$MNIST" --batch-size 333 --threads 2 > text.out \
  && grep -q '^confusion matrix' text.out && grep -q '^macro ' text.out && pass || fail "eval text: $(cat text.out)"
# The confusion table's rows line up: every row as wide as the header.
[ "$(sed -n '/^confusion/,$p' text.out | tail -n +2 | awk '{ print length($0) }' | sort -u | wc -l)" -eq 1 ] \
  && pass || fail "confusion matrix columns not aligned"
"$TRAINCTL" eval --ckpt "$CK" --data "$MNIST" --min-acc 0.5 > /dev/null && pass || fail "--min-acc 0.5 should pass"
expect_error 1 "--min-acc: $CK scores accuracy" -- eval --ckpt "$CK" --data "$MNIST" --min-acc 0.9999
expect_error 2 "--min-acc" -- eval --ckpt "$CK" --data "$MNIST" --min-acc 1.5
expect_error 2 "--split" -- eval --ckpt "$CK" --data "$MNIST" --split valid
expect_error 2 "--ckpt: nope.ckpt: no such checkpoint file or directory" -- eval --ckpt nope.ckpt --data "$MNIST"

# --- infer on test images
NO_COLOR= "$TRAINCTL" infer --ckpt "$CK" --data "$MNIST" --show --index 0,1,2,3 > show.out
[ "$(grep -o 'prediction: [0-9], truth: [0-9]' show.out | wc -l)" -eq 4 ] && pass || fail "4 titles expected: $(cat show.out)"
grep -q 'truth: 7' show.out && grep -q 'truth: 2' show.out && pass || fail "test[0] is a 7, test[1] a 2"
grep -q $'\x1b' show.out && fail "escape codes in piped output" || pass
# Two tiles per row for 4: the two title lines each hold two titles.
[ "$(grep -c 'truth: [0-9] .*truth: [0-9]' show.out)" -eq 2 ] && pass || fail "expected a 2x2 grid"
grep -qE '^test\[0\] \(truth 7\):  [0-9] [01]\.[0-9]{4}  [0-9] [01]\.[0-9]{4}  [0-9] [01]\.[0-9]{4}$' show.out \
  && pass || fail "top-3 line missing: $(grep '^test' show.out)"
script -qec "$TRAINCTL infer --ckpt $CK --data $MNIST --show --count 2" /dev/null > tty.out < /dev/null
grep -q $'\x1b\[38;2;' tty.out && grep -q '▀' tty.out && pass || fail "no 24-bit half blocks on a terminal"
NO_COLOR=1 script -qec "$TRAINCTL infer --ckpt $CK --data $MNIST --show --count 2" /dev/null > nocolour.out < /dev/null
grep -q $'\x1b\[' nocolour.out && fail "NO_COLOR still coloured" || pass
"$TRAINCTL" infer --ckpt "$CK" --data "$MNIST" --seed 5 > s5a.out
"$TRAINCTL" infer --ckpt "$CK" --data "$MNIST" --seed 5 > s5b.out
"$TRAINCTL" infer --ckpt "$CK" --data "$MNIST" --seed 6 > s6.out
cmp -s s5a.out s5b.out && ! cmp -s s5a.out s6.out && [ "$(wc -l < s5a.out)" -eq 4 ] \
  && pass || fail "--seed picks: $(cat s5a.out s6.out)"
expect_error 2 "--index: 10000 is out of range" -- infer --ckpt "$CK" --data "$MNIST" --index 10000
expect_error 2 "excludes" -- infer --ckpt "$CK" --data "$MNIST" --show --json

# --- --save: a valid PNG of a 2x2 grid, readable with zlib alone
"$TRAINCTL" infer --ckpt "$CK" --data "$MNIST" --index 0,1,2,3 --save grid.png > /dev/null 2> save.err \
  && pass || fail "--save failed: $(cat save.err)"
[ ! -e grid.png.tmp ] && pass || fail "grid.png.tmp left behind"
$PY - grid.png <<'PYEOF' && pass || fail "grid.png is not a valid PNG"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
    if kind == b"IHDR": ihdr = struct.unpack(">IIBB", body[:10])
    if kind == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, colour = ihdr
assert depth == 8 and colour == 2 and w > 400 and h > 400, ihdr
raw = zlib.decompress(idat)
stride = 3 * w
assert len(raw) == h * (1 + stride)
rows, prev = [], bytearray(stride)
for y in range(h):  # undo the PNG row filters (none, sub, up, average, Paeth)
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - 3] if i >= 3 else 0
        b, c = prev[i], prev[i - 3] if i >= 3 else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= min(abs(p - b), abs(p - c)) else b if abs(p - b) <= abs(p - c) else c][f]
        line[i] = (line[i] + pred) & 255
    rows.append(line)
    prev = line
assert set(rows[0]) == {255}  # the top margin is white
pixels = {tuple(r[i:i + 3]) for r in rows for i in range(0, stride, 3)}
assert (30, 90, 220) in pixels and (210, 30, 30) not in pixels  # blue titles: test[0..3] are predicted right
PYEOF

# --- --input: the user's own images (from test[0], a 7), odd sizes, grey/colour/inverted
$PY - "$MNIST" <<'PYEOF' || fail "could not make the input images"
import gzip, os, struct, sys, zlib
d = sys.argv[1]
path = next(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if f.startswith("t10k-images"))
raw = (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
img = raw[16:16 + 784]
def scaled(w, h):  # nearest neighbour up to w x h
    return [[img[(y * 28 // h) * 28 + x * 28 // w] for x in range(w)] for y in range(h)]
def png(name, rows, channels, colour_type):
    body = b"".join(b"\0" + bytes(v for px in r for v in px) for r in rows)
    def chunk(k, b): return struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b))
    ihdr = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, colour_type, 0, 0, 0)
    open(name, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(body)) + chunk(b"IEND", b""))
g = scaled(37, 41)
open("seven.pgm", "wb").write(b"P5\n37 41\n255\n" + bytes(v for r in g for v in r))
png("seven.png", [[(v, v, v // 3) for v in r] for r in scaled(45, 33)], 3, 2)   # yellowish on black, RGB
png("paper.png", [[(255 - v,) for v in r] for r in scaled(29, 31)], 1, 0)        # dark ink on white paper
open("empty.png", "wb").close()
open("notes.png", "w").write("not an image\n")
data = open("seven.png", "rb").read()
open("cut.png", "wb").write(data[:len(data) // 2])
open("zero.pgm", "wb").write(b"P5 0 4 255\n")
PYEOF
"$TRAINCTL" infer --ckpt "$CK" --input seven.pgm seven.png --json > in.json 2> in.err && pass || fail "infer --input: $(cat in.err)"
$PY - in.json <<'PYEOF' && pass || fail "--input JSON: $(cat in.json)"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2
for line, name in zip(lines, ["seven.pgm", "seven.png"]):
    j = json.loads(line)
    assert j["file"] == name and j["prediction"] == 7, j
    assert len(j["probabilities"]) == 10 and abs(sum(j["probabilities"]) - 1) < 1e-6
PYEOF
[ ! -s in.err ] && pass || fail "unexpected stderr for light-on-dark images: $(cat in.err)"
"$TRAINCTL" infer --ckpt "$CK" --input paper.png --json > paper.json 2> paper.err
grep -q 'paper.png: mean brightness .* try --invert' paper.err && pass || fail "no --invert hint: $(cat paper.err)"
"$TRAINCTL" infer --ckpt "$CK" --input paper.png --invert --json > inv.json 2> inv.err
grep -q '"prediction":7' inv.json && [ ! -s inv.err ] && pass || fail "--invert: $(cat inv.json inv.err)"
"$TRAINCTL" infer --ckpt "$CK" --input seven.png --show > inshow.out && grep -q '^ *prediction: 7 *$' inshow.out \
  && [ "$(grep -c '' inshow.out)" -gt 14 ] && pass || fail "--input --show: $(cat inshow.out)"

# Bad images: one line naming the file, exit 1, nothing printed or saved.
for bad in "missing.png:cannot open image" "empty.png:empty file" "notes.png:not an image" \
           "cut.png:bad PNG" "zero.pgm:image is 0x4"; do
  file=${bad%%:*} msg=${bad#*:}
  out=$("$TRAINCTL" infer --ckpt "$CK" --input seven.pgm "$file" --save bad.png 2> bad.err); rc=$?
  [ "$rc" -eq 1 ] && grep -q "^trainctl: error: $file: $msg" bad.err && [ "$(grep -c '' bad.err)" -eq 1 ] \
    && [ -z "$out" ] && [ ! -e bad.png ] && pass || fail "$file: exit $rc, stderr '$(cat bad.err)', stdout '$out'"
done

finish
