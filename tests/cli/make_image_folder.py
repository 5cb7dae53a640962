#!/usr/bin/python3
"""An image folder tree in torchvision's ImageFolder layout: DIR/train/<class>/*.png, DIR/test/<class>/*.png.

    make_image_folder.py DIR [--idx IMAGES LABELS] [--classes a,b,c] [--train N] [--test M]
                         [--no-test-class C] [--corrupt] [--non-image] [--sizes 28,32] [--pgm] [--empty-class C]
                         [--one-tree]

Images are MNIST digits from an IDX pair (--idx, gzipped or not: the first N*classes for train, the next for
test) or drawn (a bar whose position tells the class, learnable in a few steps). Damage for the error paths:
--no-test-class leaves class C out of test/, --corrupt writes train/<first>/zz-corrupt.png (a truncated PNG),
--non-image writes train/<first>/notes.txt, --sizes cycles the image sizes (mixed sizes), --empty-class makes
train/C with no image. --one-tree writes the train/ images straight into DIR/<class>/ (no train/, no test/).
"""
import argparse
import gzip
import os
import struct
import zlib


def png(w, h, pixels):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes(pixels[y * w:(y + 1) * w]) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pgm(w, h, pixels):
    return b"P5\n%d %d\n255\n" % (w, h) + bytes(pixels)


def read_idx(path):
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        return [data[16 + i * rows * cols:16 + (i + 1) * rows * cols] for i in range(count)], rows
    return list(data[8:8 + count]), 0


def drawn(label, k, side):
    """A bright bar at a height that tells the class, with a little variation per image k."""
    row = (label * 7 + 3) % (side - 4) + 2
    return [255 if abs(y - row) <= 1 and 2 <= x < side - 2 - (k % 3) else (k * 13 + x * y) % 17
            for y in range(side) for x in range(side)]


def resize_nearest(pixels, side, new):
    return [pixels[(y * side // new) * side + (x * side // new)] for y in range(new) for x in range(new)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--idx", nargs=2)
    ap.add_argument("--classes", default="0,1,2,3,4,5,6,7,8,9")
    ap.add_argument("--train", type=int, default=10, help="images per class in train/")
    ap.add_argument("--test", type=int, default=4, help="images per class in test/")
    ap.add_argument("--no-test-class")
    ap.add_argument("--corrupt", action="store_true")
    ap.add_argument("--non-image", action="store_true")
    ap.add_argument("--sizes", default="28")
    ap.add_argument("--pgm", action="store_true")
    ap.add_argument("--empty-class")
    ap.add_argument("--one-tree", action="store_true")
    a = ap.parse_args()
    classes = a.classes.split(",")
    sizes = [int(s) for s in a.sizes.split(",")]
    pool = {}
    if a.idx:
        images, side = read_idx(a.idx[0])
        labels, _ = read_idx(a.idx[1])
        for img, lab in zip(images, labels):
            pool.setdefault(lab, []).append(list(img))
    else:
        side = 28
    written = 0
    splits = (("train", a.train, 0),) if a.one_tree else (("train", a.train, 0), ("test", a.test, a.train))
    for split, n, skip in splits:
        for c, name in enumerate(classes):
            if split == "test" and name == a.no_test_class:
                continue
            folder = os.path.join(a.dir, "" if a.one_tree else split, name)
            os.makedirs(folder, exist_ok=True)
            for k in range(n):
                pixels = pool[c][skip + k] if a.idx else drawn(c, k, side)
                size = sizes[written % len(sizes)]
                written += 1
                if size != side:
                    pixels = resize_nearest(pixels, side, size)
                ext, blob = (".pgm", pgm(size, size, pixels)) if a.pgm else (".png", png(size, size, pixels))
                with open(os.path.join(folder, "%s-%04d%s" % (name, k, ext)), "wb") as f:
                    f.write(blob)
    first = os.path.join(a.dir, "" if a.one_tree else "train", classes[0])
    if a.corrupt:
        with open(os.path.join(first, "zz-corrupt.png"), "wb") as f:
            f.write(png(side, side, [0] * side * side)[:60])
    if a.non_image:
        with open(os.path.join(first, "notes.txt"), "w") as f:
            f.write("where these digits came from\n")
    if a.empty_class:
        os.makedirs(os.path.join(a.dir, "" if a.one_tree else "train", a.empty_class), exist_ok=True)


if __name__ == "__main__":
    main()
