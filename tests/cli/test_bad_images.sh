#!/usr/bin/env bash
# Bad image files for `trainctl infer --input`: exit 1, one line naming the file and the problem,
# huge declared sizes refused before allocating, and nothing written.
source "$(dirname "$0")/lib.sh"

tiny_mlp_checkpoint

# PNGs from zlib alone: WIDTH HEIGHT [raw IDAT payload] -> stdout.
"$PY" - <<'PYEOF'
import struct, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
def png(w, h, raw=None):
    raw = b"".join(b"\0" + bytes(w) for _ in range(h)) if raw is None else raw
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
sound = png(28, 28)
files = {
    "sound.png": sound,
    "truncated.png": sound[:50],
    "bad-crc.png": sound[:20] + b"\xff" + sound[21:],
    "huge.png": png(100000, 100000, b"\0" * 10),
    "big-empty.png": png(16000, 16000, b"\0" * 10),
    "text.png": b"hello, not an image\n",
    "jpeg.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 100,
    "truncated.pgm": b"P5 28 28 255\n" + b"\0" * 100,
    "wide.pgm": b"P5 99999999999 28 255\n",
    "maxval.pgm": b"P2 2 2 0\n0 0 0 0\n",
    "huge.pgm": b"P5 16384 16384 255\n",
    "huge-ascii.pgm": b"P2 16384 16384 255\n0 0\n",
    "short-ascii.pgm": b"P2 2 2 255\n0 0 0\n",
    "pixel.pgm": b"P2 2 2 15\n0 0 0 99\n",
}
for name, blob in files.items():
    open(name, "wb").write(blob)
PYEOF
"$TRAINCTL" infer --ckpt "$CK" --input sound.png > /dev/null && pass || fail "the sound PNG is rejected"

img() { expect_rejected 1 "$1: $2" -- infer --ckpt "$CK" --input "$1"; }
img missing.png "cannot open image: No such file or directory"
: > empty.png
img empty.png "empty file (0 bytes), expected a PNG or PGM image"
mkdir a-dir
expect_rejected 1 "--input: a-dir: no .png or .pgm files in the folder" -- infer --ckpt "$CK" --input a-dir  # a folder is a batch (test_infer_batch.sh)
img text.png "not an image: expected a PNG or a PGM (P5/P2) file, found 20 bytes of something else"
img jpeg.jpg "not an image: expected a PNG or a PGM (P5/P2) file, found 111 bytes of something else"
img truncated.png "bad PNG: read beyond end of data"
img bad-crc.png "bad PNG: IHDR: CRC error"
RSS_LIMIT=200000 img huge.png "image is 100000x100000, expected 1x1 to 16384x16384"
RSS_LIMIT=200000 img big-empty.png "bad PNG: header claims 16000x16000 pixels, more than a 68-byte file can hold"
img truncated.pgm "truncated PGM: expected 784 bytes of pixels for 28x28, found 100"
# The header's size is checked against the file before the pixels are allocated (256 MiB here).
RSS_LIMIT=200000 img huge.pgm "truncated PGM: expected 268435456 bytes of pixels for 16384x16384, found 0"
RSS_LIMIT=200000 img huge-ascii.pgm "truncated PGM: expected at least 536870911 bytes of 268435456 pixel values for 16384x16384, found 5"
img short-ascii.pgm "PGM: expected the pixel value (a number), found the end of the file"
img wide.pgm "PGM width is too large (at most 16384)"
img maxval.pgm "PGM maxval is 0, expected 1 to 65535"
img pixel.pgm "PGM pixel value 99 exceeds maxval 15"
truncate -s 1G zeros.png
RSS_LIMIT=200000 img zeros.png "image file is 1073741824 bytes, expected at most 67108864"
# One bad file among good ones fails the whole call, naming it; --save writes nothing.
expect_rejected 1 "text.png: not an image" -- infer --ckpt "$CK" --input sound.png --input text.png --save grid.png

finish
