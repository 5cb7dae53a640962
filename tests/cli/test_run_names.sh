#!/usr/bin/env bash
# Runs X, X-best (started before a prefix ending in -best was refused), X_1 and X-1 share one
# directory: run X pruning by every keep policy (keep-best, keep-max, keep-per-minutes, a
# breakpoint) and run X-best resumed leave every other run's files byte for byte and their
# latest pointers valid. A new prefix ending in -best is refused; run X-1 leaves the prefix X
# free. Synthetic data (tests/cli/make_idx.py): 6 steps per epoch, each run takes a second.
source "$(dirname "$0")/lib.sh"
small_mnist DATA
run() { "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data DATA --batch-size 10 --threads 1 -q "$@"; }

# A new prefix ending in -best is refused, from a flag or a config file; -best elsewhere is fine.
expect_rejected 2 '--prefix lenet-best: a prefix ending in "-best" is reserved for best checkpoints of run "lenet" (lenet-best-E_S.ckpt); choose another' \
  -- train --data DATA --prefix lenet-best --out R
echo '{"prefix": "a-best"}' > "$SCRATCH/best.json"
expect_rejected 2 "$SCRATCH/best.json: key \"prefix\" is \"a-best\": a prefix ending in \"-best\" is reserved for best checkpoints of run \"a\"" \
  -- train --config "$SCRATCH/best.json" --data DATA --out R
run --out OK --prefix lenet-best-x.1 --epochs 1 > /dev/null 2> OK.err && [ -f OK/lenet-best-x.1-1_6.ckpt ] && pass \
  || fail "--prefix lenet-best-x.1: $(cat OK.err) ($(ls OK))"

# Run X-1's files are not run X's: X is still free beside them.
run --out F --prefix X-1 --epochs 1 > /dev/null 2>&1
run --out F --prefix X --epochs 1 > /dev/null 2> F.err
[ -f F/X-1_6.ckpt ] && [ -f F/X-1-1_6.ckpt ] && pass || fail "run X beside run X-1 was not named X: $(ls F) $(cat F.err)"

# The shared directory D: runs X, X-1 and X_1 (a second --prefix X), then an old run X-best:
# run Y made into X-best, with its step files at X's best names (X-best-1_6.ckpt ...).
run --out D --prefix X --epochs 1 --keep-max 0 > /dev/null 2>&1
run --out D --prefix X-1 --epochs 2 --keep-max 0 --keep-best 1 > /dev/null 2>&1
run --out D --prefix X --epochs 2 --keep-max 0 --keep-best 1 > /dev/null 2>&1
run --out L --prefix Y --epochs 3 --ckpt-steps 3 --keep-max 0 --keep-best 2 > /dev/null 2>&1
"$PY" "$TRAINCTL_SRC/tests/cli/make_legacy_run.py" L Y X-best || fail "make_legacy_run.py"
mv L/* D/
for f in X-1_6.ckpt X-1-2_6.ckpt X_1-2_6.ckpt X-best-2_6.ckpt X-best-latest X-best-graph.meta; do
  [ -e "D/$f" ] && pass || fail "setup: D/$f missing ($(ls D | tr '\n' ' '))"
done
# Every file but run X's own, with its bytes (a latest pointer: its target's).
(cd D && ls | grep -Ev '^X-([0-9]+_[0-9]+(_breakpoint)?\.ckpt|graph\.meta|latest|metrics\.csv)$') > others.list
(cd D && xargs -a ../others.list sha256sum) > others.sum
others_intact() {  # WHAT
  if (cd D && sha256sum --quiet -c ../others.sum > ../check.out 2>&1); then pass
  else fail "$1 changed other runs' files: $(head -5 check.out) (now: $(ls D | tr '\n' ' '))"; fi
  for l in D/X-best-latest D/X-1-latest D/X_1-latest; do
    [ -f "$l" ] && pass || fail "$1: $l dangles ($(ls -l "$l"))"
  done
}
resume_x() {  # WHAT FLAGS...: resume run X from its newest checkpoint
  local what=$1; shift
  "$TRAINCTL" resume --from "D/$(latest_name D/X-latest)" "$@" > "$what.out" 2> "$what.err"
}

# keep-best: epochs 2 and 3 would be X-best-2_6/3_6, run X-best's step files: not written over
# (a warning says so); epochs 4 and 5 are X's own, the older dropped.
resume_x best --epochs 5 --keep-best 1 || fail "keep-best resume: $(cat best.err)"
others_intact "run X with --keep-best 1"
grep -qF "warning: D/X-best-2_6.ckpt exists and is not this run's file (another run's, a symlink or unreadable): best checkpoint not saved" best.err \
  && pass || fail "keep-best: no warning for X-best-2_6.ckpt: $(cat best.err)"
[ "$(ls D | grep -c '^X-best-[45]_6\.ckpt$')" -eq 1 ] && pass || fail "keep-best 1: run X's own best files: $(ls D)"

resume_x max --epochs 6 --ckpt-steps 2 --keep-max 2 -q || fail "keep-max resume: $(cat max.err)"
others_intact "run X with --keep-max 2"
[ "$(ls D | grep -Ec '^X-[0-9]+_[0-9]+\.ckpt$')" -eq 2 ] && pass || fail "keep-max 2 kept: $(ls D | grep -E '^X-[0-9]+_')"

resume_x minutes --epochs 7 --ckpt-steps 1 --keep-max 0 --keep-per-minutes 1000 -q || fail "keep-per-minutes: $(cat minutes.err)"
others_intact "run X with --keep-per-minutes"

resume_x diverge --epochs 8 --keep-max 1 --lr 1e30 -q
grep -q "training diverged.*breakpoint saved: D/X-.*_breakpoint.ckpt" diverge.err && pass || fail "breakpoint: $(cat diverge.err)"
others_intact "run X's breakpoint"

# Run X-best resumed (with every keep policy) branches: its next step files would bear X's best
# names. Run X's files stay as they are too.
(cd D && ls | grep -E '^X-([0-9]+_[0-9]+(_breakpoint)?\.ckpt|graph\.meta|latest|metrics\.csv|best-[0-9]+_[0-9]+\.ckpt)$' | xargs sha256sum) > x.sum
"$TRAINCTL" resume --from D/X-best-3_6.ckpt --epochs 5 --keep-max 1 --keep-best 1 -q > old.out 2> old.err \
  || fail "resuming run X-best: $(cat old.err)"
[ "$(cat old.err)" = 'trainctl: run prefix "X-best" also names the best checkpoints of run "X" (X-best-E_S.ckpt): continuing as run X-best_1 (files X-best_1-*)' ] \
  && pass || fail "resuming run X-best said: $(cat old.err)"
others_intact "run X-best resumed"
(cd D && sha256sum --quiet -c ../x.sum > ../check.out 2>&1) && pass || fail "run X-best resumed changed run X's files: $(head -3 check.out)"
[ -f D/X-best_1-5_6.ckpt ] && [ "$(latest_name D/X-best_1-latest)" = X-best_1-5_6.ckpt ] && pass \
  || fail "run X-best did not continue as X-best_1: $(ls D | tr '\n' ' ')"
"$TRAINCTL" ckpt inspect D/X-best_1-5_6.ckpt --json | grep -q '"run_prefix":"X-best_1"' && pass \
  || fail "X-best_1-5_6.ckpt does not store run_prefix X-best_1"

finish
