#!/usr/bin/env bash
# Damaged and mismatched checkpoints for ckpt inspect/verify, eval, resume and train --init-from:
# exit 1 (2 for a missing --from), one line naming the file, the tensor when there is one, and
# the problem; nothing written. tests/cli/make_bad_ckpt.py makes each variant from a sound file.
source "$(dirname "$0")/lib.sh"

small_mnist "$SCRATCH/data"
DATA=$SCRATCH/data
for net in lenet5 mlp; do
  "$TRAINCTL" train --data "$DATA" --net "$net" --input-size 32 --hidden 16,16 --optimizer sgd --prefix "$net" --out "$SCRATCH/$net" \
    --epochs 1 --batch-size 20 --threads 1 -q > /dev/null 2> "$SCRATCH/train.err" || fail "training $net: $(cat "$SCRATCH/train.err")"
done
LENET=$SCRATCH/lenet5/lenet5-1_3.ckpt
MLP=$SCRATCH/mlp/mlp-1_3.ckpt
cp "$LENET" sound.ckpt
"$TRAINCTL" ckpt verify sound.ckpt > /dev/null && pass || fail "the sound checkpoint does not verify"
# Every variant in one go (Python starts once): VARIANT.ckpt here.
"$PY" "$TRAINCTL_SRC/tests/cli/make_bad_ckpt.py" "$LENET" . empty seven-bytes header-len-2^63 header-len-past-eof \
  header-len-odd header-not-json invalid-utf8 header-bit-flip duplicate-name overlapping-offsets unknown-dtype \
  dtype-size-mismatch truncated-data trailing-bytes deep-header no-metadata data-bit-flip wrong-dtype shape-mismatch \
  deep-metadata bad-run-prefix no-run-prefix state-epoch-negative state-lr-huge state-acc-string \
  state-optimizer-steps-string state-global-step-negative model-huge || fail "make_bad_ckpt.py"
inspect() { expect_rejected 1 "$1.ckpt: $2" -- ckpt inspect "$1.ckpt"; }

# --- the header: length prefix, JSON, CRC, entries, tiling (ckpt inspect reads it all)
inspect empty "file is 0 bytes, too short for a checkpoint (expected at least 8)"
inspect seven-bytes "file is 7 bytes, too short for a checkpoint (expected at least 8)"
size=$(stat -c %s sound.ckpt)
header=$(od -An -t u8 -N 8 sound.ckpt | tr -d ' ')  # the length prefix (the config stored in it names paths)
inspect header-len-2^63 "header length 9223372036854775808 exceeds the $((size - 8)) bytes after the length prefix"
inspect header-len-past-eof "header length $size exceeds the $((size - 8)) bytes after the length prefix"
inspect header-len-odd "header length $((header - 3)) is not a multiple of 8 (data must start aligned)"
inspect header-not-json "header is not valid JSON: parse error at line 1, column 1: syntax error while parsing value - invalid literal"
inspect invalid-utf8 "header is not valid JSON: parse error at line 1, column"
grep -q "invalid string: ill-formed UTF-8 byte$" "$SCRATCH/stderr" && pass || fail "invalid UTF-8: $(cat "$SCRATCH/stderr")"
inspect header-bit-flip "header CRC32C mismatch (stored"
inspect duplicate-name 'header has key "conv1.weight" twice'
inspect overlapping-offsets 'tensor "conv2.weight" data_offsets [596,10196] overlap the previous tensor (expected begin 600)'
inspect unknown-dtype 'tensor "conv1.weight" has unknown dtype "F33"'
inspect dtype-size-mismatch 'tensor "conv1.weight" shape [6,1,5,5] F64 needs 1200 bytes, data_offsets span 600'
inspect truncated-data 'tensor "fc3.weight" data_offsets [243336,246696] run past the end of the file (data section is 246636 bytes)'
inspect trailing-bytes "data section is 246744 bytes but tensors cover 246736 (trailing bytes)"
inspect deep-header "header is nested deeper than 64 levels"
inspect no-metadata 'not a trainctl checkpoint: header has no "__metadata__"'
inspect data-bit-flip "1 tensor(s) fail their CRC32C check"
grep -q '^fc3.bias .*BAD$' "$SCRATCH/stdout" && pass || fail "inspect does not flag fc3.bias: $(cat "$SCRATCH/stdout")"

