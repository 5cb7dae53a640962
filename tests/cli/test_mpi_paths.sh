#!/usr/bin/env bash
# The two ways an `mpirun -np 2` step reduces (docs/distributed.md): on one host through a shared-
# memory window, each rank updating its shard of the parameters and optimizer state (the default),
# or one MPI_Allreduce (TRAINCTL_MPI_REDUCE=allreduce). At N=2 both sum a + b, so their runs are
# bit-identical, optimizer state included: rank 0's saves gather the other rank's shard of it.
source "$(dirname "$0")/lib.sh"
command -v mpirun > /dev/null || { echo "SKIPPED: mpirun not found (scripts/setup.sh installs openmpi-bin)"; exit 77; }
if sanitized; then echo "SKIPPED: MPI runs are not checked under the sanitizers (Open MPI's start-up leaks)"; exit 77; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset TRAINCTL_MPI_REDUCE
mpi2() { mpirun -np 2 --oversubscribe "$TRAINCTL" "$@"; }
small_mnist d

# 60 images in batches of 20, 2 epochs: the step-3 save is mid-run (rank 1 steps on meanwhile).
flags=(--net mlp --hidden 32 --data d --threads 1 --batch-size 20 --eval false)
# Every optimizer's slots and their options: momentum with nesterov and weight decay, and Adam
# (two slots, bias correction from the step count).
for opt in "momentum --nesterov true --weight-decay 0.01" "adam --lr 0.01 --weight-decay 0.001"; do
  set -- $opt
  name=$1
  mpi2 train "${flags[@]}" --epochs 2 --optimizer "$@" --out "sh-$name" > /dev/null 2> "sh-$name.err" \
    || fail "N=2 $name (shared) failed: $(cat "sh-$name.err")"
  TRAINCTL_MPI_REDUCE=allreduce mpi2 train "${flags[@]}" --epochs 2 --optimizer "$@" --out "ar-$name" > /dev/null 2> "ar-$name.err" \
    || fail "N=2 $name (allreduce) failed: $(cat "ar-$name.err")"
  grep -q '^trainctl: 2 ranks: 6 gradient reductions of .* ms each on rank 0 (through shared memory, each rank updating its shard)$' \
    "sh-$name.err" && pass || fail "$name: the default path on one host is not the shared window: $(cat "sh-$name.err")"
  grep -q '^trainctl: 2 ranks: 6 allreduces of [0-9]* bytes, [0-9.e-]* ms each on rank 0$' "ar-$name.err" && pass \
    || fail "$name: TRAINCTL_MPI_REDUCE=allreduce did not take the allreduce path: $(cat "ar-$name.err")"
  for f in mlp-1_3.ckpt mlp-2_3.ckpt; do
    "$TRAINCTL" ckpt diff "sh-$name/$f" "ar-$name/$f" > "$name.diff" 2>&1 && pass \
      || fail "$name $f: the shared path's checkpoint differs from the allreduce path's: $(tail -4 "$name.diff")"
  done
done

# A 2 -> 1 -> 2 round trip of Adam's state: the shared path's mid-run checkpoint resumed in one
# process, and that one's resumed at N=2 again, end where the N=2 run did (to float rounding).
mkdir r21 && cp sh-adam/mlp-1_3.ckpt sh-adam/mlp-graph.meta r21/
"$TRAINCTL" resume --from r21/mlp-1_3.ckpt -q > /dev/null 2> r21.err || fail "resume 2 -> 1 failed: $(cat r21.err)"
"$TRAINCTL" ckpt diff --rtol 1e-5 --atol 1e-6 sh-adam/mlp-2_3.ckpt r21/mlp-2_3.ckpt > r21.diff 2>&1 && pass \
  || fail "adam resume 2 -> 1 differs: $(tail -3 r21.diff)"
mkdir r12 && cp r21/mlp-1_3.ckpt r21/mlp-graph.meta r12/
mpi2 resume --from r12/mlp-1_3.ckpt -q > /dev/null 2> r12.err || fail "resume 1 -> 2 failed: $(cat r12.err)"
"$TRAINCTL" ckpt diff sh-adam/mlp-2_3.ckpt r12/mlp-2_3.ckpt > r12.diff 2>&1 && pass \
  || fail "adam resume 1 -> 2 differs from the uninterrupted N=2 run: $(tail -3 r12.diff)"

# --check-replicas on the shared path: one parameter arena, the check still runs and passes.
mpi2 train "${flags[@]}" --epochs 1 --check-replicas --out rep > /dev/null 2> rep.err || fail "--check-replicas failed: $(cat rep.err)"
grep -q 'replicas identical after each of 3 steps (--check-replicas)' rep.err && pass || fail "--check-replicas: $(cat rep.err)"

# A value the switch does not know: one line naming it and what it takes, exit 2, nothing written.
TRAINCTL_MPI_REDUCE=ring mpi2 train "${flags[@]}" --epochs 1 --out bad > /dev/null 2> bad.err; rc=$?
[ "$rc" -eq 2 ] && pass || fail "TRAINCTL_MPI_REDUCE=ring exited $rc, expected 2: $(cat bad.err)"
[ "$(grep -c 'trainctl: error' bad.err)" -eq 1 ] \
  && grep -q '^trainctl: error: rank 0: TRAINCTL_MPI_REDUCE: expected allreduce or shared (or unset), got "ring"$' bad.err \
  && pass || fail "TRAINCTL_MPI_REDUCE=ring: expected one error line: $(cat bad.err)"
[ ! -e bad ] && pass || fail "a refused run created bad/"
# Forced shared on one host is the default's path.
TRAINCTL_MPI_REDUCE=shared mpi2 train "${flags[@]}" --epochs 1 --out forced > /dev/null 2> forced.err \
  && grep -q '(through shared memory, each rank updating its shard)$' forced.err && pass \
  || fail "TRAINCTL_MPI_REDUCE=shared: $(cat forced.err)"
finish
