#!/usr/bin/env bash
# Net-dependent defaults (prefix, input.size) follow the net unless given as flags: `--net mlp` on
# the LeNet5 tutorial config trained a 32x32-input MLP named lenet-*.
source "$(dirname "$0")/lib.sh"

resolved() {  # ARGS... -> "net prefix input.size" of the resolved config
  "$TRAINCTL" train "$@" --print-config | "$PY" -c 'import json, sys; j = json.load(sys.stdin); print(j["net"], j["prefix"], j["input"]["size"])'
}
check() {  # EXPECTED -- ARGS...
  local want=$1; shift 2
  local got; got=$(resolved "$@")
  [ "$got" = "$want" ] && pass || fail "train $* resolved to '$got', expected '$want'"
}
CFG=$TRAINCTL_SRC/configs
check "lenet5 lenet 32" --
check "mlp mlp 28" -- --net mlp
check "mlp mlp 28" -- --config "$CFG/lenet5-mnist.json" --net mlp
check "mlp mlp 28" -- --config "$CFG/mlp-mnist.json"
check "lenet5 lenet 32" -- --config "$CFG/mlp-mnist.json" --net lenet5
check "lenet5 lenet-adam 28" -- --config "$CFG/lenet5-adam.json" --net lenet5   # same net: the file's choices stand
check "mlp x 30" -- --config "$CFG/lenet5-mnist.json" --net mlp --prefix x --input-size 30
finish
