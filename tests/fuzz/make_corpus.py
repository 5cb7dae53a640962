#!/usr/bin/python3
"""Writes the fuzz seed corpora (tests/fuzz/corpus/<target>/): small valid files plus
invalid ones that each stop at a different check. Rerun after a format change; commit the output."""
import gzip
import json
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def _crc32c_table() -> list:
    table = []
    for b in range(256):
        for _ in range(8):
            b = (b >> 1) ^ (0x82F63B78 if b & 1 else 0)
        table.append(b)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ CRC32C_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def write(target: str, name: str, data: bytes) -> None:
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- checkpoints (docs/ckpt-format.md) --------------------------------------------------------

DTYPE_SIZE = {"BOOL": 1, "U8": 1, "I8": 1, "U16": 2, "I16": 2, "F16": 2, "BF16": 2,
              "U32": 4, "I32": 4, "F32": 4, "U64": 8, "I64": 8, "F64": 8}


def ckpt_header(entries: dict, crcs: dict, meta: dict) -> bytes:
    """Compact header JSON, padded to 8 bytes, with its header CRC filled in."""
    meta = dict(meta, format=meta.get("format", "trainctl.ckpt/1"),
                crc32c=json.dumps(crcs, separators=(",", ":")), header_crc32c="00000000")
    text = json.dumps(dict({"__metadata__": meta}, **entries), separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    at = text.index(b'"header_crc32c":"') + len(b'"header_crc32c":"')
    return text[:at] + b"%08x" % crc32c(text) + text[at + 8:]


def ckpt(tensors: list, meta: dict = None) -> bytes:
    """tensors: (name, dtype, shape, bytes); laid out back to back like the writer does."""
    entries, crcs, data = {}, {}, b""
    for name, dtype, shape, raw in tensors:
        entries[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        crcs[name] = "%08x" % crc32c(raw)
        data += raw
    header = ckpt_header(entries, crcs, meta or {})
    return struct.pack("<Q", len(header)) + header + data


def f32(*values) -> bytes:
    return struct.pack("<%df" % len(values), *values)


def ckpt_corpus() -> None:
    two = [("a", "F32", [2], f32(1, 2)), ("b", "F32", [1], f32(3))]
    write("ckpt", "valid_two_f32", ckpt(two, {"epoch": "3"}))
    write("ckpt", "valid_no_tensors", ckpt([]))
    write("ckpt", "valid_every_dtype", ckpt(
        [(d, d, [2], bytes(range(2 * s))) for d, s in DTYPE_SIZE.items()] +
        [("scalar", "F32", [], f32(7)), ("empty", "F32", [0, 3], b""), ("rank5", "U8", [1, 1, 1, 1, 2], b"\1\2")]))
    config = json.load(open(os.path.join(ROOT, "configs", "mlp-mnist.json")))
    state = {"epoch": 1, "step_in_epoch": 0, "global_step": 3, "steps_per_epoch": 3, "seed": 1,
             "elapsed_s": 0.5, "lr": 0.01, "last_loss": 2.3,
             "metrics": {"epoch": 1, "acc": 0.9, "loss": 0.3}, "optimizer": {"type": "momentum", "step_count": 3}}
    # The model description's spec: the config keys that shape the net (cmd/run/checkpoint_io.cpp).
    spec = {k: config[k] for k in ("net", "fc_relu", "conv2_relu", "conv_padding", "conv_bias", "hidden", "input") if k in config}
    write("ckpt", "valid_training_metadata", ckpt(
        [("fc1.weight", "F32", [3, 4], f32(*range(12))), ("fc1.bias", "F32", [3], f32(0, 1, 2)),
         ("optimizer.momentum.fc1.weight", "F32", [3, 4], f32(*[0.5] * 12))],
        {"trainctl_version": "0.1.0", "run_prefix": "mlp", "config": json.dumps(config),
         "model": json.dumps({"format": "trainctl.graph/1", "spec": spec}), "train_state": json.dumps(state)}))

    good = ckpt(two)
    write("ckpt", "bad_header_crc", good.replace(b'"dtype":"F32"', b'"dtype":"F64"', 1))
    write("ckpt", "bad_tensor_crc", good[:-1] + b"\x00")
    write("ckpt", "truncated", good[:-3])
    write("ckpt", "huge_header_length", struct.pack("<Q", 1 << 62) + good[8:])
    write("ckpt", "short", b"\x10\x00\x00")
    write("ckpt", "zeros", bytes(64))

    def with_entries(entries: dict, data: bytes, crcs: dict = None) -> bytes:
        header = ckpt_header(entries, crcs if crcs is not None else {n: "00000000" for n in entries}, {})
        return struct.pack("<Q", len(header)) + header + data

    write("ckpt", "shape_overflow", with_entries(
        {"a": {"dtype": "F64", "shape": [1 << 32, 1 << 32, 16], "data_offsets": [0, 8]}}, bytes(8)))
    write("ckpt", "huge_offsets", with_entries(
        {"a": {"dtype": "U8", "shape": [(1 << 64) - 1], "data_offsets": [0, (1 << 64) - 1]}}, bytes(8)))
    write("ckpt", "overlapping", with_entries(
        {"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]},
         "b": {"dtype": "U8", "shape": [4], "data_offsets": [2, 6]}}, bytes(6)))
    write("ckpt", "missing_crc", with_entries({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}},
                                              b"\0", crcs={}))
    deep = json.loads("[" * 300 + "]" * 300)
    write("ckpt", "deep_nesting", with_entries({"a": {"dtype": deep, "shape": [1], "data_offsets": [0, 1]}}, b"\0"))


# --- IDX files (MNIST format) -----------------------------------------------------------------

def idx(magic: int, dims: list, payload: bytes) -> bytes:
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + payload


def idx_corpus() -> None:
    images = idx(0x803, [3, 4, 5], bytes(range(60)))
    labels = idx(0x801, [3], bytes([7, 2, 1]))
    write("idx", "images_3x4x5", images)
    write("idx", "labels_3", labels)
    write("idx", "images_3x4x5.gz", gzip.compress(images, mtime=0))
    write("idx", "labels_3.gz", gzip.compress(labels, mtime=0))
    write("idx", "images_truncated", images[:-7])
    write("idx", "images_trailing", images + b"\0")
    write("idx", "images_huge_count", idx(0x803, [0xFFFFFFFF, 28, 28], bytes(16)))
    write("idx", "images_huge_side", idx(0x803, [1, 0xFFFFFFFF, 0xFFFFFFFF], bytes(16)))
    write("idx", "images_zero_dim", idx(0x803, [0, 4, 5], b""))
    write("idx", "labels_bad_magic", idx(0x802, [3], bytes(3)))
    write("idx", "header_truncated", images[:9])
    write("idx", "gzip_truncated", gzip.compress(images, mtime=0)[:-6])
    write("idx", "gzip_huge_count", gzip.compress(idx(0x801, [0xFFFFFFFF], bytes(64)), mtime=0))
    write("idx", "gzip_trailing", gzip.compress(labels + b"\0", mtime=0))


# --- configs (core/config*.cpp) ---------------------------------------------------------------

def config_corpus() -> None:
    for name in sorted(os.listdir(os.path.join(ROOT, "configs"))):
        shutil.copy(os.path.join(ROOT, "configs", name), os.path.join(CORPUS, "config", name))
    every_key = {
        "net": "mlp", "fc_relu": True, "conv2_relu": False, "conv_padding": 2, "conv_bias": True, "hidden": [64, 32],
        "init": "normal", "init_sigma": 0.02, "input": {"size": 28, "mean": 0.5, "std": 0.25},
        "optimizer": "adam", "lr": 0.001, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-4,
        "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "lr_schedule": "step", "lr_step_epochs": 2,
        "lr_gamma": 0.5, "lr_min": 0, "epochs": 3, "batch_size": 64, "drop_remainder": False,
        "seed": 18446744073709551615, "threads": 2, "data": "", "out": "out", "prefix": "run-1.a",
        "log_every": 100, "train_limit": 1000, "eval": False, "ckpt_steps": 500, "ckpt_seconds": 30,
        "keep_max": 0, "keep_per_minutes": 2.5, "keep_best": 3, "monitor": "loss", "async_save": True}
    write("config", "every_key.json", json.dumps(every_key, indent=1).encode())
    write("config", "empty_object.json", b"{}")
    write("config", "unknown_key.json", b'{"learning_rate": 0.1}')
    write("config", "wrong_types.json", b'{"lr": "fast", "epochs": -1, "hidden": [], "seed": 1.5}')
    write("config", "input_not_object.json", b'{"input": [32, 0.1, 0.3]}')
    write("config", "input_unknown_key.json", b'{"input": {"sise": 32}}')
    write("config", "extreme_numbers.json", b'{"lr": 1e-50, "momentum": 0.99999999999, "ckpt_seconds": 1e308}')
    write("config", "not_json.json", b'{"lr": 0.1,')
    write("config", "deep_nesting.json", b'{"lr": ' + b"[" * 300 + b"]" * 300 + b"}")


# --- checkpoint file names (ckpt_format/ckpt_names.cpp) -----------------------------------------

def names_corpus() -> None:
    for name in ["lenet-2_1875.ckpt", "lenet-2_1875_breakpoint.ckpt", "lenet-best-2_1875.ckpt",
                 "lenet-adam-best-1_40.ckpt", "my_net_1-3_7.ckpt", "a-1_2-3_4.ckpt", "x.best-1_1.ckpt",
                 "lenet-best-1_2_breakpoint.ckpt", "lenet-01_2.ckpt", "lenet-999999999999999999_1.ckpt",
                 "lenet-graph.meta", "-best-1_2.ckpt"]:
        write("names", name, name.encode())


def main() -> int:
    shutil.rmtree(CORPUS, ignore_errors=True)
    os.makedirs(os.path.join(CORPUS, "config"))
    ckpt_corpus()
    idx_corpus()
    config_corpus()
    names_corpus()
    return 0


if __name__ == "__main__":
    sys.exit(main())
