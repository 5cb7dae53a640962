#!/usr/bin/env bash
# `resume --from latest` (and DIR) continues the run that saved last, by the checkpoints' metadata
# (run_prefix, saved_at), not the highest global step of any run: with a finished 4-epoch run
# `lenet` and a newer run `lenet_1` stopped early, latest took lenet-4_3 and failed "already
# completed 4 epoch(s)". With several runs one stderr line names the run taken and --run; --run
# NAME picks another; touched files (new mtimes) do not change the choice.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
train() { "$TRAINCTL" train --data "$DATA" --batch-size 20 --threads 1 --out D -q "$@" > /dev/null; }
train --epochs 4 2> a.err || fail "run lenet: $(cat a.err)"
train --epochs 1 2> b.err || fail "run lenet_1: $(cat b.err)"
[ -f D/lenet-4_3.ckpt ] && [ -f D/lenet_1-1_3.ckpt ] && pass || fail "runs: $(ls D)"
# The older run's files get the newest mtimes (a touch, a copy): the metadata still decides.
sleep 0.05; touch D/lenet-*.ckpt

"$TRAINCTL" resume --from latest --dir D --epochs 4 -q > /dev/null 2> latest.err && pass || fail "resume --from latest: $(cat latest.err)"
[ -f D/lenet_1-4_3.ckpt ] && pass || fail "did not continue run lenet_1: $(ls D)"
grep -qF "trainctl: latest: 2 runs in D/, taking run lenet_1 (saved last): D/lenet_1-1_3.ckpt; pick a run with --run NAME (runs there: lenet, lenet_1)" \
  latest.err && pass || fail "note: $(cat latest.err)"
[ "$(wc -l < latest.err)" -eq 1 ] && pass || fail "more than the note: $(cat latest.err)"

# DIR means the same; now lenet_1 is at epoch 4 and still the run saved last.
expect_error 2 "--epochs: D/lenet_1-4_3.ckpt already completed 4 epoch(s)" -- resume --from D --epochs 4 --data "$DATA"
# --run picks another run.
"$TRAINCTL" resume --from latest --dir D --run lenet --more-epochs 1 -q > /dev/null 2> run.err \
  && [ -f D/lenet-5_3.ckpt ] && [ ! -s run.err ] && pass || fail "--run lenet: $(cat run.err; ls D)"
expect_rejected 2 "--run nope: no checkpoint of that run in D/ (runs there: lenet_1, lenet)" -- resume --from latest --dir D --run nope
expect_rejected 2 "--run lenet picks a run for --from latest or DIR, not for a file (D/lenet-5_3.ckpt)" \
  -- resume --from D/lenet-5_3.ckpt --run lenet
# One run: no note.
mkdir E && cp D/lenet_1-4_3.ckpt E/
"$TRAINCTL" resume --from E --more-epochs 1 -q > /dev/null 2> one.err && [ ! -s one.err ] && [ -f E/lenet_1-5_3.ckpt ] && pass \
  || fail "one run: $(cat one.err; ls E)"

finish
