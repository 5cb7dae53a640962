#!/usr/bin/env bash
# Bad config files and flags: exit 2, one line naming the file/flag/key and the problem, and no
# file written (a config is validated before any run directory exists).
source "$(dirname "$0")/lib.sh"

small_mnist data
train() { expect_rejected 2 "$1" -- train --config "$2" --data data; }

# --- config files
printf '{"lr": 0.1,' > broken.json
train "broken.json: invalid JSON: parse error at line 1, column 12" broken.json
printf '{"lr": 0.1, "epocs": 3}' > typo.json
train 'typo.json: unknown key "epocs" (did you mean "epochs"?)' typo.json
printf '{"input": {"sise": 32}}' > nested-typo.json
train 'nested-typo.json: unknown key "input.sise" (did you mean "input.size"?)' nested-typo.json
printf '{"input": 32}' > input-number.json
train 'input-number.json: key "input" must be an object with size, mean, std' input-number.json
printf '{"batch_size": "32"}' > string-int.json
train 'string-int.json: key "batch_size" must be an integer in [1, 65536], got "32"' string-int.json
printf '{"nesterov": "yes"}' > string-bool.json
train 'string-bool.json: key "nesterov" must be true or false, got "yes"' string-bool.json
printf '{"epochs": 2.5}' > float-int.json
train 'float-int.json: key "epochs" must be an integer in [1, 1000000], got 2.5' float-int.json
printf '{"lr": -1}' > lr.json
train 'lr.json: key "lr" must be a number > 0, got -1' lr.json
printf '{"momentum": 1.5}' > momentum.json
train 'momentum.json: key "momentum" must be a number in [0, 1), got 1.5' momentum.json
printf '{"input": {"size": 4}}' > size.json
train 'size.json: key "input.size" must be an integer in [8, 256], got 4' size.json
printf '{"batch_size": 100000}' > batch.json
train 'batch.json: key "batch_size" must be an integer in [1, 65536], got 100000' batch.json
printf '{"threads": 300}' > threads.json
train 'threads.json: key "threads" must be an integer in [0, 256], got 300' threads.json
printf '{"hidden": [512, 0]}' > hidden.json
train 'hidden.json: key "hidden" must be a non-empty list of layer sizes in [1, 65536], got [512,0]' hidden.json
printf '{"seed": -5}' > seed.json
train 'seed.json: key "seed" must be an integer in [0, 18446744073709551615], got -5' seed.json
printf '{"prefix": "../up"}' > prefix.json
train "prefix.json: key \"prefix\" must be letters, digits, '.', '_' or '-' (not starting with '.'), got \"../up\"" prefix.json
printf '{"optimizer": "rmsprop"}' > optimizer.json
train 'optimizer.json: key "optimizer" must be one of "sgd" "momentum" "adam", got "rmsprop"' optimizer.json
printf '{"prefix": "a", "prefix": 5}' > duplicate.json  # nlohmann keeps the last value
train 'duplicate.json: key "prefix" must be a non-empty string, got 5' duplicate.json

# Not a JSON object, or not JSON at all.
: > empty.json
train "empty.json: empty file, expected a JSON object" empty.json
printf '[{"lr": 0.1}]' > array.json
train "array.json: expected a JSON object, got array" array.json
printf '42' > number.json
train "number.json: expected a JSON object, got number" number.json
printf '{"data": "caf\xe9"}' > latin1.json
train "latin1.json: invalid JSON: parse error at line 1, column 15: syntax error while parsing value - invalid string: ill-formed UTF-8 byte" latin1.json
mkdir config-dir
train "config-dir: not a regular file, expected a JSON config file" config-dir
train "/dev/null: not a regular file, expected a JSON config file" /dev/null
train "missing.json: cannot open config file" missing.json

# 1 MB of '[' or '{"a":': a clean error, not a stack overflow (nlohmann's dump() recurses).
"$PY" - <<'PYEOF'
files = {
    "brackets.json": "[" * (1 << 20),
    "objects.json": '{"a":' * (1 << 18),
    "deep-value.json": '{"lr":' + "[" * 100000 + "]" * 100000 + "}",  # parses; printing it overflowed
    "at-limit.json": '{"hidden":' + "[" * 63 + "]" * 63 + "}",  # 64 levels with the object: allowed
}
for name, text in files.items():
    open(name, "w").write(text)
PYEOF
train "brackets.json: JSON nested deeper than 64 levels" brackets.json
train "objects.json: JSON nested deeper than 64 levels" objects.json
train "deep-value.json: JSON nested deeper than 64 levels" deep-value.json
train 'at-limit.json: key "hidden" must be a non-empty list of layer sizes' at-limit.json
# A 1 GB sparse file (a dataset passed by mistake) is refused by its size, unread.
truncate -s 1G huge.json
RSS_LIMIT=200000 train "huge.json: config file is 1073741824 bytes, expected at most 16777216" huge.json

# --- flags of train
flag() { expect_rejected 2 "$1" -- train --data data "${@:2}"; }
flag "unknown flag --bogus for trainctl train (see --help)" --bogus
flag "--lr: 1 required TEXT missing" --lr
flag '--lr must be a number > 0, got "fast"' --lr fast
flag "--threads must be an integer in [0, 256], got -1" --threads -1
flag "--ckpt-steps must be an integer in [0, 4294967295], got -1" --ckpt-steps -1
flag '--ckpt-steps must be an integer in [0, 4294967295], got "often"' --ckpt-steps often
flag "--batch-size must be an integer in [1, 65536], got 0" --batch-size 0
flag "--epochs must be an integer in [1, 1000000], got 1.5" --epochs 1.5
flag '--net must be one of "lenet5" "mlp", got "resnet"' --net resnet
flag "--keep-max must be an integer in [0, 1000000], got -3" --keep-max -3
flag '--monitor must be one of "acc" "loss" "val_acc" "val_loss" "test_acc" "test_loss", got "f1"' --monitor f1
flag "--input-size must be an integer in [8, 256], got 1000" --input-size 1000
deep=$(printf '%60000s' '' | tr ' ' '[')$(printf '%60000s' '' | tr ' ' ']')
flag "--lr: JSON nested deeper than 64 levels" --lr "$deep"
flag "--init-from: nope.ckpt: no such checkpoint file or directory (nor ckpt/nope.ckpt)" --init-from nope.ckpt
flag "batch_size: 100 is larger than the 60 training images (drop_remainder is on)" --batch-size 100
printf 'x' > a-file
flag "--out a-file: exists and is not a directory" --out a-file
# --threads 0 is documented (all cores), not an error.
"$TRAINCTL" train --threads 0 --print-config | grep -q '"threads": 0' && pass || fail "--threads 0 (all cores) rejected"

finish
