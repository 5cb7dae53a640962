#!/usr/bin/env bash
# Every flag `resume` takes acts or is refused (issue 17): --out DIR and --prefix P continue the
# run as a new run there, the source directory byte for byte as it was and the tensors those of
# the unbranched continuation; --config FILE overrides stored keys; keys a run keeps (seed, net,
# shapes, optimizer, batch) are refused in one line, exit 2, nothing written; --print-config shows
# where files go. Synthetic data (tests/cli/make_idx.py): 6 steps per epoch, a run takes a second.
source "$(dirname "$0")/lib.sh"
small_mnist DATA
run() { "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data DATA --batch-size 10 --threads 1 -q "$@"; }
resume() { "$TRAINCTL" resume --threads 1 -q "$@"; }

run --out S --epochs 2 --keep-max 0 > /dev/null 2>&1 || fail "training run S failed"
cp -r S U  # the unbranched continuation's copy
(cd S && sha256sum ./*) > "$SCRATCH/S.sum"
s_tree=$(cd S && snapshot)
s_mtime=$(stat -c %y S)  # a name made or removed there, even a lock file for a moment, moves it
source_intact() {  # WHAT: S has the same files, bytes, inodes and times, and no lock or temporary
  if (cd S && sha256sum --quiet -c "$SCRATCH/S.sum" > "$SCRATCH/check.out" 2>&1) && [ "$(cd S && snapshot)" = "$s_tree" ] \
    && [ "$(stat -c %y S)" = "$s_mtime" ]; then pass
  else fail "$1 changed the source directory S: $(head -3 "$SCRATCH/check.out"; diff <(echo "$s_tree") <(cd S && snapshot) | head -4; stat -c %y S)"; fi
}

# Keys a resumed run keeps: one line saying why and what to run instead, exit 2, no file touched.
expect_rejected 2 "--seed: a resumed run keeps its stored seed 1 (the data order and init depend on it); to change it, start a new run: train --init-from S/lenet-2_6.ckpt --seed 7" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --seed 7
expect_rejected 2 "--seed: a resumed run keeps its stored seed 1" -- resume --from S/lenet-2_6.ckpt --epochs 3 --seed 7 --out N
expect_rejected 2 "--seed: a resumed run keeps its stored seed 1" -- resume --from S/lenet-2_6.ckpt --epochs 3 --seed 7 --print-config
expect_rejected 2 "--net: a resumed run keeps its stored net lenet5 (the checkpoint's tensors are this net's); to change it, start a new run: train --net mlp" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --net mlp
expect_rejected 2 "--input-size: a resumed run keeps its stored input.size 32 (the checkpoint's tensors have the shapes it gives); to change it, start a new run: train --init-from S/lenet-2_6.ckpt --input-size 28 --skip-mismatch --reset-optimizer" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --input-size 28
expect_rejected 2 "--conv-bias: a resumed run keeps its stored conv_bias false" -- resume --from S/lenet-2_6.ckpt --epochs 3 --conv-bias
expect_rejected 2 "--hidden: a resumed run keeps its stored hidden 512,512 (net lenet5 does not use it, and the run keeps its net)" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --hidden 64
expect_rejected 2 "--conv2-relu: a resumed run keeps its stored conv2_relu true (the checkpoint's weights were trained with it)" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --conv2-relu false
expect_rejected 2 "--input-mean: a resumed run keeps its stored input.mean 0.1307" -- resume --from S/lenet-2_6.ckpt --epochs 3 --input-mean 0.5
expect_rejected 2 "--init: a resumed run keeps its stored init pytorch (it only draws the initial weights, which the checkpoint replaces)" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --init normal
expect_rejected 2 "--optimizer: a resumed run keeps its stored optimizer momentum (the checkpoint holds this optimizer's state); to change it, start a new run: train --init-from S/lenet-2_6.ckpt --optimizer adam --reset-optimizer" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --optimizer adam
expect_rejected 2 "--batch-size: a resumed run keeps its stored batch_size 10 (the steps per epoch, the step numbers and the data order follow it)" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --batch-size 20
expect_rejected 2 "--train-limit: a resumed run keeps its stored train_limit 0" -- resume --from S/lenet-2_6.ckpt --epochs 3 --train-limit 30
expect_rejected 2 "--drop-remainder: a resumed run keeps its stored drop_remainder true" -- resume --from S/lenet-2_6.ckpt --epochs 3 --drop-remainder false
expect_rejected 2 "--prefix x-best: a prefix ending in \"-best\" is reserved" -- resume --from S/lenet-2_6.ckpt --epochs 3 --prefix x-best
printf '{"seed": 7, "lr": 0.05}\n' > "$SCRATCH/seed.json"
expect_rejected 2 "$SCRATCH/seed.json: key \"seed\": a resumed run keeps its stored seed 1" \
  -- resume --from S/lenet-2_6.ckpt --epochs 3 --config "$SCRATCH/seed.json"
# --data acts, but a training set of another size would renumber the steps: refused once read.
cp -r DATA "$SCRATCH/DATA40"
"$PY" - "$SCRATCH/DATA40" <<'EOF2'
import struct, sys
for name, header in (("train-images-idx3-ubyte", 16), ("train-labels-idx1-ubyte", 8)):
    path = sys.argv[1] + "/" + name
    blob = open(path, "rb").read()
    item = (len(blob) - header) // 60
    open(path, "wb").write(blob[:4] + struct.pack(">I", 40) + blob[8:header] + blob[header:header + 40 * item])
EOF2
cp -r S W  # this one takes W's run lock before it reads the data
expect_rejected 2 "W/lenet-2_6.ckpt: saved with 6 steps per epoch, the 40 training images in $SCRATCH/DATA40 give 4 (a resumed run needs its training set)" \
  -- resume --from W/lenet-2_6.ckpt --epochs 3 --data "$SCRATCH/DATA40" -q
source_intact "the refused resumes"

# --print-config shows what the resume uses: the source directory (not the stored out of a
# copied run), or --out and --prefix; the stored seed given again is no change.
pc() { "$TRAINCTL" resume --print-config "$@" 2> "$SCRATCH/pc.err" | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["out"], j["prefix"], j["seed"], j["lr"])' 2> /dev/null; }
[ "$(pc --from U/lenet-2_6.ckpt)" = "U lenet 1 0.01" ] && pass || fail "print-config of a copied run: $(pc --from U/lenet-2_6.ckpt) $(cat "$SCRATCH/pc.err")"
[ "$(pc --from S/lenet-2_6.ckpt --out N --prefix P --seed 1)" = "N P 1 0.01" ] && pass \
  || fail "print-config --out N --prefix P: $(pc --from S/lenet-2_6.ckpt --out N --prefix P --seed 1) $(cat "$SCRATCH/pc.err")"
printf '{"lr": 0.05, "out": "C", "epochs": 3}\n' > "$SCRATCH/lr.json"
[ "$(pc --from S/lenet-2_6.ckpt --config "$SCRATCH/lr.json")" = "C lenet 1 0.05" ] && pass \
  || fail "print-config --config: $(pc --from S/lenet-2_6.ckpt --config "$SCRATCH/lr.json") $(cat "$SCRATCH/pc.err")"
[ "$(pc --from S/lenet-2_6.ckpt --config "$SCRATCH/lr.json" --lr 0.02 --out D)" = "D lenet 1 0.02" ] && pass \
  || fail "flags over --config: $(pc --from S/lenet-2_6.ckpt --config "$SCRATCH/lr.json" --lr 0.02 --out D)"
# Told to save or keep by time, a resume stops saving or keeping by the stored count ("epoch",
# keep_max 0 here); told both, the count wins with a warning, as in `train`.
policy() { "$TRAINCTL" resume --print-config "$@" 2> "$SCRATCH/pc.err" | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["ckpt_steps"], j["ckpt_seconds"], j["keep_max"], j["keep_per_minutes"])' 2> /dev/null; }
[ "$(policy --from S/lenet-2_6.ckpt --ckpt-seconds 30 --keep-per-minutes 5)" = "0 30.0 0 5.0" ] && [ ! -s "$SCRATCH/pc.err" ] && pass \
  || fail "resume --ckpt-seconds 30 --keep-per-minutes 5: $(policy --from S/lenet-2_6.ckpt --ckpt-seconds 30 --keep-per-minutes 5) $(cat "$SCRATCH/pc.err")"
printf '{"ckpt_seconds": 30}\n' > "$SCRATCH/secs.json"
[ "$(policy --from S/lenet-2_6.ckpt --config "$SCRATCH/secs.json")" = "0 30.0 0 0.0" ] && pass \
  || fail "resume --config {ckpt_seconds: 30}: $(policy --from S/lenet-2_6.ckpt --config "$SCRATCH/secs.json") $(cat "$SCRATCH/pc.err")"
[ "$(policy --from S/lenet-2_6.ckpt --ckpt-seconds 30 --ckpt-steps 4)" = "4 30.0 0 0.0" ] \
  && grep -q "ckpt_steps and ckpt_seconds both set: saving by steps" "$SCRATCH/pc.err" && pass \
  || fail "resume --ckpt-seconds 30 --ckpt-steps 4: $(policy --from S/lenet-2_6.ckpt --ckpt-seconds 30 --ckpt-steps 4) $(cat "$SCRATCH/pc.err")"
[ ! -e N ] && [ ! -e C ] && [ ! -e D ] && pass || fail "--print-config created a directory: $(ls)"
source_intact "--print-config"

# The unbranched continuation, in the copy U.
resume --from U/lenet-2_6.ckpt --epochs 3 > /dev/null 2> U.err || fail "resume in U: $(cat U.err)"

# --out N: a new run in N, exactly the continuation; S untouched (no lock, pointer or pruning).
"$TRAINCTL" resume --from S/lenet-2_6.ckpt --epochs 3 --threads 1 --out N > /dev/null 2> N.err || fail "resume --out N: $(cat N.err)"
[ "$(head -1 N.err)" = "trainctl: resuming S/lenet-2_6.ckpt into N/lenet-* (a branch: S/lenet-* stay as they are)" ] && pass \
  || fail "resuming line for --out N: $(head -1 N.err)"
[ "$(ls N | tr '\n' ' ')" = "lenet-3_6.ckpt lenet-graph.meta lenet-latest lenet-metrics.csv " ] && [ "$(latest_name N/lenet-latest)" = lenet-3_6.ckpt ] \
  && pass || fail "--out N wrote: $(ls N)"
"$TRAINCTL" ckpt diff U/lenet-3_6.ckpt N/lenet-3_6.ckpt > diff.out 2>&1 && pass || fail "--out N is not the exact continuation: $(tail -3 diff.out)"
source_intact "resume --out N"

# From an older checkpoint the source's later history is no reason to branch again: O holds run
# lenet's epoch 2 exactly, and nothing is said under -q.
resume --from S/lenet-1_6.ckpt --out O > /dev/null 2> O.err && [ ! -s O.err ] && pass || fail "resume --out O from epoch 1: $(cat O.err)"
"$TRAINCTL" ckpt diff S/lenet-2_6.ckpt O/lenet-2_6.ckpt > diff.out 2>&1 && pass || fail "O/lenet-2_6.ckpt is not run lenet's epoch 2: $(tail -3 diff.out)"
source_intact "resume --out O from epoch 1"
# A resume refused after the lock (nothing left to train) leaves no new directory behind.
expect_rejected 2 "--epochs: S/lenet-2_6.ckpt already completed 2 epoch(s)" -- resume --from S/lenet-2_6.ckpt --out Z/sub -q

# Again into N: N's run lenet is another run's now, so the branch takes lenet_1 and leaves it.
n_sum=$(sha256sum N/lenet-3_6.ckpt)
resume --from S/lenet-2_6.ckpt --epochs 3 --out N > /dev/null 2> N1.err || fail "second resume --out N: $(cat N1.err)"
[ -f N/lenet_1-3_6.ckpt ] && [ "$(sha256sum N/lenet-3_6.ckpt)" = "$n_sum" ] && [ "$(latest_name N/lenet-latest)" = lenet-3_6.ckpt ] \
  && pass || fail "second resume --out N: $(ls N)"

# The keep policy in a new directory counts only its own files: with --keep-max 1, one.
resume --from S/lenet-2_6.ckpt --epochs 4 --keep-max 1 --out K > /dev/null 2> K.err || fail "resume --out K: $(cat K.err)"
[ "$(ls K | grep '\.ckpt$')" = lenet-4_6.ckpt ] && pass || fail "--keep-max 1 in K kept: $(ls K)"
source_intact "resume --out K --keep-max 1"

# --out naming the source directory another way continues the run itself.
cp -r S V
resume --from V/lenet-2_6.ckpt --epochs 3 --out ./V/ > /dev/null 2> V.err || fail "resume --out ./V/: $(cat V.err)"
[ "$(latest_name V/lenet-latest)" = lenet-3_6.ckpt ] && [ ! -e ./V/lenet_1-3_6.ckpt ] && pass || fail "--out ./V/ did not continue run lenet: $(ls V)"

# --prefix P: a new run P in the same directory, the run lenet's files as they were.
"$TRAINCTL" resume --from S/lenet-2_6.ckpt --epochs 3 --threads 1 --prefix P > /dev/null 2> P.err || fail "resume --prefix P: $(cat P.err)"
[ "$(head -1 P.err)" = "trainctl: resuming S/lenet-2_6.ckpt into S/P-* (a branch: S/lenet-* stay as they are)" ] && pass \
  || fail "resuming line for --prefix P: $(head -1 P.err)"
[ -f S/P-3_6.ckpt ] && [ -f S/P-graph.meta ] && [ "$(latest_name S/P-latest)" = P-3_6.ckpt ] && pass || fail "--prefix P wrote: $(ls S)"
"$TRAINCTL" ckpt inspect S/P-3_6.ckpt --json | grep -q '"run_prefix":"P"' && pass || fail "S/P-3_6.ckpt does not store run_prefix P"
"$TRAINCTL" ckpt diff U/lenet-3_6.ckpt S/P-3_6.ckpt > diff.out 2>&1 && pass || fail "--prefix P is not the exact continuation: $(tail -3 diff.out)"
(cd S && sha256sum --quiet -c "$SCRATCH/S.sum" > /dev/null 2>&1) && [ ! -e S/lenet-3_6.ckpt ] && [ "$(latest_name S/lenet-latest)" = lenet-2_6.ckpt ] \
  && pass || fail "--prefix P changed run lenet's files: $(ls S)"
rm S/P-*
s_mtime=$(stat -c %y S)

# --out and --prefix together.
resume --from S/lenet-2_6.ckpt --epochs 3 --out Q --prefix P > /dev/null 2> Q.err && [ -f Q/P-3_6.ckpt ] && pass \
  || fail "resume --out Q --prefix P: $(cat Q.err) $(ls Q)"
source_intact "resume --out Q --prefix P"

# --config FILE: its keys act (lr, and its out branches), flags override them.
resume --from S/lenet-2_6.ckpt --config "$SCRATCH/lr.json" > /dev/null 2> C.err || fail "resume --config: $(cat C.err)"
"$TRAINCTL" ckpt inspect C/lenet-3_6.ckpt --json > C.json 2>&1
/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["config"]["lr"] == 0.05 and j["config"]["out"] == "C", j["config"]' C.json 2> /dev/null \
  && pass || fail "resume --config: C/lenet-3_6.ckpt does not store lr 0.05 and out C: $(head -c 300 C.json)"
source_intact "resume --config"

finish
