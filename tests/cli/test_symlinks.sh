#!/usr/bin/env bash
# Planted symlinks and aliases: trainctl never writes through a symlink at a path it creates (the
# run lock, every NAME.tmp, the files it renames into place), and no output flag may name a file
# the command reads, however spelled (./x, dir/../x, a symlink, a hard link). The victims live in
# outside/: their bytes must stay and no file may appear there.
source "$(dirname "$0")/lib.sh"

small_mnist data
mkdir outside
printf 'victim\n' > outside/victim
TRAIN=(train --config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data data --batch-size 10 --epochs 1
       --ckpt-steps 3 --threads 1 -q)

# outside_intact WHAT: the victim unchanged and nothing new beside it.
outside_intact() {
  [ "$(cat outside/victim)" = victim ] && pass || fail "$1: outside/victim was written ($(wc -c < outside/victim) bytes)"
  [ "$(ls -A outside)" = victim ] && pass || fail "$1: new files outside the run: $(ls -A outside | tr '\n' ' ')"
}
# plant DANGLING|VICTIM PATH...: a symlink at each PATH, to a missing file or to the victim.
plant() {
  local kind=$1 path; shift
  for path in "$@"; do
    if [ "$kind" = DANGLING ]; then ln -s "$WORK/outside/escaped-${path//\//_}" "$path"
    else ln -s "$WORK/outside/victim" "$path"; fi
  done
}
# regular PATH...: each a regular file, not a link.
regular() { local p; for p in "$@"; do [ -f "$p" ] && [ ! -L "$p" ] && pass || fail "$p is not a regular file: $(ls -l "$p" 2>&1)"; done; }
no_tmp() { compgen -G "$1/*.tmp" > /dev/null && fail "temporaries left in $1: $(ls "$1")" || pass; }

# --- The run lock, dangling or to a victim: refused in one line, the link left for the user.
mkdir r1
plant DANGLING r1/lenet.lock
expect_rejected 1 "r1/lenet.lock: is a symbolic link, not a lock file trainctl writes; remove it" -- "${TRAIN[@]}" --out r1
rm r1/lenet.lock
plant VICTIM r1/lenet.lock
expect_rejected 1 "r1/lenet.lock: is a symbolic link, not a lock file trainctl writes; remove it" -- "${TRAIN[@]}" --out r1
rm r1/lenet.lock
mkfifo r1/lenet.lock
expect_rejected 1 "r1/lenet.lock: is a FIFO, not a lock file trainctl writes; remove it" -- "${TRAIN[@]}" --out r1
rm r1/lenet.lock
ln outside/victim r1/lenet.lock 2> /dev/null && {  # a hard link (fs.protected_hardlinks allows our own file)
  expect_rejected 1 "r1/lenet.lock: is a file with 2 hard links, not a lock file trainctl writes; remove it" -- "${TRAIN[@]}" --out r1
  rm r1/lenet.lock
}
outside_intact "the run lock"

# --- Every temporary of a training run, dangling (a link to an existing file would make the run
# take prefix lenet_1): checkpoints, the graph
# description and the latest pointer.
mkdir r2
plant DANGLING r2/lenet-1_3.ckpt.tmp r2/lenet-1_6.ckpt.tmp r2/lenet-graph.meta.tmp r2/lenet-latest.tmp
"$TRAINCTL" "${TRAIN[@]}" --keep-max 1 --out r2 > /dev/null 2> r2.err && pass || fail "train with planted temporaries: $(cat r2.err)"
regular r2/lenet-1_6.ckpt r2/lenet-graph.meta
[ "$(latest_name r2/lenet-latest)" = lenet-1_6.ckpt ] && pass || fail "r2/lenet-latest names '$(latest_name r2/lenet-latest)'"
no_tmp r2
outside_intact "train's temporaries"

# --- The same for a resumed run, to a victim and dangling; a lock link refuses the resume too.
# Without a graph description in r3 the run writes one, through its planted temporary.
mkdir r3
cp r2/lenet-1_6.ckpt r3/
plant VICTIM r3/lenet.lock
expect_rejected 1 "r3/lenet.lock: is a symbolic link, not a lock file trainctl writes; remove it" -- resume --from r3/lenet-1_6.ckpt --more-epochs 1 -q
rm r3/lenet.lock
plant VICTIM r3/lenet-2_3.ckpt.tmp r3/lenet-latest.tmp r3/lenet-graph.meta.tmp
plant DANGLING r3/lenet-2_6.ckpt.tmp
"$TRAINCTL" resume --from r3/lenet-1_6.ckpt --more-epochs 1 -q > /dev/null 2> r3.err && pass || fail "resume with planted temporaries: $(cat r3.err)"
regular r3/lenet-2_6.ckpt r3/lenet-graph.meta  # (lenet-2_3 went to keep-max 1, which the run keeps)
[ "$(latest_name r3/lenet-latest)" = lenet-2_6.ckpt ] && pass || fail "r3/lenet-latest names '$(latest_name r3/lenet-latest)'"
no_tmp r3
outside_intact "resume's temporaries"

