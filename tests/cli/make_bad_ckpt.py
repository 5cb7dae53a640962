#!/usr/bin/python3
"""Damage a valid trainctl checkpoint in one named way, for the bad-input tests.

    make_bad_ckpt.py SRC OUTDIR VARIANT...     (writes OUTDIR/VARIANT.ckpt for each)

Variants that must get past the header CRC (duplicate names, overlapping offsets, a wrong
dtype or shape) rewrite the header and recompute its CRC32C the way docs/ckpt-format.md
("Integrity") describes; the others damage raw bytes.
"""
import json
import os
import struct
import sys


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
        table.append(c)
    return table


_CRC_TABLE = _crc_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def split(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    return blob[8:8 + n], blob[8 + n:]


def pairs(blob):
    """The header as a list of (key, value) pairs: keeps order (and duplicates we add)."""
    header, _ = split(blob)
    return json.loads(header.decode().rstrip(" "), object_pairs_hook=lambda p: p)


def build(entries, data, swap=None):
    """Serializes header pairs compactly, pads to 8 bytes, and writes the header CRC in place.
    swap = (placeholder, raw bytes): replaces the placeholder string's JSON with raw bytes."""
    def dump(v):
        if isinstance(v, list) and v and all(isinstance(p, tuple) for p in v):
            return "{" + ",".join(json.dumps(k) + ":" + dump(x) for k, x in v) + "}"
        if isinstance(v, list):
            return "[" + ",".join(dump(x) for x in v) + "]"
        return json.dumps(v)

    def set_meta(entries, key, value):
        meta = dict(entries)["__metadata__"]
        meta[[k for k, _ in meta].index(key)] = (key, value)

    set_meta(entries, "header_crc32c", "00000000")
    text = dump(entries).encode()
    if swap:
        text = text.replace(json.dumps(swap[0]).encode(), swap[1])
    text += b" " * (-len(text) % 8)
    marker = b'"header_crc32c":"'
    at = text.index(marker) + len(marker)
    text = text[:at] + b"%08x" % crc32c(text) + text[at + 8:]
    return struct.pack("<Q", len(text)) + text + data


def tensor(entries, name):
    return dict(dict(entries)[name])


def with_tensor(entries, name, **changes):
    out = []
    for k, v in entries:
        if k == name:
            v = [(f, changes.get(f, x)) for f, x in v]
        out.append((k, v))
    return out


def flip(blob, at, bit=0):
    b = bytearray(blob)
    b[at] ^= 1 << bit
    return bytes(b)


def variant(blob, name):
    header, data = split(blob)
    entries = pairs(blob)
    tensors = [k for k, _ in entries if k != "__metadata__"]
    first, second = tensors[0], tensors[1]
    if name == "empty":
        return b""
    if name == "seven-bytes":
        return blob[:7]
    if name == "header-len-2^63":
        return struct.pack("<Q", 1 << 63) + blob[8:]
    if name == "header-len-past-eof":
        return struct.pack("<Q", len(blob)) + blob[8:]
    if name == "header-len-odd":  # fits in the file, but data would start unaligned
        return struct.pack("<Q", len(header) - 3) + blob[8:]
    if name == "header-not-json":
        return blob[:8] + b"#" + blob[9:]
    if name == "invalid-utf8":  # the config's "pytorch" becomes "p\xfftorch": 0xff is never UTF-8
        at = blob.index(b"pytorch") + 1
        return blob[:at] + b"\xff" + blob[at + 1:]
    if name == "header-bit-flip":  # the config's "lenet5" becomes "lenet4": valid JSON, wrong CRC
        at = blob.index(b"lenet5")
        return flip(blob, at + 5)
    if name == "data-bit-flip":  # the last tensor's last byte
        return flip(blob, len(blob) - 1, 3)
    if name == "truncated-data":
        return blob[:-100]
    if name == "trailing-bytes":
        return blob + b"\0" * 8
    if name == "duplicate-name":  # the second tensor entry repeated under the first's name
        out = []
        for k, v in entries:
            out.append((first if k == second else k, v))
        return build(out, data)
    if name == "overlapping-offsets":  # the second tensor starts 4 bytes inside the first
        b, e = tensor(entries, second)["data_offsets"]
        return build(with_tensor(entries, second, data_offsets=[b - 4, e - 4]), data)
    if name == "wrong-dtype":  # F32 -> I32: same size, so only a net loading it notices
        return build(with_tensor(entries, first, dtype="I32"), data)
    if name == "unknown-dtype":
        return build(with_tensor(entries, first, dtype="F33"), data)
    if name == "dtype-size-mismatch":  # F64 needs twice the bytes the offsets span
        return build(with_tensor(entries, first, dtype="F64"), data)
    if name == "shape-mismatch":  # same element count, transposed: the net needs the other
        shape = tensor(entries, first)["shape"]
        return build(with_tensor(entries, first, shape=[shape[1], shape[0]] + shape[2:]), data)
    if name == "no-metadata":  # a plain safetensors file
        text = json.dumps({k: dict(v) for k, v in entries if k != "__metadata__"},
                          separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        return struct.pack("<Q", len(text)) + text + data
    if name == "deep-metadata":  # the stored model description nested 100000 levels deep
        deep = '{"format":"trainctl.graph/1","spec":{"net":' + "[" * 100000 + "]" * 100000 + "}}"
        meta = [(k, deep if k == "model" else v) for k, v in dict(entries)["__metadata__"]]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name == "model-huge":  # a model description asking for an MLP of 480 GiB
        meta = dict(entries)["__metadata__"]
        model = json.loads(dict(meta)["model"])
        model["spec"].update(net="mlp", hidden=[65536] * 16)
        meta = [(k, json.dumps(model) if k == "model" else v) for k, v in meta]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name.startswith("state-"):  # one training-state field of the wrong type or range
        meta = dict(entries)["__metadata__"]
        state = json.loads(dict(meta)["train_state"])
        if name == "state-epoch-negative":
            state["epoch"] = -1
        elif name == "state-lr-huge":
            state["lr"] = 1e300
        elif name == "state-acc-string":
            state["metrics"] = {"epoch": 1, "acc": "x", "loss": 0.5}
        elif name == "state-global-step-negative":  # would wrap to the highest step of all
            state["global_step"] = -1
        elif name == "state-optimizer-steps-string":
            state["optimizer"]["step_count"] = "x"
        else:
            raise SystemExit(f"make_bad_ckpt.py: unknown variant {name!r}")
        meta = [(k, json.dumps(state) if k == "train_state" else v) for k, v in meta]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name == "no-model":  # a sound file without the net description (a stripped export)
        meta = [(k, v) for k, v in dict(entries)["__metadata__"] if k != "model"]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name in ("bad-run-prefix", "no-run-prefix"):  # a run prefix that names another directory, or none
        meta = [(k, "../escape\nx" if k == "run_prefix" else v) for k, v in dict(entries)["__metadata__"]]
        if name == "no-run-prefix":
            meta = [(k, v) for k, v in meta if k != "run_prefix"]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name == "model-deep":  # a model description asking for an MLP of 20000 one-unit layers
        meta = dict(entries)["__metadata__"]
        model = json.loads(dict(meta)["model"])
        model["spec"].update(net="mlp", hidden=[1] * 20000)
        meta = [(k, json.dumps(model) if k == "model" else v) for k, v in meta]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name == "many-tensors":  # 100000 more tensors of 0 bytes at the end, CRCs intact
        extra = ["zero.%06d" % i for i in range(100000)]
        meta = dict(entries)["__metadata__"]
        crcs = json.loads(dict(meta)["crc32c"])
        crcs.update((n, "00000000") for n in extra)
        meta = [(k, json.dumps(crcs, separators=(",", ":")) if k == "crc32c" else v) for k, v in meta]
        entry = [("dtype", "F32"), ("shape", [0]), ("data_offsets", [len(data), len(data)])]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries] + [(n, entry) for n in extra], data)
    if name in ("nan-weight", "inf-weight"):  # a diverged value in a sound file: CRCs recomputed
        target, index, value = (first, 17, float("nan")) if name == "nan-weight" else (second, 3, float("inf"))
        begin, end = tensor(entries, target)["data_offsets"]
        values = bytearray(data[begin:end])
        struct.pack_into("<f", values, 4 * index, value)
        data = data[:begin] + bytes(values) + data[end:]
        meta = dict(entries)["__metadata__"]
        crcs = json.loads(dict(meta)["crc32c"])
        crcs[target] = "%08x" % crc32c(values)
        meta = [(k, json.dumps(crcs, separators=(",", ":")) if k == "crc32c" else v) for k, v in meta]
        return build([(k, meta if k == "__metadata__" else v) for k, v in entries], data)
    if name == "deep-header":  # a tensor's dtype nested 100000 levels deep
        deep = b"[" * 100000 + b"]" * 100000
        return build(with_tensor(entries, first, dtype="DEEP"), data, swap=("DEEP", deep))
    raise SystemExit(f"make_bad_ckpt.py: unknown variant {name!r}")


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    src, outdir = sys.argv[1:3]
    with open(src, "rb") as f:
        blob = f.read()
    for name in sys.argv[3:]:
        with open(os.path.join(outdir, name + ".ckpt"), "wb") as f:
            f.write(variant(blob, name))


if __name__ == "__main__":
    main()
