# Shared helpers for the command-line tests (sourced). Env from ctest: TRAINCTL, TRAINCTL_SRC.
set -uo pipefail
: "${TRAINCTL:?TRAINCTL must name the trainctl binary}"
: "${TRAINCTL_SRC:?TRAINCTL_SRC must name the source tree}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0
passes=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }

# expect_error CODE FRAGMENT -- ARGS...: trainctl ARGS exits CODE and stderr has FRAGMENT on one line.
expect_error() {
  local code=$1 fragment=$2; shift 3
  local out rc
  out=$("$TRAINCTL" "$@" 2>&1 >/dev/null); rc=$?
  if [ "$rc" -ne "$code" ]; then fail "trainctl $* exited $rc, expected $code (stderr: $out)"; return; fi
  if ! grep -qF -- "$fragment" <<<"$out"; then fail "trainctl $*: stderr lacks '$fragment' (got: $out)"; return; fi
  pass
}

# The real MNIST folder, or skip (exit 77) saying why.
need_mnist() {
  MNIST=${TRAINCTL_MNIST:-$TRAINCTL_SRC/../shared/data/mnist}
  if [ ! -d "$MNIST" ]; then
    echo "SKIPPED: real MNIST not found at $MNIST (set TRAINCTL_MNIST to the folder with the four IDX files)"
    exit 77
  fi
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
