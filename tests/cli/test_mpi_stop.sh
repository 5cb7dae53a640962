#!/usr/bin/env bash
# Stops of an `mpirun -np 2` run (docs/distributed.md): SIGINT to one rank stops every rank at the same
# step, rank 0 saves one breakpoint, exit 130; SIGKILL of one rank ends the job, leaves only complete
# checkpoints, and `resume --from latest` continues (in one process).
source "$(dirname "$0")/lib.sh"
command -v mpirun > /dev/null || { echo "SKIPPED: mpirun not found (scripts/setup.sh installs openmpi-bin)"; exit 77; }
if sanitized; then echo "SKIPPED: MPI runs are not checked under the sanitizers (Open MPI's start-up leaks)"; exit 77; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
small_mnist d
flags=(--net mlp --hidden 32 --data d --batch-size 20 --threads 1 --eval false --epochs 100000 --ckpt-steps 1 --keep-max 3)

# rank_pid OUT RANK: the pid of that rank of the run writing OUT (its environment names the rank);
# looked for during 10 s, since a loaded machine may start a rank late. Runs are told apart by their
# absolute --out: ctest runs this script twice at once (both MPI paths), with the same OUT names.
rank_pid() {
  local p i
  for ((i = 0; i < 100; i++)); do
    for p in $(pgrep -f -- "--out $PWD/$1 "); do
      tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2" && { echo "$p"; return; }
    done
    sleep 0.1
  done
  echo "rank $2 of the run writing $1 not found" >&2
}
# wait_run OUT: the exit code of the run writing OUT, waited for at most 120 s: a stop that never
# arrives must fail this test, not leave a 100,000-epoch run going (it once took 8 minutes).
wait_run() {
  local i
  for ((i = 0; i < 1200; i++)); do kill -0 "$run" 2> /dev/null || break; sleep 0.1; done
  if kill -0 "$run" 2> /dev/null; then
    fail "$1: still running 120 s after its stop: $(tail -3 "$1.err")"
    pkill -KILL -f -- "--out $PWD/$1 "
  fi
  wait "$run"
}
# start OUT: a long run in the background ($run), returning once its first checkpoint is there.
start() {
  mpirun -np 2 --oversubscribe "$TRAINCTL" train "${flags[@]}" --out "$PWD/$1" -q > "$1.log" 2> "$1.err" &
  run=$!
  for _ in $(seq 300); do [ -e "$1/mlp-latest" ] && return; sleep 0.05; done
  fail "$1: no checkpoint after 15 s: $(cat "$1.err")"
}

# SIGINT to rank 1 only: the stop flag in the allreduce stops rank 0 too, which saves the breakpoint.
start int
pid=$(rank_pid int 1)
[ -n "$pid" ] && kill -INT "$pid"
wait_run int; rc=$?
[ "$rc" -eq 130 ] && pass || fail "SIGINT to rank 1: mpirun exited $rc, expected 130: $(cat int.err)"
[ "$(ls int/*_breakpoint.ckpt 2> /dev/null | wc -l)" -eq 1 ] && pass || fail "SIGINT to rank 1: breakpoints: $(ls int)"
[ "$(grep -c 'trainctl: stopped by SIGINT at global step' int.err)" -eq 1 ] && pass \
  || fail "SIGINT to rank 1: expected one stop line: $(cat int.err)"

# SIGKILL of rank 1: Open MPI ends the job; every visible checkpoint is complete and resumable.
start kill
pid=$(rank_pid kill 1)
[ -n "$pid" ] && kill -KILL "$pid"
wait_run kill; rc=$?
[ "$rc" -ne 0 ] && pass || fail "SIGKILL of rank 1: mpirun exited 0"
"$TRAINCTL" ckpt verify kill/*.ckpt > verify.log 2>&1 && pass || fail "SIGKILL of rank 1 left a bad checkpoint: $(cat verify.log)"
"$TRAINCTL" resume --from latest --dir kill --more-epochs 1 -q > resume.log 2> resume.err && pass \
  || fail "resume --from latest after SIGKILL failed: $(cat resume.err)"
# SIGTERM to mpirun itself: Open MPI sends SIGTERM to every rank; rank 0 saves one breakpoint and the
# ranks exit 143, but mpirun reports its own code (1) for a job it was told to end (docs/distributed.md).
start mpirun-term
kill -TERM "$run"
wait_run mpirun-term; rc=$?
[ "$rc" -eq 1 ] && pass || fail "SIGTERM to mpirun: exited $rc, expected Open MPI's 1: $(cat mpirun-term.err)"
[ "$(ls mpirun-term/*_breakpoint.ckpt 2> /dev/null | wc -l)" -eq 1 ] && pass \
  || fail "SIGTERM to mpirun: breakpoints: $(ls mpirun-term)"
[ "$(grep -c 'trainctl: stopped by SIGTERM at global step' mpirun-term.err)" -eq 1 ] && pass \
  || fail "SIGTERM to mpirun: expected one stop line: $(cat mpirun-term.err)"
"$TRAINCTL" ckpt verify mpirun-term/*.ckpt > verify-term.log 2>&1 && pass \
  || fail "SIGTERM to mpirun left a bad checkpoint: $(cat verify-term.log)"

# SIGTERM to every rank (what Slurm's scancel and Kubernetes do): one breakpoint, mpirun passes on 143.
start all-term
kill -TERM $(rank_pid all-term 0) $(rank_pid all-term 1)
wait_run all-term; rc=$?
[ "$rc" -eq 143 ] && pass || fail "SIGTERM to every rank: mpirun exited $rc, expected 143: $(cat all-term.err)"
[ "$(ls all-term/*_breakpoint.ckpt 2> /dev/null | wc -l)" -eq 1 ] && pass \
  || fail "SIGTERM to every rank: breakpoints: $(ls all-term)"
"$TRAINCTL" resume --from latest --dir all-term --more-epochs 1 -q > resume-term.log 2> resume-term.err && pass \
  || fail "resume --from latest after SIGTERM failed: $(cat resume-term.err)"
finish
