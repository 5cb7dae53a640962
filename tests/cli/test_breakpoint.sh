#!/usr/bin/env bash
# Real MNIST: SIGINT, SIGTERM and SIGHUP stop training with a verified breakpoint (exit 130 / 143
# / 129) that `resume --from latest` continues, and so does a closed output pipe (SIGPIPE, 141);
# a loss that turns non-finite saves a breakpoint and exits 1. The stop line's hint is the command
# as it was run; a second Ctrl-C says truly whether a breakpoint was saved.
source "$(dirname "$0")/lib.sh"
need_mnist

# A run far longer than the test: it only ends by signal. `exec`, so the signal reaches trainctl
# and not a subshell (which ignores SIGINT in the background).
long_run() { exec "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 6400 \
               --epochs 1000 --log-every 1 --threads 2 --out "$1"; }

# stop SIGNAL CODE: interrupt a run mid-training, check its breakpoint, resume it.
stop() {
  local sig=$1 code=$2 dir=$1
  long_run "$dir" > "$dir.log" 2> "$dir.err" &
  local pid=$!
  # The start lines on stderr come right before the handlers go in and the loop starts.
  for ((i = 0; i < 300; i++)); do grep -q ', checkpoints ' "$dir.err" 2>/dev/null && break; sleep 0.1; done
  sleep 2
  kill -s "$sig" "$pid"
  wait "$pid"; local rc=$?
  [ "$rc" -eq "$code" ] && pass || fail "$sig: exit code $rc, expected $code ($(tail -2 "$dir.err"))"
  local bp
  bp=$(ls "$dir"/*_breakpoint.ckpt 2>/dev/null | head -1)
  if [ -z "$bp" ]; then fail "$sig: no breakpoint in $dir/: $(ls "$dir")"; return; fi
  pass
  grep -q "stopped by SIG$sig at global step .*breakpoint saved: $bp" "$dir.err" && pass || fail "$sig: message: $(tail -2 "$dir.err")"
  # The hint is the command as it was run ($TRAINCTL, the build's path), not a bare `trainctl`.
  grep -qF "(continue with: $TRAINCTL resume --from $bp)" "$dir.err" && pass || fail "$sig: hint: $(tail -1 "$dir.err")"
  "$TRAINCTL" ckpt verify "$bp" > /dev/null && pass || fail "$sig: breakpoint does not verify"
  local bp_step
  bp_step=$("$TRAINCTL" ckpt inspect "$bp" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["train_state"]["global_step"])')
  # The current epoch is all the resume trains: --more-epochs counts from completed epochs.
  "$TRAINCTL" resume --from latest --dir "$dir" --more-epochs 1 --eval false > "$dir-resume.log" 2> "$dir-resume.err" \
    || fail "$sig: resume failed: $(tail -2 "$dir-resume.err")"
  # At an epoch end the breakpoint and that epoch's checkpoint hold the same state: either may be picked.
  grep -q "resuming at global step $bp_step\b" "$dir-resume.err" && pass \
    || fail "$sig: resume did not continue the breakpoint (step $bp_step): $(cat "$dir-resume.err")"
  local last_step
  last_step=$("$TRAINCTL" ckpt ls "$dir" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["checkpoints"][-1]["global_step"])')
  [ "$last_step" -ge "$bp_step" ] && [ "$(grep -c '^epoch: ' "$dir-resume.log")" -gt 0 ] && pass \
    || fail "$sig: after resume the newest checkpoint is at step $last_step, breakpoint was $bp_step"
}
stop INT 130
stop TERM 143
stop HUP 129

# Ctrl-C twice at once: whatever the second one interrupts, the last words are true.
long_run QUICK > QUICK.log 2> QUICK.err &
pid=$!
# The first loss line comes from the loop: the handlers are in by then.
for ((i = 0; i < 600; i++)); do grep -q '^epoch: ' QUICK.log 2>/dev/null && break; sleep 0.1; done
kill -s INT "$pid"; kill -s INT "$pid"
wait "$pid"; rc=$?
[ "$rc" -eq 130 ] && pass || fail "double Ctrl-C: exit code $rc, expected 130 ($(tail -2 QUICK.err))"
if ls QUICK/*_breakpoint.ckpt > /dev/null 2>&1; then
  grep -q "without a breakpoint" QUICK.err && fail "double Ctrl-C: a breakpoint was saved, stderr says none: $(tail -3 QUICK.err)" || pass
else
  grep -q "second interrupt: exiting without a breakpoint" QUICK.err && pass || fail "double Ctrl-C: no breakpoint, stderr: $(tail -3 QUICK.err)"
fi

# The second Ctrl-C once the breakpoint has landed, while the stop line is held up (stderr blocks):
# the run exits at once, naming the breakpoint and how to continue, never "without a breakpoint".
rc=$("$PY" "$TRAINCTL_SRC/tests/cli/interrupt_after_save.py" TWICE TWICE.log TWICE.err -- "$TRAINCTL" train \
       --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 6400 --epochs 1000 --threads 2 \
       --log-every 1 --ckpt-steps 0 --out TWICE)
bp=$(ls TWICE/*_breakpoint.ckpt 2>/dev/null | head -1)
[ "$rc" = 130 ] && [ -n "$bp" ] && "$TRAINCTL" ckpt verify "$bp" > /dev/null && pass \
  || fail "Ctrl-C after the save: exit $rc, breakpoint '$bp' ($(cat TWICE.err))"
grep -qF "second interrupt: exiting at once; breakpoint saved: $bp (continue with: $TRAINCTL resume --from $bp)" TWICE.err \
  && ! grep -q "without a breakpoint" TWICE.err && pass || fail "Ctrl-C after the save: stderr: $(cat TWICE.err)"

# Under nohup (SIGHUP ignored by the parent) a hangup does not stop the run; SIGTERM still does.
(trap '' HUP; exec "$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 6400 \
   --epochs 1000 --threads 2 -q --out NOHUP) > NOHUP.log 2> NOHUP.err &
pid=$!
for ((i = 0; i < 300; i++)); do [ -e NOHUP/lenet-graph.meta ] && break; sleep 0.1; done
sleep 1
kill -s HUP "$pid"; sleep 1
kill -0 "$pid" 2> /dev/null && pass || fail "nohup: SIGHUP stopped the run: $(tail -2 NOHUP.err)"
kill -s TERM "$pid"; wait "$pid"; rc=$?
[ "$rc" -eq 143 ] && grep -q "stopped by SIGTERM" NOHUP.err && pass || fail "nohup: SIGTERM: exit $rc ($(tail -2 NOHUP.err))"

# `trainctl train | head -3`: head quits, the next line written raises SIGPIPE.
"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 6400 --epochs 1000 \
  --log-every 1 --threads 2 --out PIPE 2> PIPE.err | head -3 > PIPE.head
rc=${PIPESTATUS[0]}
[ "$rc" -eq 141 ] && pass || fail "closed pipe: exit code $rc, expected 141 ($(tail -2 PIPE.err))"
[ "$(wc -l < PIPE.head)" -eq 3 ] && pass || fail "closed pipe: head got: $(cat PIPE.head)"
bp=$(ls PIPE/*_breakpoint.ckpt 2>/dev/null | head -1)
[ -n "$bp" ] && "$TRAINCTL" ckpt verify "$bp" > /dev/null && pass || fail "closed pipe: no valid breakpoint: $(ls PIPE)"
grep -q "stopped by SIGPIPE at global step [0-9]*; breakpoint saved: $bp" PIPE.err && pass \
  || fail "closed pipe: message: $(tail -2 PIPE.err)"

# A huge learning rate makes the loss non-finite within a few steps.
"$TRAINCTL" train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 640 --lr 1e30 \
  --threads 2 -q --out N > /dev/null 2> N.err; rc=$?
[ "$rc" -eq 1 ] && pass || fail "non-finite loss: exit $rc, expected 1 ($(cat N.err))"
grep -Eq "loss is (nan|inf|-inf) at global step [0-9]+: training diverged.*breakpoint saved: N/lenet-.*_breakpoint.ckpt" N.err && pass \
  || fail "non-finite loss: message: $(cat N.err)"
[ "$(wc -l < N.err)" -eq 1 ] && pass || fail "non-finite loss: more than one line on stderr: $(cat N.err)"
ls N/*_breakpoint.ckpt > /dev/null 2>&1 && pass || fail "non-finite loss: no breakpoint: $(ls N)"

finish
