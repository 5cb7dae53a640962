#!/usr/bin/env bash
# Bad flags of every subcommand (train's are in test_bad_config.sh): exit 2 and one line,
# "trainctl: error: <what> (see --help)" from the parser or naming the flag, nothing written.
# Parse errors come before any file is opened, so most cases need no real checkpoint.
source "$(dirname "$0")/lib.sh"

usage() { expect_rejected 2 "$@"; }
usage "trainctl needs a subcommand: train, resume, ckpt, eval, infer, export, plot or summary (see --help)" --
usage "unknown subcommand \"frobnicate\" for trainctl (see --help)" -- frobnicate
usage "unknown subcommand \"trian\" for trainctl (did you mean train?)" -- trian
usage "unknown flag --bogus for trainctl (see --help)" -- --bogus
# Names from MindSpore, Paddle and Lightning point at ours, where the subcommand has it.
usage "unknown flag --save-checkpoint-steps for trainctl train (did you mean --ckpt-steps?)" -- train --save-checkpoint-steps 10
usage "unknown flag --keep-checkpoint-max for trainctl train (did you mean --keep-max?)" -- train --keep-checkpoint-max=3
usage "unknown flag --dir for trainctl train (did you mean --out?)" -- train --dir runs
usage "unknown flag --learning-rate for trainctl resume (did you mean --lr?)" -- resume --from x.ckpt --learning-rate 0.1
usage "unknown flag --checkpoint for trainctl eval (did you mean --ckpt?)" -- eval --checkpoint x.ckpt
usage "unknown flag --resume-from for trainctl resume (did you mean --from?)" -- resume --resume-from x.ckpt
usage "unknown flag --resume-from for trainctl train (see --help)" -- train --resume-from x.ckpt

# resume
usage "--from is required" -- resume
usage "--from: nope.ckpt: no such checkpoint file or directory" -- resume --from nope.ckpt
usage "--from: 1 required TEXT missing" -- resume --from
usage "--more-epochs: Value 0 not in range 1 to 1000000" -- resume --from x.ckpt --more-epochs 0
usage "--from: x.ckpt: no such checkpoint file or directory" -- resume --from x.ckpt --lr 0
usage "unknown flag --skip-mismatch for trainctl resume (see --help)" -- resume --from x.ckpt --skip-mismatch
mkdir empty-dir
usage "--from empty-dir: no complete checkpoint in empty-dir/" -- resume --from empty-dir
usage "--from latest: no complete checkpoint in empty-dir/" -- resume --from latest --dir empty-dir

# eval
usage "--ckpt is required" -- eval
usage "--ckpt: 1 required TEXT missing" -- eval --ckpt
usage "--split: valid not in {test,train,val}" -- eval --ckpt x.ckpt --split valid
usage "--batch-size: Value 0 not in range 1 to 65536" -- eval --ckpt x.ckpt --batch-size 0
usage "--threads: Value -2 not in range 0 to 256" -- eval --ckpt x.ckpt --threads -2
usage "--min-acc: Value 1.5 not in range 0.000000 to 1.000000" -- eval --ckpt x.ckpt --min-acc 1.5
usage "--min-acc must be a number in [0, 1], got nan" -- eval --ckpt x.ckpt --min-acc nan
usage "unknown flag --bogus for trainctl eval (see --help)" -- eval --ckpt x.ckpt --bogus
usage "unknown flag --splt for trainctl eval (did you mean --split?)" -- eval --ckpt x.ckpt --splt test

# infer
usage "--count: Value 0 not in range 1 to 64" -- infer --ckpt x.ckpt --count 0
usage "Could not convert: --index = x" -- infer --ckpt x.ckpt --index x
usage "--input: 1 required TEXT missing" -- infer --ckpt x.ckpt --input
usage "--invert requires --input" -- infer --ckpt x.ckpt --invert
usage "--show excludes --json" -- infer --ckpt x.ckpt --show --json
usage "--input excludes --index" -- infer --ckpt x.ckpt --index 1 --input a.png

# export
usage "--format is required" -- export --ckpt x.ckpt
usage "--format: bogus not in {onnx,safetensors}" -- export --ckpt x.ckpt --format bogus
usage "--opset: Value 1 not in range 11 to" -- export --ckpt x.ckpt --format onnx --opset 1
usage '--batch must be "dynamic" or an integer in [1, ' -- export --ckpt x.ckpt --format onnx --batch -3
usage "--batch and --opset apply to --format onnx only, got --format safetensors" -- export --ckpt x.ckpt --format safetensors --opset 13
usage "--out x.ckpt is the checkpoint itself; choose another path" -- export --ckpt x.ckpt --format onnx --out x.ckpt
# export reads no MNIST: its test hook (--reference-logits, --data) moved to tests/tools/.
usage "unknown flag --data for trainctl export (see --help)" -- export --ckpt x.ckpt --format onnx --data somewhere

# ckpt
usage "trainctl ckpt needs a subcommand: ls, inspect, verify or diff (see --help)" -- ckpt
usage "unknown subcommand \"frobnicate\" for trainctl ckpt (see --help)" -- ckpt frobnicate
usage "unknown subcommand \"lss\" for trainctl ckpt (did you mean ls?)" -- ckpt lss
usage "file is required" -- ckpt inspect
usage "files is required" -- ckpt verify
usage "b is required" -- ckpt diff a.ckpt
usage "unknown flag --bogus for trainctl ckpt ls (see --help)" -- ckpt ls --bogus

finish
