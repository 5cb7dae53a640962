#!/usr/bin/env bash
# Where trainctl looks for MNIST: --data DIR and $TRAINCTL_DATA also try DIR/mnist (scripts/get-mnist.sh
# fills data/mnist, and `--data data` is what users type), and the default lookup ends at the
# data/mnist of the repository the binary was built in, so any working directory finds what the
# set-up fetched. Not found: one line naming every place looked at.
source "$(dirname "$0")/lib.sh"
unset TRAINCTL_DATA TRAINCTL_MNIST

# The checkpoint's own data folder is gone: eval would fall back to it (its stored "data" key).
small_mnist "$SCRATCH/mnist" "$SCRATCH/gone"
"$TRAINCTL" train --data "$SCRATCH/gone" --epochs 1 --batch-size 20 --threads 1 --out "$SCRATCH/ck" -q \
  > /dev/null 2> "$SCRATCH/train.err" || fail "train: $(cat "$SCRATCH/train.err")"
rm -rf "$SCRATCH/gone"
CK=$SCRATCH/ck/lenet-1_3.ckpt
scores() { "$TRAINCTL" eval --ckpt "$CK" "$@" --json 2> "$SCRATCH/eval.err" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["count"])'; }

# --data data with the files in data/mnist (and the same for $TRAINCTL_DATA).
mkdir -p env && cp -r "$SCRATCH/mnist" env/mnist
[ "$(TRAINCTL_DATA=env scores)" = 20 ] && pass || fail "\$TRAINCTL_DATA=env did not find env/mnist: $(cat "$SCRATCH/eval.err")"
mkdir -p data && cp -r "$SCRATCH/mnist" data/mnist
[ "$(scores --data data)" = 20 ] && pass || fail "--data data did not find data/mnist: $(cat "$SCRATCH/eval.err")"
"$TRAINCTL" train --data data --epochs 1 --batch-size 20 --threads 1 --out ck2 -q > /dev/null 2> train2.err \
  && pass || fail "train --data data: $(cat train2.err)"
rm -rf ck2 train2.err

# Not there: the folder and its mnist/ are both named, with what each lacks.
mkdir empty
expect_rejected 2 "--data empty: no MNIST data: missing empty/train-images-idx3-ubyte[.gz]; empty/mnist: no such folder; run scripts/get-mnist.sh" \
  -- eval --ckpt "$CK" --data empty
expect_rejected 2 "--data nowhere: no MNIST data: no such folder; run scripts/get-mnist.sh" -- eval --ckpt "$CK" --data nowhere

# A checkout with the binary in build/ and the data where the set-up puts it, run from elsewhere.
# (A copy: /proc/self/exe resolves symlinks to the real binary's tree.)
mkdir -p repo/build repo/scripts elsewhere && cp "$TRAINCTL" repo/build/trainctl && touch repo/scripts/get-mnist.sh
cp -r "$SCRATCH/mnist" repo/data && mv repo/data repo/mnist-tmp && mkdir repo/data && mv repo/mnist-tmp repo/data/mnist
REPO=$(cd repo && pwd)
(cd elsewhere && "$REPO/build/trainctl" eval --ckpt "$CK" --json > ../repo.json 2> ../repo.err) \
  && grep -q '"count":20' repo.json && pass || fail "from another directory, the repository's data/mnist was not found: $(cat repo.err)"

# Nowhere at all: every place is listed, the repository's folder too.
rm -rf repo/data
msg="no MNIST data found; looked in data/mnist (no such folder), MNIST_Data (no such folder), $REPO/data/mnist (the binary's repository: no such folder); run scripts/get-mnist.sh"
(cd elsewhere && "$REPO/build/trainctl" train --epochs 1 --out "$SCRATCH/none" > /dev/null 2> ../none.err); rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l < none.err)" -eq 1 ] && grep -qF -- "$msg" none.err && pass \
  || fail "expected exit 1 and '$msg', got exit $rc: $(cat none.err)"
# eval ends with the folder the checkpoint was trained on, and names it too.
(cd elsewhere && "$REPO/build/trainctl" eval --ckpt "$CK" > /dev/null 2> ../eval-none.err)
grep -qF "$REPO/data/mnist (the binary's repository: no such folder), $SCRATCH/gone (the folder the run trained on: no such folder)" eval-none.err \
  && pass || fail "eval's error should list the run's data folder last: $(cat eval-none.err)"
# An installed copy (no scripts/get-mnist.sh beside its folder) looks at no repository.
rm repo/scripts/get-mnist.sh
(cd elsewhere && "$REPO/build/trainctl" train --epochs 1 --out "$SCRATCH/none" > /dev/null 2> ../installed.err)
grep -q "binary's repository" installed.err && fail "an installed binary looked for a repository: $(cat installed.err)" || pass
finish
