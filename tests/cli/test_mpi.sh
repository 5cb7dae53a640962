#!/usr/bin/env bash
# Data-parallel training under `mpirun -np 2` (docs/distributed.md) on a tiny synthetic set:
# reruns are bit-identical, N=2 matches N=1 to float rounding, only rank 0 writes, resume across N,
# sharded eval equals one process, an uneven batch is refused in one line, plain runs stay as they were.
source "$(dirname "$0")/lib.sh"
command -v mpirun > /dev/null || { echo "SKIPPED: mpirun not found (scripts/setup.sh installs openmpi-bin)"; exit 77; }
# Open MPI's own start-up leaks by LeakSanitizer's count; its run is checked in the release build.
if sanitized; then echo "SKIPPED: MPI runs are not checked under the sanitizers (Open MPI's start-up leaks)"; exit 77; fi
# As root (CI, containers) Open MPI wants these two; --oversubscribe: 2 ranks on fewer free cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi2() { mpirun -np 2 --oversubscribe "$TRAINCTL" "$@"; }
small_mnist d

# 60 images in batches of 20: 3 steps per epoch; --threads 1 fixes the summation order.
flags=(--net mlp --hidden 32 --data d --threads 1 --log-every 1)
"$TRAINCTL" train "${flags[@]}" --batch-size 20 --epochs 2 --out one > one.log 2> one.err || fail "plain run failed: $(cat one.err)"
mpi2 train "${flags[@]}" --batch-size 20 --epochs 2 --out two-A > two-A.log 2> two-A.err || fail "N=2 run failed: $(cat two-A.err)"
mpi2 train "${flags[@]}" --batch-size 20 --epochs 2 --out two-B -q > /dev/null 2> two-B.err || fail "N=2 rerun failed: $(cat two-B.err)"

# Plain trainctl: no MPI (its line says threads, not ranks; its checkpoints record no world size).
grep -q ', 1 thread, 3 steps/epoch, checkpoints one/mlp-\*' one.err && pass || fail "plain run's start line changed: $(cat one.err)"
"$TRAINCTL" ckpt inspect one/mlp-2_3.ckpt | grep -q world_size && fail "plain checkpoint records a world size" || pass
# N=2: rank 0 prints once, says the ranks and records them.
[ "$(grep -c '^trainctl: mlp on d' two-A.err)" -eq 1 ] && pass || fail "N=2 start line not printed once: $(cat two-A.err)"
grep -q '1 thread per rank x 2 ranks' two-A.err && pass || fail "N=2 start line lacks the ranks: $(cat two-A.err)"
grep -Eq '2 ranks: 6 (allreduces|gradient reductions) of' two-A.err && pass || fail "N=2 lacks its allreduce line: $(cat two-A.err)"
[ "$(grep -c '^epoch: ' two-A.log)" -eq 6 ] && pass || fail "N=2 printed $(grep -c '^epoch: ' two-A.log) loss lines, expected 6"
"$TRAINCTL" ckpt inspect two-A/mlp-2_3.ckpt | grep -q 'world_size *2' && pass || fail "N=2 checkpoint lacks world_size 2"
# Only rank 0 writes: the same files as one process, and nothing else anywhere.
[ "$(ls one)" = "$(ls two-A)" ] && pass || fail "N=2 wrote $(ls two-A | tr '\n' ' '), one process $(ls one | tr '\n' ' ')"
[ "$(ls | sort | tr '\n' ' ')" = "d one one.err one.log two-A two-A.err two-A.log two-B two-B.err " ] && pass \
  || fail "stray files: $(ls | tr '\n' ' ')"
# Same N and threads: bit-identical. Against one process: the same update up to summation order.
"$TRAINCTL" ckpt diff two-A/mlp-2_3.ckpt two-B/mlp-2_3.ckpt > AB.diff 2>&1 && pass || fail "N=2 rerun differs: $(tail -2 AB.diff)"
"$TRAINCTL" ckpt diff --rtol 1e-5 --atol 1e-6 one/mlp-2_3.ckpt two-A/mlp-2_3.ckpt > 1A.diff 2>&1 && pass \
  || fail "N=2 is not N=1 within 1e-5: $(tail -3 1A.diff)"
# The same metrics lines (the sharded per-epoch evaluation sums exactly).
diff <(grep '^Metrics' one.log) <(grep '^Metrics' two-A.log) > /dev/null && pass \
  || fail "N=2 metrics differ: $(grep '^Metrics' one.log two-A.log)"

# The metrics log, written by rank 0 alone: one process's rows (no rank's twice), the same test
# accuracies (docs/metrics.md).
diff <(cut -d, -f1-3,9 one/mlp-metrics.csv) <(cut -d, -f1-3,9 two-A/mlp-metrics.csv) > log.diff && pass \
  || fail "N=2 metrics log differs from one process's: $(head -5 log.diff)"

