#!/usr/bin/env bash
# Real MNIST: the run's metrics log DIR/PREFIX-metrics.csv (docs/metrics.md): its header, rows and
# cells after a train; --log-every and its default; after a resume from a mid-epoch checkpoint, a
# branch resume (prefix_1 gets its own log) and SIGKILLs then resumes, the log equals the
# uninterrupted run's row for row except time_s and samples_per_s. A symlink at the log's name is
# never followed.
source "$(dirname "$0")/lib.sh"
need_mnist
MNIST=$(mnist_first_tests 1000) || { fail "could not make the 1,000-test-image folder"; finish; exit; }
HEADER=epoch,step,global_step,time_s,lr,loss,samples_per_s,test_loss,test_acc,val_loss,val_acc

# 1,000 images in batches of 50: 20 steps per epoch, 3 epochs, a checkpoint every 10 steps.
run() {  # OUT [FLAGS...]
  local out=$1; shift
  "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 1000 \
    --batch-size 50 --epochs 3 --ckpt-steps 10 --keep-max 0 --log-every 3 --threads 2 --out "$out" "$@"
}
# The log without the columns that time the run: what any resume must reproduce exactly.
untimed() { cut -d, -f1-3,5,6,8- "$1"; }

run A > A.log 2> A.err || { fail "training failed: $(cat A.err)"; finish; exit; }
[ -f A/lenet-metrics.csv ] && pass || { fail "no A/lenet-metrics.csv: $(ls A)"; finish; exit; }
# Rows: steps 3,6,...,18 and the epoch's last (20) per epoch, then the evaluation's row.
"$PY" - A/lenet-metrics.csv A.log "$HEADER" <<'PYEOF' && pass || fail "A/lenet-metrics.csv: $(head -5 A/lenet-metrics.csv)"
import csv, re, sys
path, log, header = sys.argv[1:]
text = open(path).read()
assert text.splitlines()[0] == header, text.splitlines()[0]
rows = list(csv.DictReader(open(path)))
assert all(len(r) == 11 and None not in r for r in rows), "a row has another number of cells"
expected = []
for e in range(1, 4):
    expected += [("step", e, s, (e - 1) * 20 + s) for s in (3, 6, 9, 12, 15, 18, 20)]
    expected.append(("eval", e, 20, e * 20))
got = [("eval" if r["test_acc"] else "step", int(r["epoch"]), int(r["step"]), int(r["global_step"])) for r in rows]
assert got == expected, got
printed = re.findall(r"^epoch: (\d+) step: (\d+), loss is (\S+)$", open(log).read(), re.M)
steps = [r for r in rows if not r["test_acc"]]
assert [(r["epoch"], r["step"], r["loss"]) for r in steps] == printed, "the step rows' losses are not the printed ones"
for r in steps:
    assert r["test_loss"] == r["test_acc"] == r["val_loss"] == r["val_acc"] == "", r
    assert float(r["lr"]) == 0.01 and float(r["samples_per_s"]) > 0 and float(r["time_s"]) > 0, r
evals = [r for r in rows if r["test_acc"]]
metrics = re.findall(r'^Metrics: \{"acc": (\S+), "loss": (\S+)\}$', open(log).read(), re.M)
for r, (acc, loss) in zip(evals, metrics):
    assert r["loss"] == r["samples_per_s"] == r["val_loss"] == r["val_acc"] == "", r
    assert "%.4f" % float(r["test_acc"]) == acc and "%.4f" % float(r["test_loss"]) == loss, (r, acc, loss)
times = [float(r["time_s"]) for r in rows]
assert times == sorted(times), "time_s goes back"
PYEOF

# Without --log-every the printed lines come once per epoch, the log's rows every 50 steps:
# 100 steps of 10 images give rows at 50 and 100, then the evaluation's.
"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 1000 --batch-size 10 \
  --epochs 1 --threads 2 --out DEF > DEF.log 2> DEF.err || fail "default run failed: $(cat DEF.err)"
[ "$(cut -d, -f1-3 DEF/lenet-metrics.csv | tr '\n' ' ')" = "epoch,step,global_step 1,50,50 1,100,100 1,100,100 " ] && pass \
  || fail "default --log-every: $(cat DEF/lenet-metrics.csv)"

