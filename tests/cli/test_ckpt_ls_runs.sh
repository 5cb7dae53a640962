#!/usr/bin/env bash
# ckpt ls groups rows by run (by each file's metadata run_prefix, the run saved last at the end:
# the one `latest` takes), each by global step, and shows each file's net.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
train() { "$TRAINCTL" train --data "$DATA" --batch-size 20 --threads 1 --out D -q "$@" > /dev/null; }
train --epochs 2 --prefix m --net mlp --hidden 16 2> a.err || fail "run m: $(cat a.err)"
train --epochs 1 --prefix m 2> b.err || fail "run m_1: $(cat b.err)"  # lenet5 files m_1-*, between m-1_3 and m-2_3 by step
"$TRAINCTL" ckpt ls D > ls.txt 2> ls.err && pass || fail "ckpt ls: $(cat ls.err)"
head -1 ls.txt | grep -q '^file .* global step  *net .*status$' && pass || fail "header: $(head -1 ls.txt)"
expected='run m
m-1_3.ckpt mlp
m-2_3.ckpt mlp
run m_1 (saved last: `latest` takes this run)
m_1-1_3.ckpt lenet5'
[ "$(sed 1d ls.txt | awk '/^run / { print; next } { print $1, $5 }')" = "$expected" ] && pass || fail "groups: $(cat ls.txt)"
"$TRAINCTL" ckpt ls D --json | "$PY" -c '
import json, sys
rows = json.load(sys.stdin)["checkpoints"]
assert [(r["file"], r["run"], r["net"]) for r in rows] == [("m-1_3.ckpt", "m", "mlp"), ("m-2_3.ckpt", "m", "mlp"),
                                                          ("m_1-1_3.ckpt", "m_1", "lenet5")], rows' \
  && pass || fail "ls --json: $("$TRAINCTL" ckpt ls D --json)"
# One run: no titles, the rows right under the header.
"$TRAINCTL" ckpt ls D/m-1_3.ckpt > one.txt && [ "$(wc -l < one.txt)" -eq 2 ] && grep -q '^m-1_3.ckpt .* mlp ' one.txt && pass \
  || fail "ckpt ls FILE: $(cat one.txt)"

finish
