#!/usr/bin/env bash
# Real MNIST: a resumed run is the uninterrupted run (same loss lines, identical tensors) for
# Momentum and Adam from mid- and end-of-epoch checkpoints; the MindSpore tutorial's checkpoint
# flow (names, prefix_N, keep-max, keep-best, latest, async save); resume and fine-tune errors.
source "$(dirname "$0")/lib.sh"
need_mnist
# Every check here compares runs with each other, none an accuracy: 1,000 test images do.
MNIST=$(mnist_first_tests 1000) || { fail "could not make the 1,000-test-image folder"; finish; exit; }

# 1,000 images in batches of 50: 20 steps per epoch, a checkpoint every 10 steps.
run() {  # CONFIG OUT [FLAGS...]
  local config=$1 out=$2; shift 2
  "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/$config" --data "$MNIST" --train-limit 1000 --batch-size 50 \
    --epochs 2 --ckpt-steps 10 --keep-max 0 --log-every 1 --threads 2 --out "$out" "$@"
}
losses() { grep '^epoch: ' "$1"; }

# exact CONFIG PREFIX: resume from 1_10 (mid-epoch) and 1_20 (end of epoch 1) in fresh dirs.
exact() {
  local config=$1 p=$2 tag=${1%.json}
  run "$config" "$tag-A" > "$tag-A.log" 2> "$tag-A.err" || { fail "$tag: training failed: $(cat "$tag-A.err")"; return; }
  for point in 10 20; do
    local b=$tag-B$point
    mkdir "$b" && cp "$tag-A/$p-1_$point.ckpt" "$tag-A/$p-graph.meta" "$b/"
    "$TRAINCTL" resume --from "$b/$p-1_$point.ckpt" > "$b.log" 2> "$b.err" || fail "$tag: resume at $point failed: $(cat "$b.err")"
    if diff <(losses "$tag-A.log" | tail -n +$((point + 1))) <(losses "$b.log") > "$b.diff"; then pass
    else fail "$tag: losses after step $point differ from the uninterrupted run: $(head -5 "$b.diff")"; fi
    [ "$(losses "$b.log" | wc -l)" -eq $((40 - point)) ] && pass || fail "$tag: resume at $point printed $(losses "$b.log" | wc -l) loss lines"
    "$TRAINCTL" ckpt diff "$tag-A/$p-2_20.ckpt" "$b/$p-2_20.ckpt" > "$b.ckdiff" 2>&1 && pass \
      || fail "$tag: final tensors differ after resuming at $point: $(tail -3 "$b.ckdiff")"
  done
}
exact lenet5-mnist.json lenet
exact lenet5-adam.json lenet-adam

# `latest` picks the newest checkpoint of a directory; --more-epochs adds to the stored epochs.
mkdir L && cp lenet5-adam-A/lenet-adam-1_10.ckpt lenet5-adam-A/lenet-adam-1_20.ckpt lenet5-adam-A/lenet-adam-graph.meta L/
"$TRAINCTL" resume --from latest --dir L > L.log 2> L.err || fail "resume --from latest failed: $(cat L.err)"
grep -q 'resuming L/lenet-adam-1_20.ckpt' L.err && pass || fail "latest did not pick 1_20: $(cat L.err)"
diff <(losses lenet5-adam-A.log | tail -n +21) <(losses L.log) > /dev/null && pass || fail "resume --from latest: losses differ"
"$TRAINCTL" resume --from latest --dir L --more-epochs 1 > /dev/null 2> L.err || fail "--more-epochs failed: $(cat L.err)"
[ -f L/lenet-adam-3_20.ckpt ] && pass || fail "--more-epochs 1 did not write epoch 3: $(ls L)"
"$TRAINCTL" ckpt inspect L/lenet-adam-3_20.ckpt --json | grep -q '"global_step":60' && pass || fail "epoch 3 is not global step 60"

# Resume errors: a missing file (usage, 2) and a batch size that changes the steps per epoch.
expect_error 2 "nofile.ckpt" -- resume --from nofile.ckpt
expect_error 2 "steps per epoch" -- resume --from lenet5-adam-B10/lenet-adam-1_10.ckpt --batch-size 25

# The MindSpore tutorial: a checkpoint per epoch, then resume with a new lr for 2 more epochs.
tut() {  # OUT [FLAGS...]; 640 images in batches of 32: 20 steps per epoch
  local out=$1; shift
  "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 640 \
    --threads 2 -q --out "$out" "$@"
}
tut T --ckpt-steps 20 > /dev/null 2> T.err || fail "tutorial training failed: $(cat T.err)"
for f in lenet-1_20.ckpt lenet-2_20.ckpt lenet-graph.meta lenet-latest; do
  [ -f "T/$f" ] && pass || fail "tutorial run: T/$f missing (have: $(ls T))"
