#!/usr/bin/env bash
# --timings on train and resume: the phase table on stderr and one "Timings: {...}" JSON line,
# last on stdout, whose phases add up to the wall time; without the flag neither appears.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
run() { "$TRAINCTL" "$@" --data "$SCRATCH/data" --threads 1 2> "$SCRATCH/err"; }
run train --epochs 1 --batch-size 20 --out plain > plain.log || fail "train failed: $(cat "$SCRATCH/err")"
! grep -q 'Timings\|timings' plain.log "$SCRATCH/err" && pass || fail "timings without --timings: $(cat plain.log)"

check_timings() {  # $1: stdout log; stderr in $SCRATCH/err
  tail -n 1 "$1" | grep -q '^Timings: {' && pass || fail "last stdout line is not Timings: $(cat "$1")"
  for phase in 'data loading' 'training steps' 'evaluation' 'checkpoints'; do
    grep -q "^  $phase " "$SCRATCH/err" && pass || fail "no '$phase' row: $(cat "$SCRATCH/err")"
  done
  tail -n 1 "$1" | sed 's/^Timings: //' | "$PY" -c '
import json, sys
t = json.load(sys.stdin)
parts = sum(t[k] for k in ("data_s", "batches_s", "steps_s", "eval_s", "save_s", "other_s"))
# (the tiny test set evaluates in well under the millisecond the JSON shows: eval_s may read 0.000)
assert t["wall_s"] > 0 and t["steps_s"] > 0 and t["eval_s"] >= 0, t
assert abs(parts - t["wall_s"]) < 0.01, (parts, t)
assert 0 <= t["not_steps_pct"] <= 100, t
' && pass || fail "Timings JSON does not add up: $(tail -n 1 "$1")"
}
run train --epochs 1 --batch-size 20 --out t --timings > train.log || fail "train --timings failed: $(cat "$SCRATCH/err")"
check_timings train.log
run resume --from latest --dir t --more-epochs 1 --timings -q > resume.log || fail "resume --timings failed: $(cat "$SCRATCH/err")"
check_timings resume.log
finish