# ckpt verify: the problem on stdout (one line per file), the failed files on stderr.
expect_rejected 1 "ckpt verify: failed: data-bit-flip.ckpt" -- ckpt verify data-bit-flip.ckpt
grep -q '^data-bit-flip.ckpt: .*tensor "fc3.bias" CRC32C mismatch (stored [0-9a-f]*, computed [0-9a-f]*)$' "$SCRATCH/stdout" \
  && pass || fail "verify: $(cat "$SCRATCH/stdout")"
expect_rejected 1 "ckpt verify: failed: sound.ckpt.missing, empty.ckpt" -- ckpt verify sound.ckpt.missing empty.ckpt sound.ckpt
[ "$(cat "$SCRATCH/stdout")" = $'sound.ckpt.missing: cannot open: No such file or directory\nempty.ckpt: file is 0 bytes, too short for a checkpoint (expected at least 8)\nsound.ckpt: ok' ] \
  && pass || fail "verify lines: $(cat "$SCRATCH/stdout")"

# --- loading into a net: eval, resume, train --init-from
expect_rejected 1 'wrong-dtype.ckpt: 1 tensor(s) do not fit the net: "conv1.weight" is I32[6,1,5,5], net needs F32[6,1,5,5]' \
  -- eval --ckpt wrong-dtype.ckpt --data "$DATA"
expect_rejected 1 'shape-mismatch.ckpt: 1 tensor(s) do not fit the net: "conv1.weight" is F32[1,6,5,5], net needs F32[6,1,5,5]' \
  -- eval --ckpt shape-mismatch.ckpt --data "$DATA"
expect_rejected 1 'data-bit-flip.ckpt: tensor "fc3.bias" CRC32C mismatch' -- eval --ckpt data-bit-flip.ckpt --data "$DATA"
expect_rejected 1 "header-bit-flip.ckpt: header CRC32C mismatch" -- eval --ckpt header-bit-flip.ckpt --data "$DATA"
expect_rejected 1 'no-metadata.ckpt: not a trainctl checkpoint: header has no "__metadata__"' -- eval --ckpt no-metadata.ckpt --data "$DATA"
expect_rejected 1 'deep-metadata.ckpt: metadata key "model": JSON nested deeper than 64 levels' -- eval --ckpt deep-metadata.ckpt --data "$DATA"
expect_rejected 1 'deep-metadata.ckpt: metadata key "model": JSON nested deeper than 64 levels' -- infer --ckpt deep-metadata.ckpt --data "$DATA"
# --ckpt takes what resume --from takes: a missing file is a usage error naming both places looked.
expect_rejected 2 "--ckpt: nope.ckpt: no such checkpoint file or directory (nor ckpt/nope.ckpt)" -- eval --ckpt nope.ckpt --data "$DATA"
# A bare name that only train's default --out holds is found there (it was refused); a path
# that misses points there.
mkdir ckpt && cp sound.ckpt ckpt/only-there.ckpt
"$TRAINCTL" eval --ckpt only-there.ckpt --data "$DATA" > "$SCRATCH/there.out" 2>&1 && grep -q "ckpt/only-there.ckpt" "$SCRATCH/there.out" \
  && pass || fail "eval --ckpt NAME in ckpt/: $(cat "$SCRATCH/there.out")"
expect_rejected 2 "--ckpt: elsewhere/only-there.ckpt: no such checkpoint file or directory (did you mean ckpt/only-there.ckpt?)" \
  -- eval --ckpt elsewhere/only-there.ckpt --data "$DATA"
expect_rejected 2 "--ckpt: ckpt/only-there: no such checkpoint file or directory (did you mean ckpt/only-there.ckpt?)" \
  -- export --ckpt ckpt/only-there --format onnx
rm -r ckpt
mkdir ckdir
expect_rejected 2 "--ckpt ckdir: no complete checkpoint in ckdir/" -- eval --ckpt ckdir --data "$DATA"

# Resuming writes into the checkpoint's folder: copies here are covered by the snapshots.
cp "$MLP" mlp.ckpt
resume() { expect_rejected "$1" "$2" -- resume --from "${@:3}" --data "$DATA" -q; }
resume 2 "--from: nope.ckpt: no such checkpoint file or directory" nope.ckpt
resume 1 "data-bit-flip.ckpt: tensor \"fc3.bias\" CRC32C mismatch" data-bit-flip.ckpt --epochs 2
resume 1 "truncated-data.ckpt: tensor \"fc3.weight\" data_offsets" truncated-data.ckpt --epochs 2
# Keys a resumed run keeps (cmd/resume_fixed_keys.hpp) are refused before the file is loaded.
resume 2 "--net: a resumed run keeps its stored net mlp (the checkpoint's tensors are this net's)" mlp.ckpt --net lenet5 --epochs 2
resume 2 "--conv-padding: a resumed run keeps its stored conv_padding 0 (the checkpoint's tensors have the shapes it gives)" \
  sound.ckpt --conv-padding 2 --epochs 2
