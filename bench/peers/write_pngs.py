"""Writes MNIST test digits as 28x28 grayscale PNG files (digit-00000.png ...), for timing
`trainctl infer --input DIR` with the decoding included. Usage: write_pngs.py --data DIR --out DIR [--count N]"""
import argparse
import os
import sys

from PIL import Image

from mnist_idx import read_idx


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=10000)
    args = ap.parse_args()
    images = read_idx(args.data, "t10k-images-idx3-ubyte")
    if images is None:
        sys.exit(f"write_pngs.py: no t10k-images-idx3-ubyte(.gz) in {args.data}")
    os.makedirs(args.out, exist_ok=False)
    for i, pixels in enumerate(images[:args.count]):
        Image.fromarray(pixels, mode="L").save(os.path.join(args.out, f"digit-{i:05d}.png"))


if __name__ == "__main__":
    main()
