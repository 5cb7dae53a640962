#!/usr/bin/env bash
# Under an address-space limit (ulimit -v) trainctl refuses in one line, exit 1, within seconds:
# OpenBLAS, short of address space for its buffers, retries mmap forever (deaf to SIGTERM).
source "$(dirname "$0")/lib.sh"

# AddressSanitizer reserves terabytes of address space: no ulimit -v can be honoured there.
if sanitized; then
  echo "SKIPPED: an ASan build cannot run under ulimit -v"
  exit 77
fi

# The binary under a limit (KB), killed after 20 s: a spin fails the test instead of hanging it.
REAL=$TRAINCTL
limited() {
  printf '#!/usr/bin/env bash\nulimit -v %s || exit 99\nexec timeout -s KILL 20 "%s" "$@"\n' "$1" "$REAL" > "$SCRATCH/limited"
  chmod +x "$SCRATCH/limited"
  TRAINCTL=$SCRATCH/limited
}

small_mnist "$SCRATCH/data"
train=(train --data "$SCRATCH/data" --epochs 1 --batch-size 10 --quiet)

# 100 MB: too little for OpenBLAS's own server thread (if it has one) or for the net's.
limited $((100 * 1024))
RSS_LIMIT=200000 expect_rejected 1 'of address space' -- "${train[@]}" --out run
grep -q 'more than the .* left under the address-space limit of 100.0 MiB (ulimit -v)' "$SCRATCH/stderr" \
  && pass || fail "100M: $(cat "$SCRATCH/stderr")"

# 200 MB: enough to start, not for the BLAS buffers of the gemm threads (it was an internal error).
for threads in 1 2; do
  limited $((200 * 1024))
  RSS_LIMIT=200000 expect_rejected 1 'of address space' -- "${train[@]}" --out run --threads "$threads"
  grep -q "BLAS buffers of $threads thread(s) (--threads) need" "$SCRATCH/stderr" \
    && pass || fail "200M --threads $threads: $(cat "$SCRATCH/stderr")"
done

# A resume is checked the same way, and its lock is released: a later run takes it.
TRAINCTL=$REAL
"$TRAINCTL" "${train[@]}" --out run > /dev/null 2>&1 || fail "unlimited training failed"
limited $((200 * 1024))
RSS_LIMIT=200000 expect_rejected 1 'of address space' -- resume --from run --more-epochs 1 --quiet
[ ! -e run/lenet.lock ] && pass || fail "the run lock is left behind: $(ls run)"

# A gzip bomb: 1 MB inflating to the 1 GB its header declares. The declared size is checked
# against the limit before inflating (it ended in an internal error, std::bad_alloc).
mkdir bomb && cp "$SCRATCH"/data/train-labels* "$SCRATCH"/data/t10k-* bomb/
"$PY" - bomb/train-images-idx3-ubyte.gz <<'PYEOF'
import struct, sys, zlib
z = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip wrapper
out = [z.compress(struct.pack(">IIII", 0x803, 1300000, 28, 28))]
chunk = bytes(1 << 20)
for _ in range(1300000 * 784 >> 20):
    out.append(z.compress(chunk))
out.append(z.compress(bytes(1300000 * 784 % (1 << 20))) + z.flush())
open(sys.argv[1], "wb").write(b"".join(out))
PYEOF
limited $((700 * 1024))
RSS_LIMIT=200000 expect_rejected 1 "bomb/train-images-idx3-ubyte.gz: the header's 1300000 images of 28x28" \
  -- train --data bomb --out run3 --epochs 1 --quiet
grep -q 'need .* of address space, more than the .* left under the address-space limit of 700.0 MiB' "$SCRATCH/stderr" \
  && pass || fail "bomb: $(cat "$SCRATCH/stderr")"

# Without a limit, the bomb beside a 60-label file is refused by the count in its header, before a
# byte is inflated (it inflated all 1 GB, 1.5 GB peak RSS, then found the labels short).
TRAINCTL=$REAL
RSS_LIMIT=100000 expect_rejected 1 "bomb/train-labels-idx1-ubyte: expected 1300000 labels (as many as images in bomb/train-images-idx3-ubyte.gz), found 60" \
  -- train --data bomb --out run3 --epochs 1 --quiet

# Enough for everything: the limit is no error in itself.
limited $((1200 * 1024))
"$TRAINCTL" "${train[@]}" --out run2 > /dev/null 2> "$SCRATCH/stderr" && pass || fail "1200M: $(cat "$SCRATCH/stderr")"
[ -e run2/lenet-latest ] && [ ! -e run2/lenet.lock ] && pass || fail "1200M: $(ls run2)"

finish
