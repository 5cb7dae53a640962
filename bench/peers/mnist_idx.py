"""Reading MNIST's IDX files (raw or .gz, flat or in train/ and test/) for the benchmark peers."""
import gzip
import os

import numpy as np


def read_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        for sub in ("", "train", "test"):
            path = os.path.join(folder, sub, name)
            if os.path.exists(path):
                opener = gzip.open if name.endswith(".gz") else open
                with opener(path, "rb") as f:
                    raw = f.read()
                ndim = raw[3]
                dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
                return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    return None
