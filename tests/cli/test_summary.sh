#!/usr/bin/env bash
# Real MNIST: `trainctl summary` for both nets and both LeNet5 variants (conv2_relu on and off in
# configs/lenet5-paddle.json): its parameter counts, per layer and in total, equal the tensors of
# a checkpoint trained from the same config, from --config and from --ckpt alike; the optimizer
# state equals the checkpoint's optimizer tensors; FLOPs are bench/'s (833,040 forward, 2,263,920
# training for the tutorial's LeNet5) and per epoch are per sample times the samples; the text
# table lists every layer; bad inputs are one-line errors.
source "$(dirname "$0")/lib.sh"
need_mnist
CONFIGS=$TRAINCTL_SRC/configs
"$PY" -c 'import json,sys; c=json.load(open(sys.argv[1])); c["conv2_relu"]=True; json.dump(c, open("paddle-relu.json","w"))' \
  "$CONFIGS/lenet5-paddle.json"

check() {  # NAME CONFIG: trains 64 images for one step-sized epoch, then compares
  local name=$1 config=$2
  "$TRAINCTL" train --config "$config" --data "$MNIST" --train-limit 64 --batch-size 32 --epochs 1 --eval false \
    --threads 2 --out "$name" -q > /dev/null 2> "$name.err" || { fail "$name: training failed: $(cat "$name.err")"; return; }
  "$TRAINCTL" ckpt inspect "$name/$(ls "$name" | grep -m1 '\.ckpt$')" --json > "$name.inspect" || { fail "$name: inspect"; return; }
  "$TRAINCTL" summary --config "$config" --data "$MNIST" --json > "$name.config.json" 2> "$name.config.err" \
    || { fail "$name: summary --config failed: $(cat "$name.config.err")"; return; }
  "$TRAINCTL" summary --ckpt "$name/$(ls "$name" | grep -m1 '\.ckpt$')" --json > "$name.ckpt.json" 2> "$name.ckpt.err" \
    || { fail "$name: summary --ckpt failed: $(cat "$name.ckpt.err")"; return; }
  "$PY" - "$name" "$config" <<'PYEOF' && pass || fail "$name: summary disagrees with the checkpoint (see above)"
import json, math, sys
name, config = sys.argv[1:]
tensors = json.load(open(name + ".inspect"))["tensors"]
numel = lambda t: math.prod(t["shape"])
params = {t["name"]: numel(t) for t in tensors if not t["name"].startswith("optimizer.")}
slots = sum(numel(t) for t in tensors if t["name"].startswith("optimizer."))
for source in ("config", "ckpt"):
    s = json.load(open(f"{name}.{source}.json"))
    assert s["params"] == sum(params.values()), (source, s["params"], sum(params.values()))
    assert s["param_bytes"] == 4 * s["params"]
    for layer in s["layers"]:
        mine = sum(v for k, v in params.items() if k.split(".")[0] == layer["name"])
        assert layer["params"] == mine, (source, layer, mine)
    assert s["forward_flops_per_sample"] == sum(l["forward_flops"] for l in s["layers"])
    assert s["train_flops_per_sample"] == sum(l["train_flops"] for l in s["layers"])
    m = s["memory"]
    assert m["params"] == m["grads"] == 4 * s["params"] and m["optimizer_state"] == 4 * slots, (source, m, slots)
    assert m["total"] == m["params"] + m["grads"] + m["optimizer_state"] + m["activations"]
    assert s["forward_flops_per_epoch"] == s["samples_per_epoch"] * s["forward_flops_per_sample"]
assert json.load(open(name + ".ckpt.json"))["samples_per_epoch"] == 64
assert json.load(open(name + ".config.json"))["samples_per_epoch"] == 60000 - 60000 % json.load(open(config))["batch_size"] \
    or not json.load(open(config)).get("drop_remainder", True)
PYEOF
}
check lenet "$CONFIGS/lenet5-mnist.json"
check mlp "$CONFIGS/mlp-mnist.json"
check paddle "$CONFIGS/lenet5-paddle.json"
check paddle-relu paddle-relu.json
# conv2_relu false drops relu2, nothing else.
"$PY" -c '
import json
a = [l["name"] for l in json.load(open("paddle.config.json"))["layers"]]
b = [l["name"] for l in json.load(open("paddle-relu.config.json"))["layers"]]
assert "relu2" not in a and b == [n for n in b if n != "relu2" or True] and [n for n in b if n != "relu2"] == a, (a, b)' \
  && pass || fail "conv2_relu: the layer lists differ in more than relu2"

# The tutorial's LeNet5: the FLOPs bench/compare.sh has always counted, and the text table.
"$PY" -c '
import json
s = json.load(open("lenet.config.json"))
assert (s["forward_flops_per_sample"], s["train_flops_per_sample"]) == (833040, 2263920), s
assert s["train_flops_per_epoch"] == 60000 * 2263920 and s["memory"]["optimizer_slots"] == 1' \
  && pass || fail "lenet5 FLOPs: $(head -c 300 lenet.config.json)"
