#!/usr/bin/env bash
# A non-finite loss: the breakpoint is marked diverged in its metadata (ckpt inspect shows the
# key), ckpt ls says so, `resume --from latest` skips it (and the step file of the same state)
# with a note, and the error names the last healthy checkpoint as a command to paste, which
# works with a lower --lr. A double Ctrl-C while the run is held up after that save says the
# breakpoint was saved (it said "without a breakpoint").
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
train() { "$TRAINCTL" train --data "$DATA" --batch-size 20 --ckpt-steps 1 --keep-max 0 --threads 1 -q "$@"; }
train --out D --epochs 2 > /dev/null 2> healthy.err || fail "training failed: $(cat healthy.err)"
# lr 1e30: the first step's update blows the weights up, the next loss is not finite.
"$TRAINCTL" resume --from latest --dir D --epochs 4 --lr 1e30 -q > /dev/null 2> div.err; rc=$?
[ "$rc" -eq 1 ] && pass || fail "diverging resume: exit $rc, expected 1 ($(cat div.err))"
bp=$(ls D/*_breakpoint.ckpt 2> /dev/null | head -1)
[ -n "$bp" ] && pass || fail "no breakpoint: $(ls D)"
# The breakpoint holds global step 7 (lenet-3_1), as does lenet-3_1.ckpt: the last healthy one is lenet-2_3.
grep -qF "training diverged; breakpoint saved: D/lenet-3_1_breakpoint.ckpt (marked diverged" div.err && pass \
  || fail "message: $(cat div.err)"
grep -qF "resume from the last healthy checkpoint with a lower learning rate: $TRAINCTL resume --from D/lenet-2_3.ckpt --lr 1e+29" div.err \
  && pass || fail "no healthy checkpoint named: $(cat div.err)"
[ "$(wc -l < div.err)" -eq 1 ] && pass || fail "more than one line: $(cat div.err)"

# The mark: a metadata key, shown by inspect and ls (text and JSON).
"$TRAINCTL" ckpt inspect "$bp" --json > bp.json
"$PY" -c 'import json,sys; j = json.load(open("bp.json")); m = j["other_metadata"]; assert m["diverged"].startswith("loss ") and m["saved_at"].endswith("Z"), m' \
  && pass || fail "inspect: no diverged key: $(head -c 300 bp.json)"
"$TRAINCTL" ckpt ls D > ls.txt 2>&1
grep -Eq "^lenet-3_1_breakpoint.ckpt .* diverged \(loss (nan|inf|-inf) at global step 8\)$" ls.txt && pass || fail "ls: $(cat ls.txt)"
grep -Eq "^lenet-3_1.ckpt .* diverged \(the state of diverged lenet-3_1_breakpoint.ckpt\)$" ls.txt && pass || fail "ls, same state: $(cat ls.txt)"
grep -Eq "^lenet-2_3.ckpt .* ok$" ls.txt && pass || fail "ls, healthy: $(cat ls.txt)"
"$TRAINCTL" ckpt ls D --json | "$PY" -c '
import json, sys
rows = {r["file"]: r for r in json.load(sys.stdin)["checkpoints"]}
b = rows["lenet-3_1_breakpoint.ckpt"]
assert b["ok"] and b["status"].startswith("diverged") and b["diverged"], b
assert rows["lenet-2_3.ckpt"]["status"] == "ok" and rows["lenet-2_3.ckpt"]["diverged"] is None' && pass || fail "ls --json"
# The latest pointer stays on a file of the run, never the diverged breakpoint.
[ "$(latest_name D/lenet-latest)" != "$(basename "$bp")" ] && pass || fail "lenet-latest names the diverged breakpoint"

# latest skips the diverged files, saying so, and continues from lenet-2_3 with a lower lr.
"$TRAINCTL" resume --from latest --dir D --epochs 3 --lr 0.001 -q > /dev/null 2> res.err && pass || fail "resume --from latest --lr 0.001: $(cat res.err)"
grep -qF "note: skipping D/lenet-3_1_breakpoint.ckpt: diverged (loss" res.err && pass || fail "no skip note: $(cat res.err)"
grep -qF "newer than lenet-2_3.ckpt" res.err && pass || fail "did not resume lenet-2_3: $(cat res.err)"
[ -f "$bp" ] && pass || fail "the diverged breakpoint was removed"

# Ctrl-C twice while the diverged run is held up writing its error line (after the save).
train --out Q --epochs 2 > /dev/null 2> q.err || fail "training Q failed: $(cat q.err)"
rc=$("$PY" "$TRAINCTL_SRC/tests/cli/interrupt_blocked_exit.py" 'Q/*_breakpoint.ckpt' twice.err -- \
       "$TRAINCTL" resume --from latest --dir Q --epochs 4 --lr 1e30 -q)
[ "$rc" = 130 ] && pass || fail "double Ctrl-C: exit $rc ($(cat twice.err))"
grep -q "without a breakpoint" twice.err && fail "double Ctrl-C after the diverged save: $(cat twice.err)" || pass
grep -qF "second interrupt: exiting at once; breakpoint saved: Q/lenet-3_1_breakpoint.ckpt (marked diverged" twice.err \
  && pass || fail "double Ctrl-C: stderr: $(cat twice.err)"

finish