# Resume from a mid-epoch checkpoint (global step 30) in a copy of the run: the log's rows past
# step 30 are dropped, the resumed run appends the rest.
mkdir B && cp A/lenet-2_10.ckpt A/lenet-graph.meta A/lenet-metrics.csv B/
"$TRAINCTL" resume --from B/lenet-2_10.ckpt > B.log 2> B.err || fail "resume failed: $(cat B.err)"
diff <(untimed A/lenet-metrics.csv) <(untimed B/lenet-metrics.csv) > B.diff && pass \
  || fail "the resumed log differs from the uninterrupted one: $(head -5 B.diff)"
[ ! -e B/lenet-metrics.csv.tmp ] && pass || fail "a temporary is left: $(ls B)"

# The same checkpoint resumed in A itself branches (A's later checkpoints are kept): run lenet_1
# starts its own log from A's rows up to step 30, and A's log is left as it was.
before=$(md5sum < A/lenet-metrics.csv)
"$TRAINCTL" resume --from A/lenet-2_10.ckpt > A1.log 2> A1.err || fail "branch resume failed: $(cat A1.err)"
grep -q 'continuing as run lenet_1' A1.err && pass || fail "the resume did not branch: $(cat A1.err)"
diff <(untimed A/lenet-metrics.csv) <(untimed A/lenet_1-metrics.csv) > A1.diff && pass \
  || fail "the branch's log differs from the uninterrupted one: $(head -5 A1.diff)"
[ "$(md5sum < A/lenet-metrics.csv)" = "$before" ] && pass || fail "the branch changed A/lenet-metrics.csv"

# SIGKILLs: a run with a row per step and a checkpoint every 7 steps, killed three times once its
# log has passed 40, 120 and 200 rows (each time rows past its last checkpoint are logged), then
# resumed each time from its latest, ends with the uninterrupted run's log.
# Release build only, as test_crash_kill: what a kill leaves on disk does not depend on the
# sanitizers, and the four runs on real MNIST were a tenth of the ASan suite's time.
if sanitized; then
  echo "skip: the SIGKILL runs (release build only)"
else
  KARGS=(--config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 1000 --batch-size 20
         --epochs 6 --log-every 1 --threads 2 --keep-max 2)
  "$TRAINCTL" train "${KARGS[@]}" --ckpt-steps 0 -q --out KREF > /dev/null 2> KREF.err || fail "reference failed: $(cat KREF.err)"
  rows() { local n=0; [ -f K/lenet-metrics.csv ] && n=$(wc -l < K/lenet-metrics.csv); echo "$n"; }
  truncated=0
  for at in 40 120 200; do
    if [ -d K ]; then "$TRAINCTL" resume --from latest --dir K > /dev/null 2> K.err &
    else "$TRAINCTL" train "${KARGS[@]}" --ckpt-steps 7 --out K > /dev/null 2> K.err & fi
    pid=$!
    while kill -0 "$pid" 2> /dev/null && [ "$(rows)" -le "$at" ]; do sleep 0.005; done
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    last=$(tail -1 K/lenet-metrics.csv | cut -d, -f3)
    latest=$("$TRAINCTL" ckpt inspect K/lenet-latest --json 2> /dev/null | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["train_state"]["global_step"])' 2> /dev/null)
    [ -n "$latest" ] && [ "$last" -gt "$latest" ] && truncated=$((truncated + 1))
  done
  "$TRAINCTL" resume --from latest --dir K > /dev/null 2> K.err || fail "the last resume failed: $(cat K.err)"
  [ "$truncated" -gt 0 ] && pass || fail "no kill left rows past the latest checkpoint: the test checked no truncation"
  diff <(untimed KREF/lenet-metrics.csv) <(untimed K/lenet-metrics.csv) > K.diff && pass \
    || fail "after SIGKILLs and resumes the log differs from the uninterrupted one: $(head -5 K.diff)"
fi

# A symlink at the log's name: a resume refuses it (one line, nothing changed, the target intact),
# a new run takes the next prefix instead of writing through it.
mkdir S && cp A/lenet-2_10.ckpt A/lenet-graph.meta S/ && echo "not yours" > "$SCRATCH/target" \
  && ln -s "$SCRATCH/target" S/lenet-metrics.csv
expect_rejected 74 "S/lenet-metrics.csv: the run's metrics log is not a regular file" -- resume -q --from S/lenet-2_10.ckpt
"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 100 --epochs 1 \
  --eval false --threads 2 --out S > /dev/null 2> S.err || fail "train next to a symlinked log failed: $(cat S.err)"
[ -f S/lenet_1-metrics.csv ] && [ "$(cat "$SCRATCH/target")" = "not yours" ] && pass \
  || fail "a new run wrote through the symlink or not its own log: $(ls S) $(cat "$SCRATCH/target")"
finish
