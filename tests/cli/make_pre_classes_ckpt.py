#!/usr/bin/python3
"""Rewrite a checkpoint as trainctl wrote it before class counts and names were stored: its config
without "num_classes", "dataset" and "skip_bad_images", its model description without
spec.num_classes and class_names, the header CRC recomputed (make_bad_ckpt.build).

    make_pre_classes_ckpt.py IN OUT
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bad_ckpt  # noqa: E402  (the header rewriter with its CRC32C)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    blob = open(sys.argv[1], "rb").read()
    _, data = make_bad_ckpt.split(blob)
    entries = make_bad_ckpt.pairs(blob)
    meta = []
    for key, value in dict(entries)["__metadata__"]:
        if key == "config":
            config = json.loads(value)
            for k in ("num_classes", "dataset", "skip_bad_images"):
                config.pop(k, None)
            value = json.dumps(config, separators=(",", ":"))
        elif key == "model":
            model = json.loads(value)
            model["spec"].pop("num_classes", None)
            model.pop("class_names", None)
            value = json.dumps(model, separators=(",", ":"))
        meta.append((key, value))
    with open(sys.argv[2], "wb") as f:
        f.write(make_bad_ckpt.build([(k, meta if k == "__metadata__" else v) for k, v in entries], data))


if __name__ == "__main__":
    main()
