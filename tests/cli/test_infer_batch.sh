#!/usr/bin/env bash
# `infer --input` with folders and globs: their PNG/PGM files in byte order of the paths, batch
# after batch (past 256 images), the same answers as one file at a time; a bad or FIFO file
# stops the run with one line naming it and nothing on stdout; an empty folder or glob is refused.
source "$(dirname "$0")/lib.sh"

tiny_mlp_checkpoint

# Digit-like images (light strokes on black): PGMs and PNGs, 300 of them in many/.
"$PY" - <<'PYEOF'
import os, struct, zlib
def pixels(k, w=28, h=28):
    return bytes((37 * k + 11 * x * y) % 256 if 6 <= x < 20 and 8 <= y < 20 and (x + y + k) % 3 else 0
                 for y in range(h) for x in range(w))
def pgm(k): return b"P5 28 28 255\n" + pixels(k)
def png(k):
    chunk = lambda t, b: struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
    raw = b"".join(b"\0" + pixels(k)[28 * y:28 * y + 28] for y in range(28))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
os.makedirs("digits"); os.makedirs("many"); os.makedirs("bad"); os.makedirs("empty")
for name, blob in {"b.png": png(1), "a.pgm": pgm(2), "c.PNG": png(3), "10.png": png(4), "9.png": pgm(5),
                   ".hidden.png": b"not read", "notes.txt": b"not read"}.items():
    open("digits/" + name, "wb").write(blob)
for k in range(300):
    open("many/%03d.pgm" % k, "wb").write(pgm(k))
open("bad/a.png", "wb").write(png(1))
open("bad/b.png", "wb").write(b"hello, not an image\n")
open("empty/readme.txt", "wb").write(b"no images here\n")
PYEOF

names() { sed 's/:.*//' "$1" | tr '\n' ' '; }
"$TRAINCTL" infer --ckpt "$CK" --input digits > dir.out 2> dir.err || fail "infer --input digits: $(cat dir.err)"
[ "$(names dir.out)" = "digits/10.png digits/9.png digits/a.pgm digits/b.png digits/c.PNG " ] && pass \
  || fail "folder order: $(names dir.out)"
"$TRAINCTL" infer --ckpt "$CK" --input 'digits/*.png' --input digits/a.pgm --json > glob.json \
  || fail "infer glob --json failed"
"$PY" -c '
import json, sys
files = [json.loads(l)["file"] for l in open("glob.json")]
assert files == ["digits/10.png", "digits/9.png", "digits/b.png", "digits/a.pgm"], files
' && pass || fail "glob order: $(cat glob.json)"

# 300 images: two batches, each answer as for the file alone.
"$TRAINCTL" infer --ckpt "$CK" --input many --json > many.json || fail "infer --input many failed"
"$TRAINCTL" infer --ckpt "$CK" --input many/000.pgm many/299.pgm --json > two.json || fail "infer two files failed"
"$PY" -c '
import json
many = {j["file"]: j for j in map(json.loads, open("many.json"))}
assert len(many) == 300 and list(many) == sorted(many), len(many)
for j in map(json.loads, open("two.json")):
    m = many[j["file"]]
    assert m["prediction"] == j["prediction"], (m, j)
    assert max(abs(a - b) for a, b in zip(m["probabilities"], j["probabilities"])) < 1e-6, (m, j)
' && pass || fail "batched answers differ from single ones"

# Bad inputs: one line naming the file, exit 1, nothing printed; a FIFO is refused, not waited on.
expect_rejected 1 "bad/b.png: not an image" -- infer --ckpt "$CK" --input bad
[ ! -s "$SCRATCH/stdout" ] && pass || fail "a bad file still printed: $(cat "$SCRATCH/stdout")"
mkdir fifo && cp digits/b.png fifo/a.png && mkfifo fifo/b.png
REAL=$TRAINCTL
TRAINCTL=$SCRATCH/trainctl-timeout
printf '#!/bin/sh\nexec timeout 5 "%s" "$@"\n' "$REAL" > "$TRAINCTL" && chmod +x "$TRAINCTL"
expect_rejected 1 "fifo/b.png: not a regular file, expected a PNG or PGM image, found a FIFO" -- infer --ckpt "$CK" --input fifo
expect_rejected 1 "fifo/b.png: not a regular file" -- infer --ckpt "$CK" --input 'fifo/*.png'
TRAINCTL=$REAL
expect_rejected 1 "--input: empty: no .png or .pgm files in the folder" -- infer --ckpt "$CK" --input empty
expect_rejected 1 "--input: 'nothing/*.png' matches no file" -- infer --ckpt "$CK" --input 'nothing/*.png'
finish
