#!/usr/bin/env bash
# The Paddle tutorial's LeNet (seed 003): ReLU after conv1, none after conv2, ReLUs after fc1 and
# fc2; configs/lenet5-paddle.json holds the tutorial's settings. The net is stored in the
# checkpoint, so eval, infer, export (ONNX too) and resume rebuild it without the config.
source "$(dirname "$0")/lib.sh"
CFG=$TRAINCTL_SRC/configs/lenet5-paddle.json

# The tutorial's settings, resolved: Adam 0.001 constant, batch 64, ToTensor ([0,1]: mean 0,
# std 1), drop_last false, 3 epochs, 28x28 input, conv1 padding 2, conv bias.
"$TRAINCTL" train --config "$CFG" --print-config > resolved.json 2> resolved.err \
  || fail "train --config lenet5-paddle.json --print-config: $(cat resolved.err)"
"$PY" - resolved.json <<'PYEOF' && pass || fail "configs/lenet5-paddle.json is not the tutorial's run: $(cat resolved.json)"
import json, sys
c = json.load(open(sys.argv[1]))
want = {"net": "lenet5", "conv2_relu": False, "fc_relu": True, "conv_padding": 2, "conv_bias": True,
        "optimizer": "adam", "lr": 0.001, "lr_schedule": "constant", "batch_size": 64,
        "drop_remainder": False, "epochs": 3, "input": {"size": 28, "mean": 0.0, "std": 1.0}}
bad = {k: (c.get(k), v) for k, v in want.items() if c.get(k) != v}
assert not bad, bad
PYEOF
"$TRAINCTL" train --print-config | grep -q '"conv2_relu": true' && pass || fail "conv2_relu does not default to true"

# Trained on 60 tiny images: batch 64 with drop_last false is one step of 60 per epoch.
small_mnist data
"$TRAINCTL" train --config "$CFG" --data data --epochs 2 --threads 1 --out ck > train.log 2> train.err \
  || { fail "train: $(cat train.err)"; finish; exit; }
grep -q "^epoch: 2 step: 1, loss is" train.log && pass || fail "expected one step per epoch: $(cat train.log)"
CK=ck/lenet-paddle-2_1.ckpt

# The stored graph: relu1 after conv1, pool2 right after conv2, relu3/relu4 after fc1/fc2.
layers() { "$PY" - "$1" <<'PYEOF'
import json, struct, sys
blob = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", blob[:8])
model = json.loads(json.loads(blob[8:8 + n])["__metadata__"]["model"])
print(" ".join(layer["name"] for layer in model["graph"]["layers"]))
PYEOF
}
want="conv1 relu1 pool1 conv2 pool2 flatten fc1 relu3 fc2 relu4 fc3"
got=$(layers "$CK")
[ "$got" = "$want" ] && pass || fail "stored graph: '$got', expected '$want'"
"$TRAINCTL" train --data data --epochs 1 --threads 1 --out ck-ms -q > /dev/null 2>&1 || fail "train the default lenet5"
got=$(layers ck-ms/lenet-1_1.ckpt)
[ "$got" = "conv1 relu1 pool1 conv2 relu2 pool2 flatten fc1 fc2 fc3" ] && pass || fail "default lenet5 graph: '$got'"

# eval rebuilds the same net: the metrics training printed for epoch 2.
want=$(grep '^Metrics:' train.log | tail -1)
got=$("$TRAINCTL" eval --ckpt "$CK" --data data | grep '^Metrics:')
[ -n "$want" ] && [ "$want" = "$got" ] && pass || fail "eval printed '$got', training '$want'"
"$TRAINCTL" infer --ckpt "$CK" --data data --index 0,1 --json > infer.json && [ "$(wc -l < infer.json)" -eq 2 ] \
  && pass || fail "infer on the Paddle net: $(cat infer.json)"

# ONNX: no Relu node between conv2 and pool2 (the node names are plain strings in the protobuf).
"$TRAINCTL" export --ckpt "$CK" --format onnx --out paddle.onnx > /dev/null || fail "export to onnx"
grep -qa relu1 paddle.onnx && grep -qa relu4 paddle.onnx && ! grep -qa relu2 paddle.onnx \
  && pass || fail "paddle.onnx should have relu1, relu4 and no relu2"

# resume keeps the stored net: its third epoch's checkpoint still has no relu2.
"$TRAINCTL" resume --from "$CK" --more-epochs 1 --threads 1 > resume.log 2> resume.err || fail "resume: $(cat resume.err)"
got=$(layers ck/lenet-paddle-3_1.ckpt 2>/dev/null)
[ "$got" = "conv1 relu1 pool1 conv2 pool2 flatten fc1 relu3 fc2 relu4 fc3" ] \
  && pass || fail "resumed graph: '$got'"

expect_rejected 2 '--conv2-relu must be true or false, got "maybe"' -- train --conv2-relu maybe --data data --out x
finish
