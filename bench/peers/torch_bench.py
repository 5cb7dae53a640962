#!/usr/bin/python3
"""The PyTorch peer of bench_train: the same nets, batch sizes, step counts and optimizers,
with the data already transformed in memory. Prints one JSON object per line, same bench names.
Run with Debian's python3-torch: /usr/bin/python3 torch_bench.py --threads 2; bench/compare.sh runs it
under two environments (OPENBLAS_NUM_THREADS=1, OMP_WAIT_POLICY=passive) and keeps the faster per case,
both with glibc's malloc keeping freed memory (GLIBC_TUNABLES: see compare.sh)."""
import argparse
import json
import os
import resource
import statistics
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from mnist_idx import read_idx  # bench/peers/, next to this script
except ImportError as e:
    sys.exit(f"torch_bench.py: {e.name} missing (Debian python3-torch, python3-numpy): run scripts/setup.sh --bench")


# Timed inference passes per --runs, as bench_train's kInferPassesPerRun (a pass is ~0.1 s).
INFER_PASSES_PER_RUN = 3

def load(folder, split, size):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(folder, prefix + "-images-idx3-ubyte") if folder else None
    labels = read_idx(folder, prefix + "-labels-idx1-ubyte") if folder else None
    if images is None or labels is None:
        count = 60000 if split == "train" else 10000
        rng = np.random.default_rng(1)
        images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, count, dtype=np.uint8)
    x = torch.from_numpy(images.astype(np.float32)).unsqueeze(1)
    if size != 28:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    x = x / (255 * 0.3081) - 0.1307 / 0.3081
    return x.contiguous(), torch.from_numpy(labels.astype(np.int64))


class LeNet5(nn.Module):
    """The MindSpore tutorial LeNet5: valid convs without bias, no ReLU between the fc layers."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, bias=False)
        self.conv2 = nn.Conv2d(6, 16, 5, bias=False)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(self.fc2(self.fc1(x)))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


def time_training(make_net, momentum, x, y, batch, steps, runs):
    seconds = []
    for _ in range(runs):
        torch.manual_seed(1)
        net = make_net()
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=momentum)
        order = torch.randperm(x.shape[0])
        t0 = time.perf_counter()
        for step in range(steps):
            idx = order[step * batch:(step + 1) * batch]
            opt.zero_grad()
            loss = F.cross_entropy(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.environ.get("TRAINCTL_MNIST", ""))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--steps-percent", type=int, default=100, choices=range(1, 101), metavar="1..100",
                    help="training steps per case, %% of the full count (a quick check, not a measurement)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    x32, y = load(args.data, "train", 32)
    x28, _ = load(args.data, "train", 28)
    cases = [("lenet5", LeNet5, 0.9, x32, 32, 1875), ("lenet5", LeNet5, 0.9, x32, 256, 234),
             ("mlp", mlp, 0.0, x28, 64, 937), ("mlp", mlp, 0.0, x28, 256, 234)]
    for name, make_net, momentum, x, batch, steps in cases:
        steps = max(1, steps * args.steps_percent // 100)
        s = time_training(make_net, momentum, x, y, batch, steps, args.runs)
        print(json.dumps({"bench": f"train_{name}_b{batch}", "samples_per_s": steps * batch / s, "median_s": s,
                          "steps": steps, "runs": args.runs, "threads": args.threads, "peer": "torch"}), flush=True)
        if name == "lenet5" and batch == 32:
            print(json.dumps({"bench": "lenet5_mnist_epoch", "median_s": s, "steps": steps, "runs": args.runs,
                              "peer": "torch"}), flush=True)

    xt, _ = load(args.data, "test", 32)
    net = LeNet5().eval()
    for batch in (256, 1000):
        seconds = []
        with torch.no_grad():
            for i in range(0, xt.shape[0], batch):  # untimed pass, as bench_train's
                net(xt[i:i + batch])
            for _ in range(INFER_PASSES_PER_RUN * args.runs):
                t0 = time.perf_counter()
                for i in range(0, xt.shape[0], batch):
                    net(xt[i:i + batch])
                seconds.append(time.perf_counter() - t0)
        s = statistics.median(seconds)
        print(json.dumps({"bench": f"infer_lenet5_b{batch}", "images_per_s": xt.shape[0] / s, "median_s": s,
                          "runs": INFER_PASSES_PER_RUN * args.runs, "peer": "torch"}), flush=True)
    print(json.dumps({"bench": "peak_rss", "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "peer": "torch"}), flush=True)


if __name__ == "__main__":
    main()