"$TRAINCTL" summary --config "$CONFIGS/lenet5-mnist.json" --data "$MNIST" > lenet.txt 2>&1
for want in '^conv1 \(conv2d\) +6x28x28 +150 +235,200$' '^fc3 \(linear\) +10 +850 +1,680$' '^Total params: 61,684 ' \
            'forward 833,040, training 2,263,920$' '^FLOPs per epoch \(60,000 samples\)' '^Memory at batch 32: 4\.4 MiB$' \
            '^  momentum state \(1 slot\) +241\.0 KiB$' '^  activations +3\.7 MiB$'; do
  grep -Eq "$want" lenet.txt && pass || fail "summary text lacks /$want/: $(cat lenet.txt)"
done
# It fits an 80-column terminal, the footnote included (the first line names the config file, as
# long as its path).
awk 'NR > 1 && length($0) > 80 { print "line " NR " has " length($0) " columns: " $0; bad = 1 } END { exit bad }' lenet.txt > wide.txt \
  && pass || fail "summary text wider than 80 columns: $(cat wide.txt)"
# A validation split trains on fewer images: the held-out share (stratified, as the run draws it),
# less the incomplete last batch (drop_remainder).
"$TRAINCTL" summary --config "$CONFIGS/lenet5-mnist.json" --data "$MNIST" --val-split 0.1 --json > split.json 2>&1 \
  && "$PY" -c 'import json; s = json.load(open("split.json")); assert s["samples_per_epoch"] == 54000 // 32 * 32, s["samples_per_epoch"]' \
  && pass || fail "summary with --val-split 0.1: $(head -c 300 split.json)"
# Without the data set the per-epoch figures are unknown, said so, not made up. (A copy of the
# binary: the one in a checkout would look in its data/mnist.)
mkdir -p "$SCRATCH/alone" && cp "$TRAINCTL" "$SCRATCH/alone/trainctl"
env -u TRAINCTL_DATA -u TRAINCTL_MNIST "$SCRATCH/alone/trainctl" summary --config "$CONFIGS/lenet5-mnist.json" --json > nodata.json 2>&1 \
  && "$PY" -c 'import json; s = json.load(open("nodata.json")); assert s["samples_per_epoch"] is None and s["params"] == 61684' \
  && pass || fail "summary without data: $(cat nodata.json)"

# The data is found as train finds it: a config's dataset, an image folder (its class folders'
# images, the split held out), and train's flags set the net and batch.
if [ -f /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz ] || [ -f /usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte ]; then
  env -u TRAINCTL_DATA -u TRAINCTL_MNIST "$SCRATCH/alone/trainctl" summary --config "$CONFIGS/mlp-fashion.json" --json > fashion.json 2>&1 \
    && "$PY" -c 'import json; s = json.load(open("fashion.json")); assert s["samples_per_epoch"] == 937 * 64, s["samples_per_epoch"]' \
    && pass || fail "summary of the Fashion-MNIST config: $(head -c 300 fashion.json)"
else
  echo "skip: Fashion-MNIST not in /usr/share/datasets/fashion-mnist (scripts/get-data.sh fashion-mnist)"
fi
"$PY" "$TRAINCTL_SRC/tests/cli/make_image_folder.py" pets --classes dog,cat --train 10 --test 2 || fail "make_image_folder.py"
"$TRAINCTL" summary --data pets --val-split 0.2 --batch-size 4 --net mlp --hidden 16 --json > pets.json 2>&1 \
  && "$PY" -c 'import json; s = json.load(open("pets.json")); assert s["samples_per_epoch"] == 16 and s["memory"]["batch_size"] == 4 and s["params"] == 28 * 28 * 16 + 16 + 16 * 2 + 2, s' \
  && pass || fail "summary of an image folder with a split: $(head -c 300 pets.json)"

# Bad inputs: one line each, nothing written.
expect_rejected 2 "--lr: summary --ckpt describes the checkpoint's run as stored" -- summary --ckpt mlp --lr 0.5
echo '{"net": "lenet5", "lr": "fast"}' > "$SCRATCH/bad.json"
expect_rejected 2 "nope.json" -- summary --config nope.json
expect_rejected 2 'key "lr"' -- summary --config "$SCRATCH/bad.json"
expect_rejected 2 "nope.ckpt" -- summary --ckpt nope.ckpt
expect_rejected 2 "excludes" -- summary --config "$CONFIGS/mlp-mnist.json" --ckpt mlp
head -c 1000 "$(ls mlp/*.ckpt | head -1)" > "$SCRATCH/torn.ckpt"
expect_rejected 1 "torn.ckpt" -- summary --ckpt "$SCRATCH/torn.ckpt"
finish
