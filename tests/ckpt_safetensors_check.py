#!/usr/bin/python3
"""Parses a trainctl .ckpt as a plain safetensors file (json + struct only) and lists its tensors.

Exits non-zero naming the first layout violation; proves the format is readable without trainctl.
Usage: ckpt_safetensors_check.py FILE.ckpt
"""
import json
import struct
import sys

DTYPE_SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
               "U32": 4, "I32": 4, "F32": 4, "U64": 8, "I64": 8, "F64": 8}
NUMPY_DTYPES = {"U8": "<u1", "I8": "<i1", "I32": "<i4", "I64": "<i8", "F32": "<f4", "F64": "<f8"}


class LayoutError(Exception):
    pass


def unique_object(pairs):
    # json.loads keeps the last of two equal keys; safetensors forbids duplicates.
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise LayoutError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def parse_header(blob):
    if len(blob) < 8:
        raise LayoutError(f"file is {len(blob)} bytes, need at least 8")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8:
        raise LayoutError(f"header length {n} exceeds the {len(blob) - 8} bytes after the prefix")
    if (8 + n) % 8:
        raise LayoutError(f"data section starts at {8 + n}, not 8-byte aligned")
    try:
        header = json.loads(blob[8:8 + n].decode("utf-8"), object_pairs_hook=unique_object)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise LayoutError(f"header is not UTF-8 JSON: {e}") from e
    if not isinstance(header, dict):
        raise LayoutError("header is not a JSON object")
    return header, 8 + n


def check_tensors(header, data_size):
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise LayoutError("__metadata__ values must all be strings")
    expected = 0
    for name, entry in header.items():  # header order is data order in trainctl files
        dtype, shape, (begin, end) = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in DTYPE_SIZES:
            raise LayoutError(f"tensor {name!r}: unknown dtype {dtype}")
        if not all(isinstance(d, int) and d >= 0 for d in shape):
            raise LayoutError(f"tensor {name!r}: bad shape {shape}")
        numel = 1
        for d in shape:
            numel *= d
        if numel * DTYPE_SIZES[dtype] != end - begin:
            raise LayoutError(f"tensor {name!r}: shape {shape} {dtype} disagrees with offsets [{begin},{end}]")
        if begin != expected:
            raise LayoutError(f"tensor {name!r}: begins at {begin}, expected {expected} (overlap or hole)")
        expected = end
    if expected != data_size:
        raise LayoutError(f"tensors cover {expected} bytes, data section is {data_size}")
    return metadata


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: ckpt_safetensors_check.py FILE.ckpt")
    path = sys.argv[1]
    with open(path, "rb") as f:
        blob = f.read()
    try:
        header, data_start = parse_header(blob)
        metadata = check_tensors(dict(header), len(blob) - data_start)
    except (LayoutError, KeyError, TypeError, ValueError) as e:
        sys.exit(f"{path}: {e}")
    try:
        import numpy as np
    except ImportError:
        np = None
    print(f"format {metadata.get('format', '?')}")
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        line = f"{name} {entry['dtype']} {entry['shape']}"
        begin, end = entry["data_offsets"]
        if np is not None and entry["dtype"] in NUMPY_DTYPES and end > begin:
            values = np.frombuffer(blob[data_start + begin:data_start + end], dtype=NUMPY_DTYPES[entry["dtype"]])
            line += f" first={values[0]}"
        print(line)


if __name__ == "__main__":
    main()
