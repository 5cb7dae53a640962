#!/usr/bin/python3
"""Runs an exported .onnx with OpenCV's dnn module on MNIST test images and compares its logits
with trainctl's own (tests/tools/reference_logits.cpp): an independent runtime must agree to 1e-4.

Usage: onnx_opencv_check.py MODEL.onnx CKPT MNIST_DIR REFERENCE.f32 [COUNT]
The input transform (size, mean, std) comes from the checkpoint's metadata, read with json+struct.
Exits 0 on agreement, 1 on a mismatch, 77 when cv2 or numpy is not importable.
"""
import gzip
import json
import os
import struct
import sys

try:
    import cv2
    import numpy as np
except ImportError as e:
    print(f"SKIPPED: {e} (install python3-opencv)")
    sys.exit(77)

TOLERANCE = 1e-4
CLASSES = 10


def ckpt_input_spec(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    model = json.loads(header["__metadata__"]["model"])
    return model["spec"]["input"]


def open_idx(folder, name):
    for sub in ("", "test"):
        for ext in ("", ".gz"):
            path = os.path.join(folder, sub, name + ext)
            if os.path.exists(path):
                return gzip.open(path, "rb") if ext else open(path, "rb")
    sys.exit(f"{folder}: no {name}[.gz] (flat or in test/)")


def test_images(folder, count):
    with open_idx(folder, "t10k-images-idx3-ubyte") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 0x803 or n < count:
            sys.exit(f"{folder}: t10k images: magic {magic:#x}, {n} images; need 0x803 and >= {count}")
        data = f.read(count * rows * cols)
    return np.frombuffer(data, dtype=np.uint8).reshape(count, rows, cols)


# trainctl's transform: bilinear pixel-centre resize (cv2 INTER_LINEAR on float32), then x/(255*std) - mean/std.
def transform(images, spec):
    size, mean, std = spec["size"], spec["mean"], spec["std"]
    out = np.empty((len(images), 1, size, size), dtype=np.float32)
    for i, img in enumerate(images):
        x = img.astype(np.float32)
        if x.shape != (size, size):
            x = cv2.resize(x, (size, size), interpolation=cv2.INTER_LINEAR)
        out[i, 0] = x / np.float32(255 * std) - np.float32(mean / std)
    return out


# A second opinion from the onnx package's own checker, when it is installed.
def onnx_checker(model_path, spec):
    try:
        import onnx
    except ImportError:
        print("note: python3-onnx not installed, skipped onnx.checker")
        return
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    props = {p.key: json.loads(p.value) for p in model.metadata_props}
    if props.get("trainctl.input") != spec:
        sys.exit(f"{model_path}: metadata trainctl.input is {props.get('trainctl.input')}, checkpoint says {spec}")
    names = ([i.name for i in model.graph.input], [o.name for o in model.graph.output])
    if names != (["input"], ["logits"]):
        sys.exit(f"{model_path}: graph inputs/outputs are {names}, expected (['input'], ['logits'])")


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    model_path, ckpt, folder, ref_path = sys.argv[1:5]
    count = int(sys.argv[5]) if len(sys.argv) == 6 else 100
    spec = ckpt_input_spec(ckpt)
    onnx_checker(model_path, spec)
    reference = np.fromfile(ref_path, dtype="<f4")
    if reference.size != count * CLASSES:
        sys.exit(f"{ref_path}: {reference.size} floats, expected {count}x{CLASSES}")
    reference = reference.reshape(count, CLASSES)

    net = cv2.dnn.readNetFromONNX(model_path)
    net.setInput(transform(test_images(folder, count), spec), "input")
    logits = net.forward("logits").reshape(count, CLASSES)

    diff = float(np.max(np.abs(logits - reference)))
    same_argmax = int(np.sum(logits.argmax(1) == reference.argmax(1)))
    print(f"{os.path.basename(model_path)}: {count} images, max abs logit diff {diff:.3g}, "
          f"argmax agrees on {same_argmax}/{count}")
    if diff >= TOLERANCE or same_argmax != count:
        print(f"MISMATCH: tolerance {TOLERANCE}, argmax must agree on all")
        sys.exit(1)


if __name__ == "__main__":
    main()
