#!/usr/bin/env bash
# --val-split and --early-stop on tiny IDX data (6 images of each digit): the split's sizes, an
# early stop at the epoch the rule says, its resume identical to the uninterrupted run, and
# every bad value refused in one line naming its flag.
source "$(dirname "$0")/lib.sh"
small_mnist "$SCRATCH/data"
D=$SCRATCH/data
tiny() {  # OUT [FLAGS...]: an MLP, batch 10, one thread
  local out=$1; shift
  "$TRAINCTL" train --data "$D" --net mlp --hidden 16 --batch-size 10 --threads 1 --out "$out" "$@"
}
losses() { grep -E '^(epoch: |Metrics: )' "$1"; }

# Half of each class held out: 30 train, 30 val; the test set scored once, after the last epoch.
tiny H --val-split 0.5 --epochs 2 > H.log 2> H.err || fail "val-split run failed: $(cat H.err)"
grep -q ': 30 train / 30 val / 20 test images, 10 classes$' H.err && pass || fail "split sizes: $(cat H.err)"
grep -q '^trainctl: [0-9]* params, [0-9]* threads\?, 3 steps/epoch, checkpoints H/mlp-\*$' H.err && pass || fail "steps per epoch: $(cat H.err)"
[ "$(grep -c '^Metrics: {"val_acc": [0-9.]*, "val_loss": [0-9.]*}$' H.log)" -eq 1 ] && pass || fail "epoch 1 metrics: $(cat H.log)"
grep -q '^Metrics: {"val_acc": [0-9.]*, "val_loss": [0-9.]*, "acc": [0-9.]*, "loss": [0-9.]*}$' H.log && pass \
  || fail "last epoch's metrics lack the test set's: $(cat H.log)"
"$TRAINCTL" ckpt inspect H/mlp-2_3.ckpt | grep -q 'after epoch 2: val_acc' && pass || fail "ckpt inspect: no val metrics"
# The metrics log: an evaluation row per epoch with val_loss/val_acc, test_* only in the last,
# the same numbers as the Metrics lines (4 decimals there).
evals=$(awk -F, 'NR > 1 && $10 != "" { printf "%s %.4f %.4f %s\n", $1, $10, $11, ($8 == "" ? "-" : "test") }' H/mlp-metrics.csv)
want=$(sed -n 's/^Metrics: {"val_acc": \([0-9.]*\), "val_loss": \([0-9.]*\)\(.*\)}$/\2 \1 \3/p' H.log \
  | awk '{ print NR, $1, $2, ($3 == "" ? "-" : "test") }')
[ "$evals" = "$want" ] && pass || fail "metrics log's validation rows: got [$evals], want [$want]"
# round(0.1 * 6) = 1 image of each class.
tiny H1 --val-split 0.1 --epochs 1 > /dev/null 2> H1.err && grep -q ': 50 train / 10 val / 20 test' H1.err && pass \
  || fail "--val-split 0.1: $(cat H1.err)"
# Without the flag the output is as before: the test metrics after every epoch.
tiny N --epochs 2 > N.log 2> N.err || fail "plain run failed: $(cat N.err)"
[ "$(grep -c '^Metrics: {"acc": [0-9.]*, "loss": [0-9.]*}$' N.log)" -eq 2 ] && pass || fail "plain run metrics: $(cat N.log)"
grep -q ': 60 train / 20 test images' N.err && pass || fail "plain run sizes: $(cat N.err)"

# No val_loss falls by 100: the best stays epoch 1's, and patience 3 stops the run at epoch 4,
# exit 0, with its final checkpoint and one line saying why.
tiny A --val-split 0.5 --early-stop 3 --min-delta 100 --epochs 10 --ckpt-steps 2 --keep-max 0 --log-every 1 \
  > A.log 2> A.err; rc=$?
[ "$rc" -eq 0 ] && pass || fail "early-stopped run exited $rc: $(cat A.err)"
grep -qx 'trainctl: early stop at epoch 4: val_loss has not improved by more than 100 for 3 epochs (best [0-9.]* at epoch 1)' A.err \
  && pass || fail "early stop line: $(cat A.err)"
[ -f A/mlp-4_3.ckpt ] && [ ! -e A/mlp-5_1.ckpt ] && pass || fail "final checkpoint: $(ls A)"
[ "$(latest_name A/mlp-latest)" = mlp-4_3.ckpt ] && pass || fail "latest is $(latest_name A/mlp-latest)"
[ "$(grep -c '^epoch: ' A.log)" -eq 12 ] && pass || fail "trained $(grep -c '^epoch: ' A.log) steps, expected 12"
"$TRAINCTL" ckpt inspect A/mlp-4_3.ckpt | grep -q 'early stopping: best val_loss .* at epoch 1, waited 3, stopped' && pass \
  || fail "stored early-stopping state: $("$TRAINCTL" ckpt inspect A/mlp-4_3.ckpt | grep state)"

# Resumed at global step 8 (mid-epoch 3, after two epochs without improvement), the run stops at
# epoch 4 too, with the same losses, metrics and tensors: the split and the wait are restored.
mkdir B && cp A/mlp-3_2.ckpt A/mlp-graph.meta B/
"$TRAINCTL" resume --from B/mlp-3_2.ckpt > B.log 2> B.err || fail "resume failed: $(cat B.err)"
diff <(losses A.log | tail -n +11) <(losses B.log) > B.diff && pass || fail "resumed losses differ: $(head -5 B.diff)"
grep -q 'trainctl: early stop at epoch 4: ' B.err && pass || fail "resumed run did not stop at epoch 4: $(cat B.err)"
"$TRAINCTL" ckpt diff A/mlp-4_3.ckpt B/mlp-4_3.ckpt > B.ckdiff 2>&1 && pass || fail "final tensors differ: $(tail -3 B.ckdiff)"

