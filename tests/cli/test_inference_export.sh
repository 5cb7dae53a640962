#!/usr/bin/env bash
# The safetensors export "for inference" (Paddle's save(training=False)): the weights and the net
# description, no optimizer or training state; trainctl's own eval and infer take it and score
# exactly as on the checkpoint it came from. A file without the description fails in one line.
source "$(dirname "$0")/lib.sh"
CHECK_ST="$TRAINCTL_SRC/tests/ckpt_safetensors_check.py"

small_mnist data
"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-adam.json" --data data --epochs 1 --batch-size 20 \
  --threads 1 --out ck > /dev/null 2> train.err || { fail "train: $(cat train.err)"; finish; exit; }
CK=ck/lenet-adam-1_3.ckpt
"$TRAINCTL" export --ckpt "$CK" --format safetensors --out net.safetensors > /dev/null 2> export.err \
  || { fail "export: $(cat export.err)"; finish; exit; }

# A plain safetensors file: weights only, and in __metadata__ the net description alone.
"$PY" "$CHECK_ST" net.safetensors > st.txt 2>&1 && ! grep -q optimizer st.txt && pass \
  || fail "net.safetensors: $(cat st.txt)"
"$PY" - net.safetensors <<'PYEOF' && pass || fail "net.safetensors metadata is not the net description alone"
import json, struct, sys
blob = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", blob[:8])
meta = json.loads(blob[8:8 + n])["__metadata__"]
assert "config" not in meta and "train_state" not in meta and "run_prefix" not in meta, sorted(meta)
spec = json.loads(meta["model"])["spec"]
assert spec["net"] == "lenet5" and spec["fc_relu"] is True and spec["conv_padding"] == 2, spec
assert spec["input"] == {"size": 28, "mean": 0.1307, "std": 0.3081}, spec["input"]
assert not {"optimizer", "lr", "epochs", "seed"} & set(spec), sorted(spec)
PYEOF

# eval: the same numbers as on the checkpoint (batch size given: the export has no run's default).
for f in "$CK" net.safetensors; do
  "$TRAINCTL" eval --ckpt "$f" --data data --batch-size 20 --json > "$(basename "$f").eval" 2> eval.err \
    || fail "eval --ckpt $f: $(cat eval.err)"
done
"$PY" - "$(basename "$CK").eval" net.safetensors.eval <<'PYEOF' && pass || fail "eval of the export differs from the checkpoint's"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("acc", "loss", "confusion", "classes", "macro", "count"):
    assert a[k] == b[k], (k, a[k], b[k])
assert b["train_metrics"] is None
PYEOF
"$TRAINCTL" eval --ckpt net.safetensors --data data | head -1 | grep -q "^net.safetensors (lenet5, inference export) on 20 test images" \
  && pass || fail "eval's first line for an export: $("$TRAINCTL" eval --ckpt net.safetensors --data data 2>&1 | head -1)"

# infer: the same predictions and probabilities, and the same PNG grid.
"$TRAINCTL" infer --ckpt "$CK" --data data --index 0,1,2,3,4,5 --json > ckpt.infer 2>&1 || fail "infer on the checkpoint"
"$TRAINCTL" infer --ckpt net.safetensors --data data --index 0,1,2,3,4,5 --json > st.infer 2>&1 || fail "infer on the export"
[ -s ckpt.infer ] && cmp -s ckpt.infer st.infer && pass || fail "infer differs: $(diff ckpt.infer st.infer | head -4)"

# Files without the description: one line each, exit 1, nothing written.
"$PY" "$TRAINCTL_SRC/tests/cli/make_bad_ckpt.py" net.safetensors "$SCRATCH" no-model no-metadata || fail "make_bad_ckpt.py"
mv "$SCRATCH/no-model.ckpt" stripped.safetensors && mv "$SCRATCH/no-metadata.ckpt" plain.safetensors
expect_rejected 1 'stripped.safetensors: metadata key "model" (the net description) missing: expected a trainctl checkpoint or a safetensors file from trainctl export' \
  -- eval --ckpt stripped.safetensors --data data
expect_rejected 1 'stripped.safetensors: metadata key "model" (the net description) missing' \
  -- infer --ckpt stripped.safetensors --data data --index 0
expect_rejected 1 'plain.safetensors: not a trainctl checkpoint' -- eval --ckpt plain.safetensors --data data
# An export is no training checkpoint: resume refuses it by name.
expect_rejected 1 'net.safetensors: metadata key "config" missing' -- resume --from net.safetensors --dir ck
finish
