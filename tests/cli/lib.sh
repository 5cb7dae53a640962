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

# mnist_first_tests N: prints a folder with the real training files and the first N test images,
# for tests that evaluate after many runs but check no accuracy figure: scoring all 10,000 test
# images was most of their time (far more under ASan). Call after need_mnist.
mnist_first_tests() {
  local dir=$SCRATCH/mnist-first-$1
  mkdir -p "$dir" && cp "$MNIST"/train-images-idx3-ubyte* "$MNIST"/train-labels-idx1-ubyte* "$dir"/ || return 1
  "$PY" - "$MNIST" "$dir" "$1" <<'PYEOF' || return 1
import gzip, os, struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name, header in (("t10k-images-idx3-ubyte", 16), ("t10k-labels-idx1-ubyte", 8)):
    path = os.path.join(src, name)
    data = open(path, "rb").read() if os.path.exists(path) else gzip.open(path + ".gz").read()
    per_item = (len(data) - header) // struct.unpack(">I", data[4:8])[0]
    with open(os.path.join(dst, name), "wb") as f:  # the header with count n, then n items
        f.write(data[:4] + struct.pack(">I", n) + data[8:header] + data[header:header + n * per_item])
PYEOF
  echo "$dir"
}

# Whether $TRAINCTL is an AddressSanitizer build (scripts/test.sh --sanitize): slower, more memory.
sanitized() { [ -n "${ASAN_OPTIONS:-}" ] || grep -qa __asan_init "$TRAINCTL"; }

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}

# --- Bad inputs: the exit code, one stderr line, and not a file created, changed or deleted.
# Tests keep their own files in $SCRATCH, outside the snapshots.
SCRATCH=$WORK/.scratch
mkdir -p "$SCRATCH"
PY=/usr/bin/python3

# Every path under . with its type and mode, and for files their size, mtime (ns: any write
# moves it) and inode (a file replaced by rename gets a new one): cheaper than hashing.
# Directory mtimes are left out: a temporary file removed again leaves nothing behind.
# Unsorted: an unchanged directory lists in the same order.
snapshot() { find . -path ./.scratch -prune -o -type d -printf '%y %m %p\n' -o -printf '%y %m %s %T@ %i %p\n'; }

# expect_rejected CODE FRAGMENT -- ARGS...: trainctl ARGS exits CODE, prints exactly one line on
# stderr, "trainctl: error: ..." holding FRAGMENT, and leaves . as it was. Its stdout and stderr
# are kept in $SCRATCH/stdout and $SCRATCH/stderr. With RSS_LIMIT=KB set, its peak RSS stays below KB:
# a bad size claim is refused before anything that size is allocated or read into memory.
expect_rejected() {
  local code=$1 fragment=$2; shift 3
  local before err rc kb
  before=$(snapshot)
  if [ -n "${RSS_LIMIT:-}" ]; then
    err=$(/usr/bin/time -f '%M' -o "$SCRATCH/time" "$TRAINCTL" "$@" 2>&1 > "$SCRATCH/stdout"); rc=$?
    kb=$(tail -1 "$SCRATCH/time")
  else
    err=$("$TRAINCTL" "$@" 2>&1 > "$SCRATCH/stdout"); rc=$?
  fi
  printf '%s\n' "$err" > "$SCRATCH/stderr"
  # BAD_INPUT_LOG=FILE collects every case (exit code, arguments, message) for docs/errors.md.
  [ -n "${BAD_INPUT_LOG:-}" ] && printf '%s\t%s\t%s\n' "$rc" "$*" "$err" >> "$BAD_INPUT_LOG"
  local what; printf -v what 'trainctl %.200s' "$*"
  if [ "$rc" -ne "$code" ]; then fail "$what: exited $rc, expected $code (stderr: $err)"; return; fi
  if [ -z "$err" ] || [[ $err == *$'\n'* ]]; then fail "$what: expected one stderr line, got: $err"; return; fi
  if [[ $err != "trainctl: error: "* ]]; then fail "$what: stderr is not 'trainctl: error: ...': $err"; return; fi
  if [[ $err != *"$fragment"* ]]; then fail "$what: stderr lacks '$fragment' (got: $err)"; return; fi
  local after; after=$(snapshot)
  if [ "$before" != "$after" ]; then fail "$what: files changed: $(diff <(echo "$before") <(echo "$after") | head -5)"; return; fi
  if [ -n "${RSS_LIMIT:-}" ] && [ "$kb" -ge "$RSS_LIMIT" ]; then fail "$what: peak RSS $kb KB (limit $RSS_LIMIT KB)"; return; fi
  pass
}

# small_mnist DIR[=VARIANT]...: 60/20-image IDX folders, sound or damaged (tests/cli/make_idx.py).
# The file a PREFIX-latest pointer names: a symlink, or a text file where symlinks are unsupported.
latest_name() { if [ -L "$1" ]; then readlink "$1"; else cat "$1" 2> /dev/null; fi; }

small_mnist() { "$PY" "$TRAINCTL_SRC/tests/cli/make_idx.py" "$@" || fail "make_idx.py $*"; }

# A tiny MLP trained for one epoch on small_mnist data, for tests about what reads a checkpoint:
# sets CK to its first checkpoint.
tiny_mlp_checkpoint() {
  small_mnist "$SCRATCH/data"
  "$TRAINCTL" train --data "$SCRATCH/data" --net mlp --hidden 16 --out "$SCRATCH/run" --epochs 1 --batch-size 20 \
    --threads 1 -q > /dev/null 2> "$SCRATCH/train.err" || fail "training failed: $(cat "$SCRATCH/train.err")"
  CK=$(ls "$SCRATCH"/run/*.ckpt | head -1)
}
