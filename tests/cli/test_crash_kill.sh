#!/usr/bin/env bash
# Real MNIST: a run SIGKILLed 20 times at random points (during startup, steps and saves) and
# continued each time with `resume --from latest` ends with the uninterrupted run's tensors; after
# every kill each visible .ckpt verifies, the latest pointer names one of them, and nothing but
# temporaries (*.tmp) and the lock file is torn; the metrics log ends as the uninterrupted run's. A run removes its own prefix's stale temporaries.
# TRAINCTL_CRASH_SEED=N replays a failing sequence of kills.
source "$(dirname "$0")/lib.sh"
need_mnist
# What this checks is on disk (every visible file whole after a kill anywhere), the same in any
# build; the release suite runs it. Under ASan its 20 kills and resumes take 90 s of CI's budget.
if sanitized; then echo "SKIPPED: the kill test runs in the release build (file states do not depend on the sanitizers)"; exit 77; fi

SEED=${TRAINCTL_CRASH_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "kill sequence seed: $SEED (replay with TRAINCTL_CRASH_SEED=$SEED)"

# 1,000 images in batches of 20: 50 steps per epoch, 40 epochs, a checkpoint after every step, so
# a random kill often lands in a save (a step takes ~0.5 ms, a save with its fsyncs ~1-15 ms), and
# 20 kills land before the 2,000 steps (2-4 s on a quiet machine) are done.
# keep-max 3 makes saves delete files too.
RUN_ARGS=(--config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 1000 --batch-size 20
          --epochs 40 --eval false --log-every 7 --threads 2)
ARGS=("${RUN_ARGS[@]}" --ckpt-steps 1 --keep-max 3)
FINAL=lenet-40_50.ckpt

# The uninterrupted reference saves only at its end: saving never changes the tensors (half this
# test's time went to the reference's 2,000 fsynced saves).
"$TRAINCTL" train "${RUN_ARGS[@]}" --ckpt-steps 0 -q --out REF > /dev/null 2> REF.err || { fail "reference run failed: $(cat REF.err)"; finish; exit; }

# check_dir: every file is a verified checkpoint, the graph description, the latest pointer, the
# lock file or a temporary; the latest pointer names a checkpoint that is there.
check_dir() {
  local when=$1 f ckpts=()
  for f in D/*; do
    [ -e "$f" ] || continue
    case ${f#D/} in
      lenet-[0-9]*_[0-9]*.ckpt) ckpts+=("$f") ;;
      lenet-graph.meta | lenet-latest | lenet-metrics.csv | lenet.lock | *.tmp) ;;
      *) fail "$when: unexpected file $f" ;;
    esac
  done
  if [ ${#ckpts[@]} -gt 0 ] && ! "$TRAINCTL" ckpt verify "${ckpts[@]}" > verify.out 2>&1; then
    fail "$when: a visible checkpoint does not verify: $(grep -v ': ok$' verify.out)"; cp -r D "torn-$when"; return
  fi
  if [ -L D/lenet-latest ] || [ -e D/lenet-latest ]; then  # a dangling symlink must fail below too
    local named
    named=$(latest_name D/lenet-latest)
    [ -f "D/$named" ] || { fail "$when: lenet-latest names $named, which is not there ($(ls D))"; return; }
  fi
  pass
}

# Waits (busy, without forking) until PATTERN matches a file or the process is gone.
wait_for_file() {  # PID GLOB
  while kill -0 "$1" 2> /dev/null; do compgen -G "$2" > /dev/null && return 0; done
  return 1
}
wait_started() {  # PID: the run line is printed after the lock and the cleanup, before the loop
  while kill -0 "$1" 2> /dev/null; do grep -q ', checkpoints ' run.err 2> /dev/null && return 0; sleep 0.01; done
  return 1
}

kills=0 in_save=0 fresh=0 finished=0
for ((i = 1; i <= 20; i++)); do
  if compgen -G 'D/lenet-*.ckpt' > /dev/null; then
    # Alternate sync and async saves: the stored config takes the flag, the tensors do not change.
    async=$([ $((RANDOM % 2)) -eq 0 ] && echo true || echo false)
    cmd=("$TRAINCTL" resume --from latest --dir D --async-save "$async")
  else
    # Killed before its first checkpoint: start over. A `train` next to lenet-graph.meta would be
    # lenet_1, so the directory goes.
    rm -rf D; fresh=$((fresh + 1))
    cmd=("$TRAINCTL" train "${ARGS[@]}" --out D)
  fi
  "${cmd[@]}" > run.log 2> run.err &
  pid=$!
  case $((RANDOM % 3)) in
    0) sleep "0.$(printf %03d $((RANDOM % 400)))" ;;                 # startup or the first steps
    1) wait_started "$pid" && sleep "0.$(printf %03d $((RANDOM % 100)))" ;;   # mid-training
    2) wait_started "$pid" && wait_for_file "$pid" 'D/*.tmp' ;;        # as a save begins
  esac
  if kill -KILL "$pid" 2> /dev/null; then kills=$((kills + 1)); fi
  wait "$pid"; rc=$?
  compgen -G 'D/*.tmp' > /dev/null && in_save=$((in_save + 1))
  check_dir "kill$i"
  if [ "$rc" -eq 0 ]; then finished=1; break; fi
  [ "$rc" -eq 137 ] || { fail "kill $i: exit $rc before the kill: $(tail -3 run.err)"; break; }
  [ -f "D/$FINAL" ] && { finished=1; break; }  # killed after the last save
done
echo "$kills kills ($in_save left a temporary, $fresh fresh starts), then at $(latest_name D/lenet-latest) of $FINAL"
[ "$kills" -ge 15 ] && pass || fail "only $kills kills landed (the run is too short for the test)"

# Stale temporaries of this prefix go when the next run starts; another prefix's stay.
if [ "$finished" -eq 0 ]; then
  touch D/lenet-9_99.ckpt.tmp D/lenet-latest.tmp D/lenet-graph.meta.tmp D/lenet-metrics.csv.tmp D/other-1_1.ckpt.tmp
  "$TRAINCTL" resume --from latest --dir D -q > run.log 2> run.err || fail "final resume failed: $(cat run.err)"
  [ -f D/other-1_1.ckpt.tmp ] && pass || fail "another prefix's temporary was removed"
  rm -f D/other-1_1.ckpt.tmp
  compgen -G 'D/*.tmp' > /dev/null && fail "temporaries left after the final run: $(ls D)" || pass
  check_dir final
fi
"$TRAINCTL" ckpt diff "REF/$FINAL" "D/$FINAL" > diff.out 2>&1 && pass \
  || fail "after $kills kills the final tensors differ from the uninterrupted run: $(tail -3 diff.out)"
# Rows past each kill's checkpoint were dropped at its resume: the log is the uninterrupted one's,
# but for the columns that time the run (time_s, samples_per_s).
diff <(cut -d, -f1-3,5,6,8- REF/lenet-metrics.csv) <(cut -d, -f1-3,5,6,8- D/lenet-metrics.csv) > csv.diff && pass \
  || fail "after $kills kills the metrics log differs from the uninterrupted run's: $(head -5 csv.diff)"

finish
