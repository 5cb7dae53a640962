#!/usr/bin/python3
"""Make run SRC's files in DIR into run DST's, as trainctl wrote them before a prefix ending in
"-best" was refused (run lenet-best's step files lenet-best-E_S.ckpt bear run lenet's best names).

    make_legacy_run.py DIR SRC DST

Each SRC checkpoint is renamed, with its metadata "run_prefix" and config "prefix" set to DST
and the header CRC recomputed (make_bad_ckpt.build); SRC-graph.meta and SRC-latest follow.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_bad_ckpt  # noqa: E402  (the header rewriter with its CRC32C)


def retag(blob, prefix):
    header, data = make_bad_ckpt.split(blob)
    entries = make_bad_ckpt.pairs(blob)
    meta = dict(entries)["__metadata__"]
    out = []
    for key, value in meta:
        if key == "run_prefix":
            value = prefix
        elif key == "config":
            config = json.loads(value)
            config["prefix"] = prefix
            value = json.dumps(config, separators=(",", ":"))
        out.append((key, value))
    return make_bad_ckpt.build([(k, out if k == "__metadata__" else v) for k, v in entries], data)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    folder, src, dst = sys.argv[1:]
    name = re.compile(re.escape(src) + r"-((?:best-)?\d+_\d+(?:_breakpoint)?\.ckpt)$")
    renamed = {}
    for file in sorted(os.listdir(folder)):
        m = name.match(file)
        if not m:
            continue
        with open(os.path.join(folder, file), "rb") as f:
            blob = retag(f.read(), dst)
        renamed[file] = f"{dst}-{m.group(1)}"
        with open(os.path.join(folder, renamed[file]), "wb") as f:
            f.write(blob)
        os.remove(os.path.join(folder, file))
    os.rename(os.path.join(folder, f"{src}-graph.meta"), os.path.join(folder, f"{dst}-graph.meta"))
    latest = os.path.join(folder, f"{src}-latest")
    os.symlink(renamed[os.readlink(latest)], os.path.join(folder, f"{dst}-latest"))
    os.remove(latest)


if __name__ == "__main__":
    main()
