#!/usr/bin/env bash
# `trainctl ckpt ls|inspect|verify|diff` on checkpoints of a tiny synthetic run: output, JSON,
# exit codes, and one-line errors for missing, truncated and bit-flipped files.
source "$(dirname "$0")/lib.sh"

# A deterministic 200/40-image IDX set (no real MNIST needed: only the files matter here).
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
idx_pair() {  # PREFIX COUNT
  { printf '\x00\x00\x08\x03'; be32 "$2"; be32 28; be32 28
    LC_ALL=C awk -v n=$(($2 * 784)) 'BEGIN { x = 7; for (i = 0; i < n; i++) { x = (x * 1103 + 12345) % 65536; printf "%c", (x % 7 == 0) ? 255 : 0 } }'
  } > "data/$1-images-idx3-ubyte"
  { printf '\x00\x00\x08\x01'; be32 "$2"; for ((i = 0; i < $2; i++)); do printf "\\x0$((i % 10))"; done; } > "data/$1-labels-idx1-ubyte"
}
mkdir data && idx_pair train 200 && idx_pair t10k 40

train() { "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-adam.json" --data data --batch-size 20 \
            --ckpt-steps 5 --keep-max 0 --threads 1 -q "$@"; }
train --out A --epochs 2 --lr 0.001 > /dev/null 2> train.err || fail "training failed: $(cat train.err)"
train --out B --epochs 2 --lr 0.002 > /dev/null 2> train.err || fail "training failed: $(cat train.err)"
final=lenet-adam-2_10.ckpt
[ -f "A/$final" ] && pass || fail "expected A/$final; have: $(ls A)"

# ls: a header line and one row per checkpoint (4 per epoch), ordered by global step.
"$TRAINCTL" ckpt ls A > ls.txt 2> ls.err && pass || fail "ckpt ls failed: $(cat ls.err)"
head -1 ls.txt | grep -q 'file.*epoch.*step.*global step.*net.*size.*acc.*loss.*train time.*status' && pass || fail "ls header: $(head -1 ls.txt)"
[ "$(grep -c '\.ckpt .* ok$' ls.txt)" -eq 4 ] && pass || fail "expected 4 ok rows: $(cat ls.txt)"
[ "$(awk 'NR > 1 { print $4 }' ls.txt | tr '\n' ' ')" = "5 10 15 20 " ] && pass || fail "not by global step: $(cat ls.txt)"
grep -q "^lenet-adam-2_10.ckpt  *2  *10/10  *20 " ls.txt && pass || fail "epoch/step columns: $(cat ls.txt)"
# Metrics: none before the first evaluation; a mid-epoch row names the epoch its metrics are of.
grep -Eq "^lenet-adam-1_5.ckpt .* - +- +[0-9.]+ s +ok$" ls.txt && pass || fail "metrics before any evaluation: $(cat ls.txt)"
grep -Eq "^lenet-adam-2_5.ckpt .* 0\.[0-9]{4} \(e1\) +[0-9]+\.[0-9]{4} \(e1\) " ls.txt && pass || fail "mid-epoch metrics: $(cat ls.txt)"
# The run's best by acc (its monitor) is marked in the best column (tests/cli/test_ckpt_ls_best.sh).
grep -Eq "^lenet-adam-2_10.ckpt .* 0\.[0-9]{4} +[0-9]+\.[0-9]{4} +(acc +)?[0-9.]+ s +ok$" ls.txt && pass || fail "epoch-end metrics: $(cat ls.txt)"
# Every row has the same width up to the valid column: the table is aligned.
[ "$(awk '{ print index($0, " ok") }' ls.txt | sed 1d | sort -u | wc -l)" -eq 1 ] && pass || fail "rows not aligned: $(cat ls.txt)"
# ls FILE: that file's row alone (it said "no such checkpoint directory"), without a best mark: no
# run to compare it with.
"$TRAINCTL" ckpt ls "A/$final" > ls1.txt 2> ls1.err && pass || fail "ckpt ls FILE failed: $(cat ls1.err)"
[ "$(sed 1d ls1.txt | tr -s ' ')" = "$(grep "^$final " ls.txt | sed 's/ acc / /' | tr -s ' ')" ] && pass || fail "ckpt ls FILE: $(cat ls1.txt) vs $(grep "^$final " ls.txt)"
"$TRAINCTL" ckpt ls A --json > ls.json
/usr/bin/python3 - ls.json <<'PY' && pass || fail "ls --json: $(cat ls.json)"
import json, sys
j = json.load(open(sys.argv[1]))
steps = [c["global_step"] for c in j["checkpoints"]]
assert steps == [5, 10, 15, 20], steps
last = j["checkpoints"][-1]
assert last["ok"] and last["valid"] == "ok" and last["epoch"] == 2 and last["step"] == 10, last
assert 0 <= last["metrics"]["acc"] <= 1 and last["elapsed_s"] > 0 and last["bytes"] > 100000, last
PY