# Resuming the stopped run goes on from its count: one more epoch without an improvement stops it
# again (said with -q too); the checkpoints after it no longer say it stopped.
mkdir C && cp A/mlp-4_3.ckpt A/mlp-graph.meta C/
"$TRAINCTL" resume --from C/mlp-4_3.ckpt -q > /dev/null 2> C.err || fail "resume of the stopped run failed: $(cat C.err)"
grep -qx 'trainctl: early stop at epoch 5: val_loss has not improved by more than 100 for 4 epochs (best [0-9.]* at epoch 1)' C.err \
  && pass || fail "resumed stopped run: $(cat C.err)"
"$TRAINCTL" resume --from C/mlp-4_3.ckpt --early-stop off --epochs 6 -q --out C6 > /dev/null 2> C6.err || fail "--early-stop off: $(cat C6.err)"
[ -f C6/mlp-6_3.ckpt ] && ! grep -q 'early stop' C6.err && pass || fail "--early-stop off did not run to epoch 6: $(ls C6; cat C6.err)"
# (Saved every 2 global steps, as A: mlp-6_1 is the first file after epoch 5's evaluation.)
"$TRAINCTL" ckpt inspect C6/mlp-6_1.ckpt > C6.inspect || fail "ckpt inspect C6/mlp-6_1.ckpt: $(ls C6)"
grep -q 'early stopping: best' C6.inspect && ! grep -q ', stopped' C6.inspect && pass \
  || fail "epoch 5 of the continued run says it stopped: $(grep state C6.inspect)"

# A run that watched nothing stored the default monitor "acc" no one chose: a resume that adds
# --early-stop watches val_loss, as `train --early-stop` does (it used to watch val_acc).
"$TRAINCTL" resume --from H/mlp-2_3.ckpt --early-stop 1 --min-delta 100 --epochs 6 --out HR -q > /dev/null 2> HR.err
grep -qx 'trainctl: early stop at epoch 4: val_loss has not improved by more than 100 for 1 epoch (best [0-9.]* at epoch 3)' HR.err \
  && pass || fail "resume adding --early-stop: $(cat HR.err)"
# One that watched a metric keeps it: K below kept the best val_acc.

# The monitor: accuracy with --keep-best, the best file named by the validation metric.
tiny K --val-split 0.5 --epochs 2 --keep-best 1 --monitor val_acc -q > /dev/null 2> K.err || fail "keep-best failed: $(cat K.err)"
ls K/mlp-best-*.ckpt > /dev/null 2>&1 && pass || fail "no best checkpoint: $(ls K)"
"$TRAINCTL" resume --from K/mlp-2_3.ckpt --early-stop 1 --min-delta 100 --epochs 5 --out KR -q > /dev/null 2> KR.err
grep -q 'early stop at epoch 4: val_acc has not improved' KR.err && pass || fail "resume of a run watching val_acc: $(cat KR.err)"

# Bad values: exit 2, one line naming the flag, nothing written.
expect_rejected 2 '--val-split must be a fraction between 0 and 1 (exclusive), or "off", got 0' -- train --data "$D" --val-split 0 --out E
expect_rejected 2 '--val-split must be a fraction between 0 and 1 (exclusive), or "off", got 1' -- train --data "$D" --val-split 1 --out E
expect_rejected 2 '--val-split must be a fraction between 0 and 1 (exclusive), or "off", got -0.2' -- train --data "$D" --val-split -0.2 --out E
expect_rejected 2 '--val-split must be a fraction between 0 and 1 (exclusive), or "off", got "half"' -- train --data "$D" --val-split half --out E
expect_rejected 2 '--val-split 0.05: class 0 has 6 of the 60 training images, which leaves none for validation' \
  -- train --data "$D" --val-split 0.05 --out E
expect_rejected 2 '--val-split 0.95: class 0 has 6 of the 60 training images, which leaves none for training' \
  -- train --data "$D" --val-split 0.95 --out E
expect_rejected 2 '--early-stop must be a number of epochs in [1, 1000000] (the patience), or "off", got 0' -- train --data "$D" --early-stop 0 --out E
expect_rejected 2 '--early-stop must be a number of epochs in [1, 1000000] (the patience), or "off", got "soon"' -- train --data "$D" --early-stop soon --out E
expect_rejected 2 '--min-delta must be a number >= 0, got -0.1' -- train --data "$D" --early-stop 2 --min-delta -0.1 --out E
expect_rejected 2 '--monitor must be one of' -- train --data "$D" --early-stop 2 --monitor val_accuracy --out E
expect_rejected 2 '--monitor val_loss: there is no validation set; hold one out with --val-split F (e.g. 0.1), or monitor test_loss' \
  -- train --data "$D" --early-stop 2 --monitor val_loss --out E
expect_rejected 2 '--monitor test_acc: with --val-split the test set is scored once, at the end of the run; monitor val_acc' \
  -- train --data "$D" --val-split 0.5 --keep-best 1 --monitor test_acc --out E
expect_rejected 2 '--early-stop: early stopping needs a score after every epoch' -- train --data "$D" --early-stop 2 --eval false --out E
printf '{"val_split": 1.5}' > bad.json
expect_rejected 2 'bad.json: key "val_split" must be a fraction between 0 and 1' -- train --data "$D" --config bad.json --out E
# A resumed run keeps its split (the steps and the data order follow it).
expect_rejected 2 'a resumed run keeps its stored val_split 0.5 (the images held out' -- resume --from B/mlp-3_2.ckpt --val-split 0.25
finish