resume 2 "--optimizer: a resumed run keeps its stored optimizer sgd (the checkpoint holds this optimizer's state)" \
  sound.ckpt --optimizer adam --epochs 2
resume 2 "--batch-size: a resumed run keeps its stored batch_size 20" sound.ckpt --batch-size 30 --epochs 2
resume 2 "--epochs: sound.ckpt already completed 1 epoch(s); ask for more with --epochs N or --more-epochs K" sound.ckpt
"$TRAINCTL" export --ckpt "$LENET" --format safetensors --out weights.safetensors > /dev/null || fail "export"
resume 1 'weights.safetensors: metadata key "config" missing (not a trainctl training checkpoint)' weights.safetensors --epochs 2
resume 1 "bad-run-prefix.ckpt: metadata \"run_prefix\" is \"../escape\\nx\", expected letters, digits, '.', '_' or '-'" \
  bad-run-prefix.ckpt --epochs 2
resume 1 'no-run-prefix.ckpt: no "run_prefix" in the metadata and the name is not PREFIX-EPOCH_STEP.ckpt' \
  no-run-prefix.ckpt --epochs 2
# A training state of the wrong types (CRCs intact): one line, never an abort or a wrapped count.
for cmd in eval resume; do
  args=(--ckpt); [ "$cmd" = resume ] && args=(--epochs 3 --from)
  expect_rejected 1 'state-epoch-negative.ckpt: training state key "epoch" is -1, expected a non-negative integer' \
    -- "$cmd" --data "$DATA" "${args[@]}" state-epoch-negative.ckpt
  expect_rejected 1 'state-lr-huge.ckpt: training state key "lr" is 1e+300, expected a finite number' \
    -- "$cmd" --data "$DATA" "${args[@]}" state-lr-huge.ckpt
  expect_rejected 1 'state-acc-string.ckpt: training state metrics key "acc" is "x", expected a finite number' \
    -- "$cmd" --data "$DATA" "${args[@]}" state-acc-string.ckpt
  expect_rejected 1 'state-optimizer-steps-string.ckpt: training state key "optimizer" must hold a "type" string and a non-negative integer "step_count"' \
    -- "$cmd" --data "$DATA" "${args[@]}" state-optimizer-steps-string.ckpt
done
"$TRAINCTL" ckpt ls . > ls.out 2>&1; grep -q 'state-acc-string.ckpt .*metrics key "acc" is "x"' ls.out && pass \
  || fail "ckpt ls does not name the bad state: $(grep state-acc ls.out)"
grep -q 'state-optimizer-steps-string.ckpt .*key "optimizer" must hold' ls.out && pass \
  || fail "ckpt ls does not check the optimizer entry: $(grep state-optimizer ls.out)"
# resume --from DIR skips a file resume would refuse (a global step that would wrap to the
# highest of all), with a warning naming it, and continues from the sound one.
mkdir -p "$SCRATCH/pick" && cp sound.ckpt "$SCRATCH/pick/lenet5-1_3.ckpt" && cp state-global-step-negative.ckpt "$SCRATCH/pick/lenet5-9_3.ckpt"
"$TRAINCTL" resume --from "$SCRATCH/pick" --data "$DATA" --epochs 2 -q > /dev/null 2> "$SCRATCH/pick.err" \
  && grep -q 'warning: skipping .*lenet5-9_3.ckpt: training state key "global_step" is -1, expected a non-negative integer' \
    "$SCRATCH/pick.err" && [ -f "$SCRATCH/pick/lenet5-2_3.ckpt" ] && pass \
  || fail "resume --from DIR with a bad newest state: $(cat "$SCRATCH/pick.err"; ls "$SCRATCH/pick")"
# Without a stored prefix, a file named PREFIX-EPOCH_STEP.ckpt continues under that prefix.
mkdir -p "$SCRATCH/renamed" && cp no-run-prefix.ckpt "$SCRATCH/renamed/old-1_3.ckpt"
"$TRAINCTL" resume --from "$SCRATCH/renamed/old-1_3.ckpt" --data "$DATA" --epochs 2 -q > /dev/null 2> "$SCRATCH/renamed.err" \
  && [ -f "$SCRATCH/renamed/old-2_3.ckpt" ] && [ ! -e "$SCRATCH/renamed/.lock" ] && pass \
  || fail "resume of a file without run_prefix: $(cat "$SCRATCH/renamed.err"; ls -a "$SCRATCH/renamed")"
