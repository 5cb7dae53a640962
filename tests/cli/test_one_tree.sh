#!/usr/bin/env bash
# One image tree, DIR/<class>/*.png without train/ and test/ (torchvision's ImageFolder(root),
# Keras' image_dataset_from_directory): with --val-split the run trains on the stratified rest and
# scores the held-out images each epoch; without it, it trains on all of it and scores nothing.
# No test set anywhere: start line, Metrics lines, metrics log, ckpt ls, eval, resume.
source "$(dirname "$0")/lib.sh"
"$PY" "$TRAINCTL_SRC/tests/cli/make_image_folder.py" one --one-tree --classes cat,dog,eel,fox --train 10 \
  --non-image || fail "make_image_folder.py"
tiny() {  # OUT [FLAGS...]: an MLP, batch 8, one thread; 40 images, 4 classes
  local out=$1; shift
  "$TRAINCTL" train --data one --net mlp --hidden 16 --batch-size 8 --threads 1 --out "$out" "$@"
}
losses() { grep -E '^(epoch: |Metrics: )' "$1"; }

# --val-split 0.2: 2 of each class's 10 held out, validation scored every epoch, no test set.
tiny V --val-split 0.2 --epochs 2 > V.log 2> V.err || fail "one-tree run failed: $(cat V.err)"
grep -qx 'trainctl: mlp on one (one tree: no test set): 32 train / 8 val images, 4 classes' V.err \
  && pass || fail "start line: $(cat V.err)"
grep -q "note: one: left out 1 entry not named \*.png or \*.pgm: one/cat/notes.txt" V.err && pass || fail "note: $(cat V.err)"
[ "$(grep -c '^Metrics: {"val_acc": [0-9.]*, "val_loss": [0-9.]*}$' V.log)" -eq 2 ] && [ "$(grep -c Metrics V.log)" -eq 2 ] \
  && pass || fail "Metrics lines: $(cat V.log)"
# The log: test_* always empty, val_* in each epoch's last row.
awk -F, 'NR > 1 && ($8 != "" || $9 != "") { bad = 1 } NR > 1 && $10 != "" { n++ } END { exit bad || n != 2 }' \
  V/mlp-metrics.csv && pass || fail "metrics log: $(cat V/mlp-metrics.csv)"
"$TRAINCTL" train --data one --net mlp --hidden 16 --batch-size 8 --threads 1 --val-split 0.2 --epochs 1 -q --out Q \
  > Q.log 2> Q.err && [ "$(cat Q.log)" = "$(sed -n 2p V.log)" ] && [ ! -s Q.err ] && pass \
  || fail "-q: $(cat Q.log Q.err)"

# Without --val-split: all 40 trained, nothing scored, said once; what needs a score is refused.
tiny N --epochs 2 > N.log 2> N.err || fail "one tree without --val-split failed: $(cat N.err)"
grep -qx 'trainctl: mlp on one (one tree, no --val-split: no validation or test set, nothing is scored): 40 train images, 4 classes' N.err \
  && pass || fail "start line without --val-split: $(cat N.err)"
! grep -q Metrics N.log && [ "$(grep -c '^epoch: ' N.log)" -eq 2 ] && [ -f N/mlp-2_5.ckpt ] && pass || fail "no-split run: $(cat N.log)"
expect_rejected 2 '--keep-best: one is one image tree (no test/), so without --val-split nothing is scored to watch; hold out a validation set with --val-split F (e.g. 0.2)' \
  -- train --data one --keep-best 1 --out E
expect_rejected 2 '--early-stop: one is one image tree (no test/), so without --val-split nothing is scored to watch' \
  -- train --data one --early-stop 2 --out E

# eval scores the whole tree and says it is not a held-out set.
"$TRAINCTL" eval --ckpt V/mlp-2_4.ckpt > ev.txt 2> ev.err || fail "eval failed: $(cat ev.err)"
grep -qx 'V/mlp-2_4.ckpt (mlp, epoch 2, step 4) on all 40 images of one (one tree, no test split: the images the run trained on count too)' ev.txt \
  && pass || fail "eval header: $(head -2 ev.txt)"
"$TRAINCTL" eval --ckpt V/mlp-2_4.ckpt --data one --json | "$PY" -c 'import json,sys; j=json.load(sys.stdin); assert j["split"] == "all" and j["count"] == 40, j' \
  && pass || fail "eval --json"
# --split val: the 8 images the run held out, drawn again from its seed: the run's last val metrics.
"$TRAINCTL" eval --ckpt V/mlp-2_4.ckpt --split val > evv.txt 2>&1 || fail "eval --split val: $(cat evv.txt)"
[ "$(sed -n 2p evv.txt)" = "$(tail -1 V.log | sed 's/val_//g')" ] && grep -q ') on 8 val images$' evv.txt && pass \
  || fail "eval --split val: $(head -2 evv.txt) vs $(tail -1 V.log)"
expect_rejected 2 '--split val: the run of N/mlp-2_5.ckpt held out no validation set (no --val-split)' \
  -- eval --ckpt N/mlp-2_5.ckpt --split val
"$TRAINCTL" infer --ckpt V/mlp-2_4.ckpt --count 2 > inf.txt 2>&1 && grep -q '^one/[a-z]*/[a-z]*-00[0-9]*.png (truth ' inf.txt \
  && pass || fail "infer picks from the tree: $(cat inf.txt)"
