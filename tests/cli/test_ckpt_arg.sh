#!/usr/bin/env bash
# eval, infer, export (--ckpt) and train --init-from take what resume --from takes: a file, a
# bare name found in ckpt/ (train's default --out), a directory meaning its latest, or `latest`;
# with several runs, the run saved last, --run (--init-run for train) picks another.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
"$TRAINCTL" train --data "$DATA" --batch-size 20 --epochs 1 --threads 1 -q > /dev/null 2> train.err || fail "train: $(cat train.err)"
[ -f ckpt/lenet-1_3.ckpt ] && pass || fail "train wrote: $(ls ckpt)"

for spec in latest ckpt lenet-1_3.ckpt ckpt/lenet-1_3.ckpt; do
  "$TRAINCTL" eval --ckpt "$spec" --data "$DATA" > eval.out 2> eval.err && grep -q "ckpt/lenet-1_3.ckpt" eval.out && pass \
    || fail "eval --ckpt $spec: $(cat eval.out eval.err)"
  "$TRAINCTL" infer --ckpt "$spec" --data "$DATA" --count 2 > infer.out 2> infer.err && [ "$(wc -l < infer.out)" -eq 2 ] && pass \
    || fail "infer --ckpt $spec: $(cat infer.out infer.err)"
done
# export's default --out follows the file found.
"$TRAINCTL" export --ckpt latest --format safetensors > /dev/null 2> export.err && [ -f ckpt/lenet-1_3.safetensors ] && pass \
  || fail "export --ckpt latest: $(cat export.err; ls ckpt)"
for spec in latest ckpt lenet-1_3.ckpt; do
  "$TRAINCTL" train --init-from "$spec" --data "$DATA" --batch-size 20 --epochs 1 --threads 1 --out "FT-$spec" -q > /dev/null 2> ft.err \
    && [ -f "FT-$spec/lenet-1_3.ckpt" ] && pass || fail "train --init-from $spec: $(cat ft.err)"
done

# A second run in ckpt/: latest is the run saved last; --run picks the other, by its prefix.
"$TRAINCTL" train --data "$DATA" --net mlp --hidden 16 --batch-size 20 --epochs 1 --threads 1 -q > /dev/null 2> mlp.err \
  || fail "train mlp: $(cat mlp.err)"
"$TRAINCTL" eval --ckpt latest --data "$DATA" --json > eval.json 2> eval.err && grep -q '"net":"mlp"' eval.json && pass \
  || fail "eval --ckpt latest with two runs: $(cat eval.json eval.err)"
grep -qF "trainctl: latest: 2 runs in ckpt/, taking run mlp (saved last): ckpt/mlp-1_3.ckpt; pick a run with --run NAME (runs there: lenet, mlp)" eval.err \
  && pass || fail "eval: note: $(cat eval.err)"
"$TRAINCTL" eval --ckpt latest --run lenet --data "$DATA" --json > eval.json 2> eval.err && grep -q '"net":"lenet5"' eval.json \
  && [ ! -s eval.err ] && pass || fail "eval --run lenet: $(cat eval.json eval.err)"
"$TRAINCTL" export --ckpt ckpt --run lenet --format onnx --out l.onnx > /dev/null 2> export.err && [ -f l.onnx ] && pass \
  || fail "export --run lenet: $(cat export.err)"
expect_rejected 2 "--init-run nope: no checkpoint of that run in ckpt/ (runs there: lenet, mlp)" \
  -- train --init-from latest --init-run nope --data "$DATA" --out FT2
expect_rejected 2 "--ckpt: nope.ckpt: no such checkpoint file or directory (nor ckpt/nope.ckpt)" -- infer --ckpt nope.ckpt --data "$DATA"

finish