# --version names the version that checkpoints record.
version=$("$TRAINCTL" --version) && pass || fail "--version failed"
recorded=$("$TRAINCTL" ckpt inspect "A/$final" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["trainctl_version"])')
[ "$version" = "trainctl $recorded" ] && pass || fail "--version says '$version', the checkpoint records '$recorded'"

# inspect: metadata lines and a row per tensor with statistics and CRC.
"$TRAINCTL" ckpt inspect "A/$final" > inspect.txt 2> inspect.err && pass || fail "inspect failed: $(cat inspect.err)"
for want in 'format *trainctl.ckpt/1' 'run prefix *lenet-adam' 'global step 20' 'optimizer="adam"' 'adam optimizer after 20 steps' \
            '^conv1.weight *F32 *\[6,1,5,5\] .* ok$' '^optimizer.exp_avg.fc3.bias *F32 *\[10\] .* ok$'; do
  grep -q -- "$want" inspect.txt && pass || fail "inspect lacks /$want/: $(cat inspect.txt)"
done
"$TRAINCTL" ckpt inspect "A/$final" --json > inspect.json
/usr/bin/python3 - inspect.json <<'PY' && pass || fail "inspect --json: $(cat inspect.json)"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["format"] == "trainctl.ckpt/1" and j["run_prefix"] == "lenet-adam"
assert j["train_state"]["global_step"] == 20 and j["config"]["lr"] == 0.001
t = {x["name"]: x for x in j["tensors"]}
w = t["conv1.weight"]
assert w["shape"] == [6, 1, 5, 5] and w["dtype"] == "F32" and w["crc_ok"]
assert w["min"] < w["mean"] < w["max"] and w["std"] > 0
assert all(x["crc_ok"] for x in j["tensors"])
PY

# verify: one line per file; a flipped byte in the data and a truncated file are named.
cp "A/$final" flipped.ckpt
size=$(stat -c %s flipped.ckpt)
printf '\x55' | dd of=flipped.ckpt bs=1 seek=$((size - 3)) conv=notrunc status=none
head -c 1000 "A/$final" > truncated.ckpt
"$TRAINCTL" ckpt verify "A/$final" > verify.txt 2>&1 && pass || fail "verify of a sound file: $(cat verify.txt)"
grep -qx "A/$final: ok" verify.txt && pass || fail "verify line: $(cat verify.txt)"
"$TRAINCTL" ckpt verify "A/$final" flipped.ckpt truncated.ckpt > verify.txt 2> verify.err; rc=$?
[ "$rc" -eq 1 ] && pass || fail "verify of bad files exited $rc"
[ "$(wc -l < verify.txt)" -eq 3 ] && pass || fail "verify: expected 3 lines: $(cat verify.txt)"
grep -q '^flipped.ckpt: .*fc3.bias' verify.txt && pass || fail "flipped byte not named by tensor: $(cat verify.txt)"
grep -q '^truncated.ckpt: ' verify.txt && ! grep -q '^truncated.ckpt: ok' verify.txt && pass || fail "truncated: $(cat verify.txt)"
# The damaged file shows up in ls as not valid, and inspect flags the bad tensor with exit 1.
cp flipped.ckpt A/zz-flipped.ckpt
"$TRAINCTL" ckpt ls A | grep -q '^zz-flipped.ckpt .*fc3.bias' && pass || fail "ls does not flag the damaged file"
rm A/zz-flipped.ckpt
"$TRAINCTL" ckpt inspect flipped.ckpt > inspect.txt 2> inspect.err; rc=$?
[ "$rc" -eq 1 ] && grep -q 'fc3.bias .*BAD$' inspect.txt && pass || fail "inspect of a bad CRC: rc $rc, $(cat inspect.txt)"