expect_rejected 2 '--save one/grid.png: inside the image folder one that infer reads its images from' \
  -- infer --ckpt V/mlp-2_4.ckpt --count 2 --save one/grid.png

# ckpt ls: the validation columns, the best by the monitored val_loss.
tiny K --val-split 0.2 --epochs 3 --keep-best 1 --monitor loss -q > /dev/null 2> K.err || fail "keep-best: $(cat K.err)"
"$TRAINCTL" ckpt ls K > ls.txt
head -1 ls.txt | grep -q ' acc  *loss  *val acc  *val loss  *best ' && pass || fail "ckpt ls header: $(head -1 ls.txt)"
best=$(sort -k11,11 -g <(awk 'NR > 1 && $1 !~ /best/ { print $0 }' ls.txt) | head -1 | cut -d' ' -f1)
[ "$(grep -c ' val_loss  ' ls.txt)" -eq 2 ] && grep -q "^$best .* val_loss " ls.txt && pass || fail "ckpt ls best: $(cat ls.txt)"

# Resume exactness with --early-stop: no val_loss falls by 100, so patience 2 stops at epoch 3.
# Resumed from global step 6 (mid-epoch 2): the same split, losses, log rows and tensors.
tiny A --val-split 0.2 --early-stop 2 --min-delta 100 --epochs 10 --ckpt-steps 2 --keep-max 0 --log-every 1 \
  > A.log 2> A.err || fail "early-stopped run: $(cat A.err)"
grep -q 'trainctl: early stop at epoch 3: val_loss has not improved by more than 100 for 2 epochs' A.err && pass \
  || fail "early stop: $(cat A.err)"
mkdir B && cp A/mlp-2_2.ckpt A/mlp-graph.meta A/mlp-metrics.csv B/
"$TRAINCTL" resume --from B/mlp-2_2.ckpt > B.log 2> B.err || fail "resume failed: $(cat B.err)"
tr '\n' ' ' < B.err | grep -q '(one tree: no test set): 32 train / 8 val images, .*resuming at global step 6' && pass || fail "resume start: $(cat B.err)"
diff <(losses A.log | tail -n +8) <(losses B.log) > B.diff && pass || fail "resumed losses differ: $(head -5 B.diff)"
"$TRAINCTL" ckpt diff A/mlp-3_4.ckpt B/mlp-3_4.ckpt > B.ckdiff 2>&1 && pass || fail "final tensors differ: $(tail -3 B.ckdiff)"
untimed() { cut -d, -f1-3,5,6,8- "$1"; }  # without time_s and samples_per_s
diff <(untimed A/mlp-metrics.csv) <(untimed B/mlp-metrics.csv) > csv.diff && pass || fail "metrics logs differ: $(head -5 csv.diff)"

# summary's per-epoch count reads the tree and holds out what --val-split would (32 of 40, batch 5: 6 steps).
printf '{"net": "mlp", "hidden": [16], "batch_size": 5, "val_split": 0.2}' > v.json
"$TRAINCTL" summary --config v.json --data one | grep -q '^FLOPs per epoch (30 samples): ' && pass \
  || fail "summary: $("$TRAINCTL" summary --config v.json --data one 2>&1 | grep -i epoch)"

# mpirun -np 2 (release builds; Open MPI's start-up leaks under the sanitizers): 2 ranks split
# each batch and score the validation images sharded, to the same Metrics as one process.
if command -v mpirun > /dev/null && ! sanitized; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  mpirun -np 2 --oversubscribe "$TRAINCTL" train --data one --net mlp --hidden 16 --batch-size 8 --threads 1 \
    --val-split 0.2 --epochs 2 --out M > M.log 2> M.err || fail "mpirun -np 2 failed: $(cat M.err)"
  tr '\n' ' ' < M.err | grep -q '(one tree: no test set): 32 train / 8 val images, .* per rank x 2 ranks' && pass || fail "mpi start: $(cat M.err)"
  diff <(grep '^Metrics' V.log) <(grep '^Metrics' M.log) > /dev/null && pass || fail "N=2 metrics: $(grep -h Metrics V.log M.log)"
fi

# --train-limit on a folder takes the classes in turn: 8 of the 40 are two of each class (its first
# 8 would be cat's alone), so --val-split 0.5 holds out one of each; summary counts the same 4.
"$TRAINCTL" train --data one --net mlp --hidden 16 --batch-size 2 --threads 1 --train-limit 8 --val-split 0.5 \
  --epochs 1 --out L > L.log 2> L.err || fail "limited run failed: $(cat L.err)"
grep -q ': 4 train / 4 val images, 4 classes' L.err && pass || fail "limited start line: $(cat L.err)"
"$TRAINCTL" eval --ckpt L/mlp-latest --split val --json > Lv.json 2> Lv.err || fail "eval --split val: $(cat Lv.err)"
"$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit([c["support"] for c in j["classes"]] != [1, 1, 1, 1])' Lv.json \
  && pass || fail "limited val split per class: $(cat Lv.json)"
"$TRAINCTL" summary --data one --net mlp --hidden 16 --batch-size 2 --train-limit 8 --val-split 0.5 2>&1 \
  | grep -q 'FLOPs per epoch (4 samples)' && pass || fail "summary of a limited folder run"
finish
