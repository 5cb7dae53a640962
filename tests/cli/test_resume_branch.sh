#!/usr/bin/env bash
# Resuming from a checkpoint older than others of its run (step, best or breakpoint files whose
# metadata names the run) branches: the run continues as PREFIX_N, says so in one line, and every
# newer file keeps its bytes. Resuming the newest continues the run itself. Synthetic data
# (tests/cli/make_idx.py): 6 steps per epoch, each run takes a second.
source "$(dirname "$0")/lib.sh"
small_mnist DATA
run() { "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data DATA --batch-size 10 --threads 1 -q "$@"; }

run --out B --epochs 3 --keep-max 0 > /dev/null 2>&1
(cd B && sha256sum lenet-*.ckpt lenet-graph.meta) > B.sum
intact() {  # WHAT
  if (cd B && sha256sum --quiet -c ../B.sum > ../check.out 2>&1); then pass; else fail "$1 changed run lenet's files: $(head -3 check.out)"; fi
}

# The same run from epoch 1 on: a branch lenet_1 whose epoch 3 is the original epoch 3, exactly.
"$TRAINCTL" resume --from B/lenet-1_6.ckpt -q > /dev/null 2> B1.err || fail "resume from lenet-1_6: $(cat B1.err)"
[ "$(cat B1.err)" = "trainctl: lenet-2_6.ckpt and lenet-3_6.ckpt are newer than lenet-1_6.ckpt: continuing as run lenet_1 (files lenet_1-*), the newer checkpoints are kept" ] \
  && pass || fail "branch line: $(cat B1.err)"
intact "resume from lenet-1_6"
[ "$(latest_name B/lenet-latest)" = lenet-3_6.ckpt ] && pass || fail "lenet-latest moved to $(latest_name B/lenet-latest)"
[ "$(latest_name B/lenet_1-latest)" = lenet_1-3_6.ckpt ] && [ -f B/lenet_1-2_6.ckpt ] && pass || fail "branch files: $(ls B)"
"$TRAINCTL" ckpt diff B/lenet-3_6.ckpt B/lenet_1-3_6.ckpt > diff.out 2>&1 && pass || fail "the branch is not the exact run: $(tail -3 diff.out)"
"$TRAINCTL" ckpt inspect B/lenet_1-3_6.ckpt --json | grep -q '"run_prefix":"lenet_1"' && pass || fail "lenet_1-3_6 does not store run_prefix lenet_1"

# The issue's case, a new lr: lenet_2. With --keep-max 1 the branch counts only its own files.
"$TRAINCTL" resume --from B/lenet-1_6.ckpt --lr 0.05 -q > /dev/null 2> B2.err && [ -f B/lenet_2-3_6.ckpt ] && pass \
  || fail "resume --lr 0.05: $(cat B2.err) ($(ls B))"
intact "resume --lr 0.05"
"$TRAINCTL" resume --from B/lenet-1_6.ckpt --keep-max 1 -q > /dev/null 2> B3.err || fail "resume --keep-max 1: $(cat B3.err)"
[ "$(ls B | grep '^lenet_3-[0-9]')" = lenet_3-3_6.ckpt ] && pass || fail "keep-max 1 in branch lenet_3 kept: $(ls B | grep lenet_3)"
intact "resume --keep-max 1"

# A branch's own older checkpoint branches again, under the next prefix of the run's --prefix.
"$TRAINCTL" resume --from B/lenet_1-2_6.ckpt -q > /dev/null 2> B4.err
[ "$(cat B4.err)" = "trainctl: lenet_1-3_6.ckpt is newer than lenet_1-2_6.ckpt: continuing as run lenet_4 (files lenet_4-*), the newer checkpoint is kept" ] \
  && pass || fail "branch of a branch: $(cat B4.err)"

# A run that diverges in its branch saves its breakpoint there.
"$TRAINCTL" resume --from B/lenet-2_6.ckpt --lr 1e30 -q > /dev/null 2> B5.err
grep -q "breakpoint saved: B/lenet_5-.*_breakpoint.ckpt" B5.err && pass || fail "breakpoint in a branch: $(cat B5.err)"
intact "a diverging branch"

# Two resumes at once that both branch (of runs lenet and lenet_2) never share a prefix.
"$TRAINCTL" resume --from B/lenet-2_6.ckpt -q > /dev/null 2> C1.err & p1=$!
"$TRAINCTL" resume --from B/lenet_2-2_6.ckpt -q > /dev/null 2> C2.err & p2=$!
wait $p1 || fail "concurrent resume 1: $(cat C1.err)"
wait $p2 || fail "concurrent resume 2: $(cat C2.err)"
b1=$(sed -n 's/.*continuing as run \([^ ]*\) .*/\1/p' C1.err) b2=$(sed -n 's/.*continuing as run \([^ ]*\) .*/\1/p' C2.err)
[ -n "$b1" ] && [ -n "$b2" ] && [ "$b1" != "$b2" ] && [ -f "B/$b1-3_6.ckpt" ] && [ -f "B/$b2-3_6.ckpt" ] && pass \
  || fail "concurrent branches: '$b1' and '$b2' ($(cat C1.err C2.err))"
intact "two concurrent resumes"

# The newest checkpoint continues the run itself, silently.
"$TRAINCTL" resume --from B/lenet-3_6.ckpt --epochs 4 -q > /dev/null 2> B6.err
[ ! -s B6.err ] && [ "$(latest_name B/lenet-latest)" = lenet-4_6.ckpt ] && pass || fail "resume from the newest: $(cat B6.err) ($(ls B))"

# A best file alone past the resumed one branches too.
run --out K --epochs 2 --keep-max 0 --keep-best 2 > /dev/null 2>&1
rm K/lenet-2_6.ckpt
sum=$(sha256sum < K/lenet-best-2_6.ckpt)
"$TRAINCTL" resume --from K/lenet-1_6.ckpt -q > /dev/null 2> K.err
[ "$(cat K.err)" = "trainctl: lenet-best-2_6.ckpt is newer than lenet-1_6.ckpt: continuing as run lenet_1 (files lenet_1-*), the newer checkpoint is kept" ] \
  && [ "$(sha256sum < K/lenet-best-2_6.ckpt)" = "$sum" ] && pass || fail "a newer best file: $(cat K.err)"

# So does a breakpoint alone.
run --out P --epochs 1 --keep-max 0 > /dev/null 2>&1
"$TRAINCTL" resume --from P/lenet-1_6.ckpt --epochs 2 --lr 1e30 -q > /dev/null 2>&1
bp=$(cd P && ls lenet-2_*_breakpoint.ckpt 2> /dev/null)
sum=$(sha256sum < "P/$bp")
"$TRAINCTL" resume --from P/lenet-1_6.ckpt --epochs 2 -q > /dev/null 2> P.err
[ -n "$bp" ] && [ "$(cat P.err)" = "trainctl: $bp is newer than lenet-1_6.ckpt: continuing as run lenet_1 (files lenet_1-*), the newer checkpoint is kept" ] \
  && [ "$(sha256sum < "P/$bp")" = "$sum" ] && [ -f P/lenet_1-2_6.ckpt ] && pass || fail "a newer breakpoint '$bp': $(cat P.err) ($(ls P))"

# Another run's file under the run's name is not its history (no branch), and is never written
# over: the save that would replace it fails (exit 74), the file keeps its bytes.
run --out Q --epochs 1 --keep-max 0 > /dev/null 2>&1
run --out Q2 --prefix other --epochs 3 --keep-max 0 > /dev/null 2>&1
cp Q2/other-3_6.ckpt Q/lenet-3_6.ckpt
sum=$(sha256sum < Q/lenet-3_6.ckpt)
"$TRAINCTL" resume --from Q/lenet-1_6.ckpt --epochs 2 -q > /dev/null 2> Q.err && [ ! -s Q.err ] && [ -f Q/lenet-2_6.ckpt ] && pass \
  || fail "another run's file branched the resume: $(cat Q.err)"
"$TRAINCTL" resume --from Q/lenet-2_6.ckpt --epochs 3 -q > /dev/null 2> Q.err; rc=$?
[ "$rc" -eq 74 ] && grep -qF "trainctl: error: Q/lenet-3_6.ckpt exists and is not this run's file" Q.err && pass \
  || fail "saving over another run's file: exit $rc: $(cat Q.err)"
[ "$(sha256sum < Q/lenet-3_6.ckpt)" = "$sum" ] && pass || fail "another run's lenet-3_6.ckpt was written over"

finish
