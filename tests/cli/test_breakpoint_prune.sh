#!/usr/bin/env bash
# A breakpoint counts in its run's keep policy once a later checkpoint of the run has landed: a
# run stopped by SIGTERM and resumed with --keep-max 2 ends with its 2 newest files, not with the
# breakpoint on top (breakpoints were never pruned). A file named as the run's breakpoint whose
# metadata names another run is not the run's to delete, and stays.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
# Another run's checkpoint, saved before run lenet starts (so latest still takes lenet).
"$TRAINCTL" train --data "$DATA" --batch-size 20 --epochs 1 --threads 1 --prefix other --out O -q > /dev/null 2> o.err \
  || fail "run other: $(cat o.err)"

# A run far longer than the test, stopped by SIGTERM once its loop runs: it saves a breakpoint.
"$TRAINCTL" train --data "$DATA" --batch-size 1 --epochs 100000 --ckpt-steps 7 --keep-max 2 --eval false --threads 1 \
  --out D > /dev/null 2> run.err &
pid=$!
for ((i = 0; i < 300; i++)); do [ -n "$(ls D/lenet-*.ckpt 2> /dev/null)" ] && break; sleep 0.1; done
sleep 0.5
kill -TERM "$pid"; wait "$pid"; rc=$?
[ "$rc" -eq 143 ] && pass || fail "SIGTERM: exit $rc ($(tail -2 run.err))"
bp=$(ls D/lenet-*_breakpoint.ckpt 2> /dev/null | head -1)
[ -n "$bp" ] && pass || fail "no breakpoint: $(ls D)"
cp O/other-1_3.ckpt D/lenet-1_1_breakpoint.ckpt  # named as lenet's, another run's by its metadata

# Two more epochs: at least 8 saves after the breakpoint, which is then older than the newest 2.
"$TRAINCTL" resume --from latest --dir D --keep-max 2 --more-epochs 2 -q > /dev/null 2> resume.err || fail "resume: $(cat resume.err)"
# At the breakpoint's step the step file may hold the same state (the signal came during its save).
grep -qE "taking run lenet \(saved last\): D/lenet-${bp#D/lenet-}|taking run lenet \(saved last\): ${bp%_breakpoint.ckpt}.ckpt" resume.err \
  && pass || fail "resume did not take the breakpoint: $(cat resume.err)"
[ ! -e "$bp" ] && pass || fail "the breakpoint $bp was kept past --keep-max 2: $(ls D)"
[ "$(ls D | grep -Ec '^lenet-[0-9]+_[0-9]+(_breakpoint)?\.ckpt$')" -eq 3 ] && pass || fail "expected 2 step files and the foreign one: $(ls D)"
[ -f D/lenet-1_1_breakpoint.ckpt ] && cmp -s O/other-1_3.ckpt D/lenet-1_1_breakpoint.ckpt && pass \
  || fail "another run's file named as lenet's was touched: $(ls D)"

finish
