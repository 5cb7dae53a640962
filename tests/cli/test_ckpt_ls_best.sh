#!/usr/bin/env bash
# Real MNIST: `trainctl ckpt ls` marks each run's best checkpoint by the run's monitored metric
# (keep-best's --monitor: acc by default, highest; loss, lowest), among the files evaluated at
# their own step (a mid-epoch file carries an older evaluation); the best file saved at the same
# step is marked too. `ckpt ls FILE` has no run to compare with: no mark.
source "$(dirname "$0")/lib.sh"
need_mnist
MNIST=$(mnist_first_tests 1000) || { fail "could not make the 1,000-test-image folder"; finish; exit; }
run() {  # 640 images in batches of 32: 20 steps per epoch
  "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 640 --threads 2 \
    --keep-max 0 -q --out D "$@" > /dev/null 2>> run.err || fail "train $*: $(cat run.err)"
}
run --epochs 4 --ckpt-steps 10 --keep-best 1 --lr 0.05
run --epochs 3 --monitor loss
"$TRAINCTL" ckpt ls D --json > ls.json && pass || fail "ckpt ls --json failed"
"$PY" - <<'PYEOF' && pass || fail "best marks: $("$TRAINCTL" ckpt ls D)"
import json
rows = json.load(open("ls.json"))["checkpoints"]
for run, monitor in (("lenet", "acc"), ("lenet_1", "loss")):
    mine = [r for r in rows if r.get("run") == run]
    assert all(r["monitor"] == monitor for r in mine), mine
    own = [r for r in mine if r["metrics"] and r["metrics"]["epoch"] == r["epoch"]]
    assert len(own) < len(mine) or run == "lenet_1", "the test needs mid-epoch files"
    value = lambda r: r["metrics"][monitor] * (-1 if monitor == "acc" else 1)
    best = min(own, key=lambda r: (value(r), r["global_step"]))
    marked = sorted(r["file"] for r in mine if r["best"])
    expected = sorted(r["file"] for r in own if r["global_step"] == best["global_step"])
    assert marked == expected, (run, marked, expected)
    assert (len(marked) == 2) == (run == "lenet"), marked  # lenet's step file and its lenet-best copy
PYEOF
"$TRAINCTL" ckpt ls D > ls.txt
head -1 ls.txt | grep -q ' loss  *best  *train time ' && pass || fail "no best column: $(head -1 ls.txt)"
[ "$(grep -c ' acc  *[0-9.]* s  *ok$' ls.txt)" -eq 2 ] && [ "$(grep -c ' loss  *[0-9.]* s  *ok$' ls.txt)" -eq 1 ] && pass \
  || fail "best cells: $(cat ls.txt)"
best=$(grep ' loss  *[0-9.]* s  *ok$' ls.txt | cut -d' ' -f1)
"$TRAINCTL" ckpt ls "D/$best" --json | "$PY" -c 'import json,sys; assert not json.load(sys.stdin)["checkpoints"][0]["best"]' \
  && pass || fail "ckpt ls FILE marked a best"
finish
