#!/usr/bin/env bash
# Real MNIST: while a run writes DIR under prefix P it holds DIR/P.lock; a second `train` with the
# same --out and --prefix and a `resume` of P fail at once (exit 1) naming the holder's PID, while
# another prefix, eval and ckpt ls/verify work. Two trains started together never share a prefix.
# A SIGKILLed run's lock file blocks nobody.
source "$(dirname "$0")/lib.sh"
need_mnist

CONFIG=(--config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --threads 2)
# A run far longer than the test, saving every 20 steps; keep-max 0 so no file vanishes under ckpt verify.
"$TRAINCTL" train "${CONFIG[@]}" --train-limit 6400 --epochs 1000 --ckpt-steps 20 --keep-max 0 --out D \
  > A.log 2> A.err &
pid=$!
for ((i = 0; i < 300; i++)); do compgen -G 'D/lenet-*.ckpt' > /dev/null && break; sleep 0.1; done
[ -f D/lenet.lock ] && pass || fail "no D/lenet.lock while the run writes: $(ls D)"
[ "$(cat D/lenet.lock)" = "$pid train" ] && pass || fail "D/lenet.lock holds '$(cat D/lenet.lock)', expected '$pid train'"

# busy NAME ARGS...: refused at once (one line, before the data is read) with the holder's PID.
busy() {
  local name=$1; shift
  "$TRAINCTL" "$@" > /dev/null 2> "$name.err"; local rc=$?
  [ "$rc" -eq 1 ] && pass || fail "$name: exit $rc, expected 1: $(cat "$name.err")"
  grep -qF "trainctl: error: D/lenet.lock: run directory is in use by trainctl PID $pid (train); wait for it or use another --out/--prefix" \
    "$name.err" && [ "$(wc -l < "$name.err")" -eq 1 ] && pass || fail "$name: message: $(cat "$name.err")"
}
busy train2 train "${CONFIG[@]}" --train-limit 200 --epochs 1 --out D
busy resume resume --from latest --dir D -q

# Readers take no lock and see only complete checkpoints; another prefix is another run.
ckpt=$(ls D/lenet-*.ckpt | head -1)
"$TRAINCTL" eval --ckpt "$ckpt" --data "$MNIST" > eval.out 2>&1 && pass || fail "eval during the run: $(tail -2 eval.out)"
"$TRAINCTL" ckpt ls D > ls.out 2>&1 && pass || fail "ckpt ls during the run: $(cat ls.out)"
grep -qE '\.lock|\.tmp' ls.out && fail "ckpt ls lists a lock or temporary file: $(cat ls.out)" || pass
"$TRAINCTL" ckpt verify D/lenet-*.ckpt > verify.out 2>&1 && pass || fail "ckpt verify during the run: $(grep -v ': ok$' verify.out)"
"$TRAINCTL" train "${CONFIG[@]}" --train-limit 200 --epochs 1 --prefix other -q --out D > /dev/null 2> other.err \
  && [ -f D/other-1_6.ckpt ] && pass || fail "another prefix in the same directory: $(cat other.err) ($(ls D))"
[ ! -e D/other.lock ] && pass || fail "a finished run left its lock file D/other.lock"

kill -KILL "$pid"; wait "$pid" 2> /dev/null
[ -f D/lenet.lock ] && pass || fail "the SIGKILLed run's lock file is gone (expected it to stay, unheld)"
"$TRAINCTL" train "${CONFIG[@]}" --train-limit 200 --epochs 1 -q --out D > /dev/null 2> after.err \
  && [ -f D/lenet_1-1_6.ckpt ] && pass || fail "train after a SIGKILLed run: $(cat after.err) ($(ls D))"

# Two trains started together in an empty directory: one runs as lenet, the other is refused
# (or, had the first already finished, runs as lenet_1): never both as lenet.
for n in 1 2; do
  "$TRAINCTL" train "${CONFIG[@]}" --train-limit 2000 --epochs 1 --ckpt-steps 0 -q --out E > /dev/null 2> "E$n.err" &
  pids[n]=$!
done
wait "${pids[1]}"; rc1=$?
wait "${pids[2]}"; rc2=$?
if [ $((rc1 + rc2)) -eq 1 ]; then
  grep -qh 'E/lenet.lock: run directory is in use by trainctl PID' E1.err E2.err && pass || fail "race: $(cat E1.err E2.err)"
elif [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ]; then
  [ -f E/lenet-1_62.ckpt ] && [ -f E/lenet_1-1_62.ckpt ] && pass || fail "race: both ran, files: $(ls E)"
else
  fail "race: exit codes $rc1 and $rc2: $(cat E1.err E2.err)"
fi
[ "$(ls E | grep -c '^lenet-.*\.ckpt$')" -eq 1 ] && pass || fail "race: $(ls E)"

finish
