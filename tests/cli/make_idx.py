#!/usr/bin/python3
"""Tiny MNIST-shaped IDX folders (60 train, 20 test images of 28x28), sound or damaged one way.

    make_idx.py DIR[=VARIANT]...

Each DIR gets the four files, sound, or with one of them damaged as VARIANT says (see VARIANTS).
One call makes many folders: Python starts once.
"""
import gzip
import os
import struct
import sys

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"


def images(count, rows=28, cols=28, magic=0x803):
    pixels = bytes((i * 7) % 256 for i in range(count * rows * cols))
    return struct.pack(">IIII", magic, count, rows, cols) + pixels


def labels(count, magic=0x801):
    return struct.pack(">II", magic, count) + bytes(i % 10 for i in range(count))


def flip_byte(blob, at):
    return blob[:at] + bytes([blob[at] ^ 0xFF]) + blob[at + 1:]


# variant -> (file to replace, its new bytes from the sound set's bytes); None deletes the file.
VARIANTS = {
    "missing-labels": (TRAIN_LABELS, lambda b: None),
    "bad-magic-images": (TRAIN_IMAGES, lambda b: images(60, magic=0x804)),
    "bad-magic-labels": (TRAIN_LABELS, lambda b: labels(60, magic=0x803)),
    "truncated-header": (TRAIN_IMAGES, lambda b: b[:10]),
    "truncated-images": (TRAIN_IMAGES, lambda b: b[:-100]),
    "trailing-labels": (TRAIN_LABELS, lambda b: b + b"\x01"),
    "count-mismatch": (TRAIN_LABELS, lambda b: labels(59)),
    "label-12": (TRAIN_LABELS, lambda b: b[:8 + 17] + b"\x0c" + b[8 + 18:]),
    "zero-dim": (TRAIN_IMAGES, lambda b: images(0)),
    "huge-dims": (TRAIN_IMAGES, lambda b: struct.pack(">IIII", 0x803, 60, 5000, 5000) + b[16:]),
    "huge-count": (TRAIN_IMAGES, lambda b: struct.pack(">IIII", 0x803, 1000000000, 28, 28) + b[16:]),
    "test-32x32": (TEST_IMAGES, lambda b: images(20, 32, 32)),
    "test-label-12": (TEST_LABELS, lambda b: b[:8 + 3] + b"\x0c" + b[8 + 4:]),
    "test-truncated": (TEST_IMAGES, lambda b: b[:-1]),
    # .gz variants replace the raw file by TRAIN_IMAGES.gz (the reader takes either).
    "gz-corrupt": (TRAIN_IMAGES + ".gz", lambda b: flip_byte(gzip.compress(b, mtime=0), 20)),
    "gz-truncated": (TRAIN_IMAGES + ".gz", lambda b: gzip.compress(b, mtime=0)[:-200]),
    "gz-not-gzip": (TRAIN_IMAGES + ".gz", lambda b: b"\x1f\x8bnot really gzip"),
    "gz-huge-count": (TRAIN_IMAGES + ".gz", lambda b: gzip.compress(
        struct.pack(">IIII", 0x803, 100000000, 28, 28) + b[16:], mtime=0)),
    "gz-trailing-garbage": (TRAIN_IMAGES + ".gz", lambda b: gzip.compress(b, mtime=0) + b"garbage after the stream"),
}


def make(folder, variant):
    os.makedirs(folder, exist_ok=True)
    files = {TRAIN_IMAGES: images(60), TRAIN_LABELS: labels(60), TEST_IMAGES: images(20), TEST_LABELS: labels(20)}
    if variant:
        name, damage = VARIANTS[variant]
        base = name[:-3] if name.endswith(".gz") else name
        new = damage(files[base])
        if name != base:
            del files[base]
        if new is None:
            del files[name]
        else:
            files[name] = new
    for name, blob in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(blob)


def main():
    specs = [arg.partition("=") for arg in sys.argv[1:]]
    if not specs or any(not folder or (variant and variant not in VARIANTS) for folder, _, variant in specs):
        raise SystemExit(__doc__ + "variants: " + " ".join(VARIANTS))
    for folder, _, variant in specs:
        make(folder, variant)


if __name__ == "__main__":
    main()