# A model description asking for far more memory than there is: refused before allocating.
huge='model-huge.ckpt: model description: net "mlp" (hidden 65536,65536,65536,65536,'
for cmd in "eval --data $DATA --ckpt" "infer --data $DATA --ckpt" "export --format onnx --out huge.onnx --ckpt"; do
  RSS_LIMIT=300000 expect_rejected 1 "$huge" -- $cmd model-huge.ckpt
  grep -q 'parameters and their gradients need 480.[0-9] GiB, more than the .* GiB of memory available$' "$SCRATCH/stderr" \
    && pass || fail "$cmd: $(cat "$SCRATCH/stderr")"
done
init() { expect_rejected 1 "$1" -- train --init-from "$2" --data "$DATA" --out run "${@:3}"; }
init 'mlp.ckpt: holds net "mlp", the run builds net "lenet5"' mlp.ckpt
init 'mlp.ckpt: 5 tensor(s) do not fit the net: "fc1.weight" is F32[16,1024], net needs F32[32,1024];' mlp.ckpt --net mlp --input-size 32 --hidden 32,32
grep -q '"fc2.bias" is F32\[16\], net needs F32\[32\]; and 1 more (ckpt inspect lists the file.s tensors) (--skip-mismatch' \
  "$SCRATCH/stderr" && pass || fail "a long mismatch list is not cut after four: $(cat "$SCRATCH/stderr")"
# --skip-mismatch keeps the tensors that fit; their optimizer state does not fit: name the flag that drops it.
"$TRAINCTL" train --data "$DATA" --net mlp --hidden 16,16 --prefix m16 --epochs 1 --batch-size 20 --out "$SCRATCH/m16" -q \
  > /dev/null 2>&1 || fail "training the momentum MLP failed"
M16=$(ls "$SCRATCH"/m16/m16-1_*.ckpt | head -1)
expect_error 1 "$(basename "$M16"): no momentum state for parameter \"fc1.weight\" of this net (tensor \"optimizer.momentum.fc1.weight\" is another shape); start with --reset-optimizer" \
  -- train --init-from "$M16" --data "$DATA" --out run --net mlp --hidden 32,32 --skip-mismatch
[ ! -e run ] && pass || fail "a refused fine-tune left run/: $(ls run)"
init "header-bit-flip.ckpt: header CRC32C mismatch" header-bit-flip.ckpt
init 'deep-metadata.ckpt: metadata key "model": JSON nested deeper than 64 levels' deep-metadata.ckpt

# --- files that are not checkpoints say what they are (an ONNX model quoted an absurd header length)
"$TRAINCTL" export --ckpt sound.ckpt --format onnx --out "$SCRATCH/model.onnx" > /dev/null 2>&1 || fail "export failed"
cp "$SCRATCH/model.onnx" model.onnx
printf 'PK\003\004 a PyTorch archive' > model.pt
printf '\211PNG\r\n\032\n0000000000' > digit.png
for cmd in "eval --data $DATA --ckpt" "infer --data $DATA --ckpt" "export --format onnx --out x.onnx --ckpt" "ckpt inspect"; do
  expect_rejected 1 "model.onnx: not a checkpoint: this is an ONNX model (what \`trainctl export --format onnx\` writes)" -- $cmd model.onnx
done
expect_rejected 1 "model.pt: not a checkpoint: this is a zip archive (a PyTorch .pt/.pth file?)" -- eval --data "$DATA" --ckpt model.pt
expect_rejected 1 "digit.png: not a checkpoint: this is a PNG image" -- train --data "$DATA" --init-from digit.png --out run
expect_rejected 1 "train-images-idx3-ubyte: not a checkpoint: this is an IDX data file" -- ckpt inspect "$DATA/train-images-idx3-ubyte"

# --- a 1 GB sparse file of zeros: header length 0, rejected without reading the gigabyte
truncate -s 1G zeros.ckpt
RSS_LIMIT=200000 expect_rejected 1 "zeros.ckpt: header is not valid JSON" -- ckpt inspect zeros.ckpt
RSS_LIMIT=200000 expect_rejected 1 "ckpt verify: failed: zeros.ckpt" -- ckpt verify zeros.ckpt
RSS_LIMIT=200000 expect_rejected 1 "zeros.ckpt: header is not valid JSON" -- eval --ckpt zeros.ckpt --data "$DATA"
RSS_LIMIT=200000 expect_rejected 1 "zeros.ckpt: header is not valid JSON" -- resume --from zeros.ckpt

finish