# diff: a file against itself is identical (exit 0), against another run's final differs (exit 1).
"$TRAINCTL" ckpt diff "A/$final" "A/$final" > diff.txt && pass || fail "diff of a file with itself: $(cat diff.txt)"
grep -q '^conv1.weight  *0  *yes$' diff.txt && pass || fail "diff row: $(cat diff.txt)"
grep -q 'identical, 0 differ; 0 only in A, 0 only in B' diff.txt && pass || fail "diff summary: $(cat diff.txt)"
"$TRAINCTL" ckpt diff "A/$final" "B/$final" > diff.txt 2> diff.err; rc=$?
[ "$rc" -eq 1 ] && pass || fail "diff of different runs exited $rc"
grep -q '^conv1.weight  *[0-9.e-]*  *no$' diff.txt && pass || fail "diff row: $(cat diff.txt)"
"$TRAINCTL" ckpt diff "A/$final" "B/$final" --json > diff.json 2>/dev/null
/usr/bin/python3 - diff.json <<'PY' && pass || fail "diff --json: $(cat diff.json)"
import json, sys
j = json.load(open(sys.argv[1]))
assert not j["identical"] and j["summary"]["differ"] > 0
w = [t for t in j["tensors"] if t["name"] == "conv1.weight"][0]
assert w["in"] == "both" and not w["identical"] and w["max_abs_diff"] > 0
PY
# A Momentum checkpoint holds other optimizer tensors: they are listed as only in one file.
train --out M --optimizer momentum --epochs 1 > /dev/null 2>&1
"$TRAINCTL" ckpt diff "A/$final" M/lenet-adam-1_10.ckpt > diff.txt 2>/dev/null; rc=$?
[ "$rc" -eq 1 ] && grep -q '^optimizer.exp_avg.conv1.weight .*only A$' diff.txt \
  && grep -q '^optimizer.momentum.conv1.weight .*only B$' diff.txt && pass || fail "only-in rows: rc $rc, $(cat diff.txt)"

# Missing and corrupt files: exit 1 and one line naming the file.
expect_error 1 "nofile.ckpt" -- ckpt inspect nofile.ckpt
expect_error 1 "truncated.ckpt" -- ckpt inspect truncated.ckpt
expect_error 1 "nofile.ckpt" -- ckpt diff "A/$final" nofile.ckpt
expect_error 1 "flipped.ckpt" -- ckpt diff flipped.ckpt "A/$final"
expect_error 1 "nodir" -- ckpt ls nodir
expect_error 1 "nofile.ckpt" -- ckpt verify nofile.ckpt
[ "$("$TRAINCTL" ckpt verify nofile.ckpt 2>/dev/null)" = "nofile.ckpt: cannot open: No such file or directory" ] && pass \
  || fail "verify of a missing file: $("$TRAINCTL" ckpt verify nofile.ckpt 2>&1)"
for args in "inspect nofile.ckpt" "diff A/$final nofile.ckpt" "verify nofile.ckpt" "ls nodir"; do
  [ "$("$TRAINCTL" ckpt $args 2>&1 >/dev/null | wc -l)" -eq 1 ] && pass || fail "ckpt $args: error is not one line"
done
# Sound files whose metadata JSON nests 200,000 levels (printing it used to overflow the stack):
# inspect shows what it can, eval and ls name the key in one line.
/usr/bin/python3 - "$TRAINCTL_SRC/tests/fuzz" <<'PY' || fail "could not write deep.ckpt"
import json, sys
sys.path.insert(0, sys.argv[1])
from make_corpus import ckpt, f32  # the fuzz seed builder: a checkpoint with valid CRCs
deep = "[" * 200000 + "]" * 200000
state = json.dumps({"epoch": 1, "step_in_epoch": 0, "global_step": 3, "steps_per_epoch": 3, "seed": 1,
                    "elapsed_s": 0.5, "lr": 0.01, "last_loss": 2.3})
config = '{"net":' + deep + "}"
model = '{"format":"trainctl.graph/1","spec":' + config + "}"
open("deep.ckpt", "wb").write(ckpt([("a", "F32", [1], f32(1))], {"model": model, "config": config, "train_state": state}))
open("deep-state.ckpt", "wb").write(ckpt([("a", "F32", [1], f32(1))], {"train_state": deep}))
PY
"$TRAINCTL" ckpt inspect deep.ckpt > inspect.txt 2> inspect.err && pass || fail "inspect of deep metadata: $(cat inspect.err)"
expect_error 1 'deep.ckpt: metadata key "config": JSON nested deeper than 64 levels' -- eval --ckpt deep.ckpt --data data
mkdir D && cp deep-state.ckpt D/
"$TRAINCTL" ckpt ls D | grep -q 'metadata key "train_state": JSON nested deeper than 64 levels' && pass \
  || fail "ls of deep metadata: $("$TRAINCTL" ckpt ls D 2>&1)"

expect_error 2 "required" -- ckpt diff "A/$final"
"$TRAINCTL" ckpt diff --help | grep -q 'exit 0 if every' && pass || fail "diff --help does not document the exit code"

finish