done
"$TRAINCTL" resume --from T/lenet-2_20.ckpt --lr 0.001 --epochs 4 -q > /dev/null 2> T.err || fail "tutorial resume failed: $(cat T.err)"
[ -f T/lenet-3_20.ckpt ] && [ -f T/lenet-4_20.ckpt ] && pass || fail "resume did not write epochs 3 and 4: $(ls T)"
"$TRAINCTL" ckpt inspect T/lenet-4_20.ckpt --json > T4.json
/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["config"]["lr"] == 0.001 and j["train_state"]["global_step"] == 80, j["config"]' T4.json \
  && pass || fail "stored config of lenet-4_20 lacks lr 0.001"
[ "$(latest_name T/lenet-latest)" = lenet-4_20.ckpt ] && pass \
  || fail "lenet-latest does not name the newest file: $(latest_name T/lenet-latest)"
[ -L T/lenet-latest ] && pass || fail "lenet-latest is not a symlink: $(ls -l T/lenet-latest)"
"$TRAINCTL" eval --ckpt T/lenet-latest --data "$MNIST" > T-eval.out 2>&1 && pass \
  || fail "eval --ckpt T/lenet-latest failed: $(cat T-eval.out)"
# A bare file name is also looked up in --dir (default ckpt), as the tutorial writes it.
mkdir Bare && cp T/lenet-1_20.ckpt T/lenet-graph.meta Bare/
"$TRAINCTL" resume --from lenet-1_20.ckpt --dir Bare --epochs 2 > /dev/null 2> Bare.err || fail "bare --from: $(cat Bare.err)"
grep -q 'resuming Bare/lenet-1_20.ckpt' Bare.err && [ -f Bare/lenet-2_20.ckpt ] && pass \
  || fail "bare --from did not resume Bare/lenet-1_20.ckpt: $(cat Bare.err; ls Bare)"
expect_rejected 2 "--from: lenet-9_20.ckpt: no such checkpoint file or directory (nor Bare/lenet-9_20.ckpt)" \
  -- resume --from lenet-9_20.ckpt --dir Bare
expect_rejected 2 "--from: Bare/lenet-9_20.ckpt: no such checkpoint file or directory" -- resume --from Bare/lenet-9_20.ckpt

# A second run into the same directory takes the prefix lenet_1 and leaves the first run's files.
tut T --ckpt-steps 20 --epochs 1 > /dev/null 2>&1
[ -f T/lenet_1-1_20.ckpt ] && [ -f T/lenet_1-graph.meta ] && pass || fail "second run: no lenet_1 files (have: $(ls T))"

# keep-max deletes only this run's files: the first run's four survive a --keep-max 2 run.
tut K --ckpt-steps 10 --keep-max 0 > /dev/null 2>&1
tut K --ckpt-steps 10 --keep-max 2 > /dev/null 2>&1
[ "$(ls K | grep -c '^lenet-[0-9]')" -eq 4 ] && pass || fail "keep-max touched the first run's files: $(ls K)"
[ "$(ls K | grep -c '^lenet_1-[0-9].*\.ckpt$')" -eq 2 ] && pass || fail "keep-max 2 kept: $(ls K | grep lenet_1)"

# keep-best: one best-epoch file besides the step files.
tut KB --keep-best 1 --monitor acc > /dev/null 2> KB.err || fail "keep-best run failed: $(cat KB.err)"
[ "$(ls KB | grep -c '^lenet-best-[0-9]*_20\.ckpt$')" -eq 1 ] && pass || fail "keep-best 1: $(ls KB)"

# --async-save writes the same tensors as the synchronous run A.
run lenet5-adam.json AS --async-save > /dev/null 2>&1 || fail "async run failed"
"$TRAINCTL" ckpt diff lenet5-adam-A/lenet-adam-2_20.ckpt AS/lenet-adam-2_20.ckpt > /dev/null 2>&1 && pass \
  || fail "async save differs from the synchronous run"

# Fine-tuning into another net names both nets, unless told to skip the tensors that do not fit.
expect_error 1 "holds net \"lenet5\", the run builds net \"mlp\" (--skip-mismatch" -- \
  train --config "$TRAINCTL_SRC/configs/lenet5-adam.json" --data "$MNIST" --init-from lenet5-adam-A/lenet-adam-2_20.ckpt \
  --net mlp --train-limit 200 --epochs 1 --out F
"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-adam.json" --data "$MNIST" --init-from lenet5-adam-A/lenet-adam-2_20.ckpt \
  --net mlp --skip-mismatch --reset-optimizer --train-limit 200 --epochs 1 -q --out F > /dev/null 2> F.err \
  && pass || fail "--skip-mismatch --reset-optimizer failed: $(cat F.err)"

finish