# --- infer --save and every export output: NAME.tmp to the victim with NAME dangling, and the
# other way round. The rename replaces a link at NAME; its target is never written.
CK=r2/lenet-1_6.ckpt
plant VICTIM a.png.tmp b.png m.onnx.tmp n.onnx s.safetensors.tmp t.safetensors ref.bin.tmp ref2.bin \
  r2/lenet-1_6.onnx.tmp r2/lenet-1_6.safetensors
plant DANGLING a.png b.png.tmp m.onnx n.onnx.tmp s.safetensors t.safetensors.tmp ref.bin ref2.bin.tmp \
  r2/lenet-1_6.onnx r2/lenet-1_6.safetensors.tmp
for png in a.png b.png; do
  "$TRAINCTL" infer --ckpt "$CK" --data data --count 2 --save "$png" > /dev/null 2> infer.err && pass || fail "infer --save $png: $(cat infer.err)"
done
run_export() { "$TRAINCTL" export "$@" > /dev/null 2> export.err && pass || fail "export $*: $(cat export.err)"; }
run_reference() {
  "$TRAINCTL_REFERENCE_LOGITS" "$@" > /dev/null 2> reference.err && pass || fail "reference_logits $*: $(cat reference.err)"
}
run_export --ckpt "$CK" --format onnx --out m.onnx
run_reference --ckpt "$CK" --reference-logits ref.bin --data data --reference-count 5
run_export --ckpt "$CK" --format onnx --out n.onnx
run_reference --ckpt "$CK" --reference-logits ref2.bin --data data --reference-count 5
run_export --ckpt "$CK" --format safetensors --out s.safetensors
run_export --ckpt "$CK" --format safetensors --out t.safetensors
run_export --ckpt "$CK" --format onnx  # the default --out, r2/lenet-1_6.onnx
run_export --ckpt "$CK" --format safetensors
regular a.png b.png m.onnx n.onnx s.safetensors t.safetensors ref.bin ref2.bin r2/lenet-1_6.onnx r2/lenet-1_6.safetensors
no_tmp .
no_tmp r2
outside_intact "infer and export"

# --- Aliases of an input, for every output flag: refused in one line (exit 2), nothing changed.
# Each case starts from fresh copies, so one that wrote over its input cannot spoil the next.
cp "$CK" "$SCRATCH/x.ckpt"
mkdir sub
fresh_inputs() {
  rm -f x.ckpt link.ckpt hard.ckpt y.onnx
  cp "$SCRATCH/x.ckpt" x.ckpt && ln -s x.ckpt link.ckpt && ln x.ckpt hard.ckpt
}
for alias in ./x.ckpt sub/../x.ckpt "$WORK/x.ckpt" link.ckpt hard.ckpt; do
  fresh_inputs
  expect_rejected 2 "--out $alias is the checkpoint itself; choose another path (same file as --ckpt x.ckpt)" -- \
    export --ckpt x.ckpt --format safetensors --out "$alias"
  fresh_inputs
  TRAINCTL=$TRAINCTL_REFERENCE_LOGITS expect_rejected 2 \
    "--reference-logits $alias is the checkpoint itself; choose another path (same file as --ckpt x.ckpt)" -- \
    --ckpt x.ckpt --reference-logits "$alias" --data data
  fresh_inputs
  expect_rejected 2 "--save $alias is the checkpoint itself; choose another path (same file as --ckpt x.ckpt)" -- \
    infer --ckpt x.ckpt --data data --count 2 --save "$alias"
done
fresh_inputs
# The checkpoint reached through the link, written to its real name.
expect_rejected 2 "--out x.ckpt is the checkpoint itself; choose another path (same file as --ckpt link.ckpt)" -- \
  export --ckpt link.ckpt --format onnx --out x.ckpt
# The other files a command reads, and its other output.
fresh_inputs
expect_rejected 2 "--save ./a.png is an input image itself; choose another path (same file as --input a.png)" -- \
  infer --ckpt x.ckpt --input a.png --save ./a.png
test_images=$(ls data/t10k-images-idx3-ubyte*)
fresh_inputs
expect_rejected 2 "--save sub/../$test_images is an MNIST file itself; choose another path" -- \
  infer --ckpt x.ckpt --data data --count 2 --save "sub/../$test_images"
fresh_inputs
TRAINCTL=$TRAINCTL_REFERENCE_LOGITS expect_rejected 2 \
  "--reference-logits sub/../$test_images is an MNIST file itself; choose another path" -- \
  --ckpt x.ckpt --reference-logits "sub/../$test_images" --data data
# The reference logits left export (a test tool writes them): the flag is refused, nothing written.
fresh_inputs
expect_rejected 2 "unknown flag --reference-logits for trainctl export" -- \
  export --ckpt x.ckpt --format onnx --out y.onnx --reference-logits ./y.onnx --data data
outside_intact "aliases"

finish
