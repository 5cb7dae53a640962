#!/usr/bin/python3
"""The OpenCV peer of bench_train's inference cases: runs trainctl's LeNet5, exported to ONNX
(trainctl export --format onnx), with OpenCV's dnn module over the 10k MNIST test images at batch
256 and 1000, the images already resized to 32x32 and normalized in memory (as the PyTorch peer does).
Prints one JSON object per line with bench_train's names (infer_lenet5_b256, infer_lenet5_b1000).
One untimed pass per batch size runs before the timed ones (OpenCV sets its layers up on the first).
Run with Debian's python3-opencv: /usr/bin/python3 opencv_infer.py --onnx FILE [--data DIR] [--threads 2]
[--runs 3]; bench/compare.sh exports the net and runs it."""
import argparse
import json
import os
import statistics
import sys
import time

try:
    import cv2
    import numpy as np
    from mnist_idx import read_idx  # bench/peers/, next to this script
except ImportError as e:
    sys.exit(f"opencv_infer.py: {e.name} missing (Debian python3-opencv, python3-numpy): run scripts/setup.sh --bench")

MEAN, STD = 0.1307, 0.3081  # configs/lenet5-mnist.json's input normalization


# Timed passes per --runs, as bench_train's kInferPassesPerRun (a pass is ~0.1 s).
INFER_PASSES_PER_RUN = 3

def load_test(folder):
    """The test images as a [N,1,32,32] float32 array and their labels; random ones without MNIST."""
    images = read_idx(folder, "t10k-images-idx3-ubyte") if folder else None
    labels = read_idx(folder, "t10k-labels-idx1-ubyte") if folder else None
    source = "mnist"
    if images is None or labels is None:
        rng = np.random.default_rng(1)
        images = rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, 10000, dtype=np.uint8)
        source = "random"
    x = np.stack([cv2.resize(im.astype(np.float32), (32, 32), interpolation=cv2.INTER_LINEAR) for im in images])
    x = (x / 255.0 - MEAN) / STD
    return np.ascontiguousarray(x[:, None, :, :], dtype=np.float32), labels, source


def main():
    ap = argparse.ArgumentParser(description="OpenCV dnn inference peer of bench_train")
    ap.add_argument("--onnx", required=True, help="LeNet5 exported by trainctl export --format onnx")
    ap.add_argument("--data", default=os.environ.get("TRAINCTL_MNIST", ""), help="MNIST folder")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    if args.threads < 1 or args.runs < 1:
        ap.error("--threads and --runs must be >= 1")
    cv2.setNumThreads(args.threads)
    net = cv2.dnn.readNetFromONNX(args.onnx)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    x, labels, source = load_test(args.data)

    for batch in (256, 1000):
        for i in range(0, x.shape[0], batch):  # untimed pass: layer setup and buffers, as bench_train's
            net.setInput(x[i:i + batch])
            net.forward()
        seconds = []
        for _ in range(INFER_PASSES_PER_RUN * args.runs):
            predictions = []
            t0 = time.perf_counter()
            for i in range(0, x.shape[0], batch):
                net.setInput(x[i:i + batch])
                predictions.append(net.forward().argmax(axis=1))
            seconds.append(time.perf_counter() - t0)
        s = statistics.median(seconds)
        acc = float((np.concatenate(predictions) == labels).mean())
        print(json.dumps({"bench": f"infer_lenet5_b{batch}", "images_per_s": x.shape[0] / s, "median_s": s,
                          "runs": INFER_PASSES_PER_RUN * args.runs, "threads": args.threads, "acc": round(acc, 4), "data": source,
                          "opencv": cv2.__version__, "peer": "opencv"}), flush=True)


if __name__ == "__main__":
    main()