# Resume 1 -> 2: the plain run's epoch 1 continued by 2 ranks ends where the plain run did.
mkdir r12 && cp one/mlp-1_3.ckpt one/mlp-graph.meta r12/
mpi2 resume --from r12/mlp-1_3.ckpt -q > /dev/null 2> r12.err || fail "resume at N=2 failed: $(cat r12.err)"
"$TRAINCTL" ckpt diff --rtol 1e-5 --atol 1e-6 one/mlp-2_3.ckpt r12/mlp-2_3.ckpt > r12.diff 2>&1 && pass \
  || fail "resume 1 -> 2 differs: $(tail -3 r12.diff)"
# Resume 2 -> 1: the same.
mkdir r21 && cp two-A/mlp-1_3.ckpt two-A/mlp-graph.meta r21/
"$TRAINCTL" resume --from r21/mlp-1_3.ckpt -q > /dev/null 2> r21.err || fail "resume at N=1 failed: $(cat r21.err)"
"$TRAINCTL" ckpt diff --rtol 1e-5 --atol 1e-6 two-A/mlp-2_3.ckpt r21/mlp-2_3.ckpt > r21.diff 2>&1 && pass \
  || fail "resume 2 -> 1 differs: $(tail -3 r21.diff)"

# trainctl eval sharded over 2 ranks (batches of 3: 7 batches, uneven shards) prints what one process does.
# --min-acc fails on every rank alike: one error line, from rank 0, exit 1.
"$TRAINCTL" eval --ckpt one/mlp-2_3.ckpt --data d --batch-size 3 --min-acc 0.99 > e1.txt 2> e1.err
[ $? -eq 1 ] && pass || fail "eval --min-acc 0.99 did not exit 1: $(cat e1.err)"
mpi2 eval --ckpt one/mlp-2_3.ckpt --data d --batch-size 3 --min-acc 0.99 > e2.txt 2> e2.err; rc=$?
[ "$rc" -eq 1 ] && pass || fail "eval --min-acc 0.99 at N=2 exited $rc, expected 1: $(cat e2.err)"
cmp -s e1.txt e2.txt && pass || fail "eval at N=2 differs: $(diff e1.txt e2.txt | head -5)"
[ "$(grep -c 'trainctl: error' e2.err)" -eq 1 ] && grep -q 'trainctl: error: --min-acc' e2.err && pass \
  || fail "eval --min-acc at N=2: expected one error line: $(cat e2.err)"

# A global batch that does not split over the ranks: refused once, naming both, exit 2, nothing written.
mpi2 train "${flags[@]}" --batch-size 15 --out odd > odd.log 2> odd.err; rc=$?
[ "$rc" -eq 2 ] && pass || fail "batch 15 on 2 ranks exited $rc, expected 2"
[ "$(grep -c 'trainctl: error' odd.err)" -eq 1 ] && grep -q 'error: rank 0: batch_size: 15 is not divisible by the 2 ranks' odd.err \
  && pass || fail "batch 15 on 2 ranks: expected one error line naming 15 and 2: $(cat odd.err)"
[ ! -e odd ] && pass || fail "a refused run created odd/"
# --threads left at its default: the host's cores shared among its 2 ranks (at least 1 each).
cores=$(getconf _NPROCESSORS_ONLN); share=$((cores / 2)); [ "$share" -ge 1 ] || share=1
mpi2 train --net mlp --hidden 32 --data d --batch-size 20 --epochs 1 --eval false --out thr > /dev/null 2> thr.err \
  || fail "N=2 with default threads failed: $(cat thr.err)"
grep -q ", $share threads\? per rank x 2 ranks" thr.err && pass \
  || fail "default threads on $cores cores x 2 ranks: expected $share per rank: $(grep threads thr.err)"
# --check-replicas: the ranks compare their parameters after every step, and say so at the end.
mpi2 train "${flags[@]}" --batch-size 20 --epochs 1 --eval false --out rep --check-replicas > /dev/null 2> rep.err \
  || fail "N=2 --check-replicas failed: $(cat rep.err)"
grep -q 'replicas identical after each of 3 steps (--check-replicas)' rep.err && pass \
  || fail "--check-replicas: no verdict line: $(cat rep.err)"
# --val-split and --early-stop at N=2: the same held-out images and validation metrics as one
# process (the sharded validation sums exactly), and the same early stop, said once.
vflags=(--net mlp --hidden 32 --data d --threads 1 --batch-size 10 --val-split 0.5 --epochs 6 --early-stop 2 --min-delta 100)
"$TRAINCTL" train "${vflags[@]}" --out v1 > v1.log 2> v1.err || fail "val-split run failed: $(cat v1.err)"
mpi2 train "${vflags[@]}" --out v2 > v2.log 2> v2.err || fail "N=2 val-split run failed: $(cat v2.err)"
grep -q ': 30 train / 30 val / 20 test images, 10 classes$' v2.err && pass || fail "N=2 split sizes: $(cat v2.err)"
diff <(grep '^Metrics' v1.log) <(grep '^Metrics' v2.log) > /dev/null && pass \
  || fail "N=2 validation metrics differ: $(grep '^Metrics' v1.log v2.log)"
[ "$(grep -c '^trainctl: early stop at epoch 3: ' v2.err)" -eq 1 ] && [ -f v2/mlp-3_3.ckpt ] && [ ! -e v2/mlp-4_3.ckpt ] && pass \
  || fail "N=2 early stop: $(cat v2.err; ls v2)"
finish
