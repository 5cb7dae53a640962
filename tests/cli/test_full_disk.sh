#!/usr/bin/env bash
# Real MNIST: a save that fails (full disk: a small tmpfs when root; a file size limit, always)
# exits 74 with one line naming the file and the system error, synchronous or --async-save; the
# earlier checkpoints verify, the latest pointer names one of them, no temporary or lock file
# stays. A read-only checkpoint directory is refused at start with exit 74, and nothing changes.
# As root the test runs in its own mount namespace, so its mounts vanish with it.
if [ "$(id -u)" -eq 0 ] && [ -z "${TRAINCTL_IN_MOUNT_NS:-}" ] && unshare -m true 2> /dev/null; then
  TRAINCTL_IN_MOUNT_NS=1 exec unshare -m bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
need_mnist
MOUNTS=()
cleanup() {
  for m in "${MOUNTS[@]}"; do umount "$m" 2> /dev/null || umount -l "$m"; done
  chmod -R u+w "$WORK" 2> /dev/null  # the read-only part may have left RO at 555
  rm -rf "$WORK"
}
trap cleanup EXIT

# 400 images in batches of 20: 20 steps per epoch; a checkpoint (487 KiB, Momentum) every 2 steps.
ARGS=(--config "$TRAINCTL_SRC/configs/lenet5-mnist.json" --data "$MNIST" --train-limit 400 --batch-size 20
      --keep-max 0 --eval false --threads 2 -q)

# failed_save NAME DIR OS_ERROR: the run (stderr in NAME.err, exit code in $rc) failed a save cleanly.
failed_save() {
  local name=$1 dir=$2 os_error=$3
  [ "$rc" -eq 74 ] && pass || fail "$name: exit $rc, expected 74: $(cat "$name.err")"
  [ "$(wc -l < "$name.err")" -eq 1 ] && pass || fail "$name: stderr is not one line: $(cat "$name.err")"
  grep -qE "^trainctl: error: $dir/lenet-[0-9]+_[0-9]+\.ckpt: save failed: cannot write $dir/lenet-[0-9]+_[0-9]+\.ckpt\.tmp: $os_error\$" \
    "$name.err" && pass || fail "$name: message: $(cat "$name.err")"
  local left
  left=$(compgen -G "$dir/*.tmp"; compgen -G "$dir/*.lock")
  [ -z "$left" ] && pass || fail "$name: left behind: $left"
  local ckpts=("$dir"/lenet-*.ckpt)
  [ -f "${ckpts[0]}" ] || { fail "$name: no earlier checkpoint in $dir: $(ls "$dir")"; return; }
  "$TRAINCTL" ckpt verify "${ckpts[@]}" > "$name.verify" 2>&1 && pass || fail "$name: $(grep -v ': ok$' "$name.verify")"
  local latest
  latest=$(latest_name "$dir/lenet-latest")
  [ -n "$latest" ] && "$TRAINCTL" ckpt verify "$dir/$latest" > /dev/null 2>&1 && pass \
    || fail "$name: lenet-latest names '$latest', not a valid checkpoint ($(ls "$dir"))"
}

# Full disk: a tmpfs with room for two checkpoints; the third does not fit.
if [ "$(id -u)" -eq 0 ] && mkdir probe && mount -t tmpfs -o size=4k tmpfs probe 2> /dev/null; then
  umount probe
  for async in false true; do
    dir=full-$async
    mkdir "$dir" && mount -t tmpfs -o size=1300k tmpfs "$dir" && MOUNTS+=("$WORK/$dir")
    "$TRAINCTL" train "${ARGS[@]}" --epochs 1 --ckpt-steps 2 --async-save "$async" --out "$dir" > /dev/null 2> "$dir.err"; rc=$?
    failed_save "$dir" "$dir" "No space left on device"
    [ "$(ls "$dir" | grep -c '\.ckpt$')" -eq 2 ] && pass || fail "$dir: expected lenet-1_2 and lenet-1_4: $(ls "$dir")"
  done
else
  echo "SKIPPED the tmpfs part: not root or mount is not permitted (the file size limit part runs)"
fi

# A file size limit (ulimit -f) below a checkpoint's size: write() fails with EFBIG (trainctl
# ignores SIGXFSZ, which would kill it mid-write). The run's first two checkpoints came before.
"$TRAINCTL" train "${ARGS[@]}" --epochs 1 --ckpt-steps 10 --out F > /dev/null 2> F.err || fail "train F failed: $(cat F.err)"
for async in false true; do
  (ulimit -f 300 && exec "$TRAINCTL" resume --from latest --dir F --epochs 2 --async-save "$async" -q) > /dev/null 2> "F-$async.err"; rc=$?
  failed_save "F-$async" F "File too large"
done
[ "$(latest_name F/lenet-latest)" = lenet-1_20.ckpt ] && pass || fail "lenet-latest moved: $(latest_name F/lenet-latest)"

# Read-only checkpoint directory: refused before any data is read, exit 74 (a save location that
# cannot be saved to), naming the directory. Root ignores permissions: a read-only bind mount, or
# the run as nobody.
RUN=()
ro_setup() {
  if [ "$(id -u)" -ne 0 ]; then chmod 555 RO; RO_ERROR="Permission denied"; return 0; fi
  if mount --bind RO RO 2> /dev/null; then
    MOUNTS+=("$WORK/RO")
    mount -o remount,ro,bind RO 2> /dev/null && { RO_ERROR="Read-only file system"; return 0; }
  fi
  chmod 755 "$WORK" && chmod 555 RO
  RUN=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  RO_ERROR="Permission denied"
  "${RUN[@]}" "$TRAINCTL" ckpt verify RO/lenet-1_20.ckpt > /dev/null 2>&1
}
"$TRAINCTL" train "${ARGS[@]}" --epochs 1 --ckpt-steps 10 --out RO > /dev/null 2> RO.err || fail "train RO failed: $(cat RO.err)"
if ro_setup; then
  before=$(cd RO && stat -c "%n %s %y %i" . ./* && md5sum ./*)
  for cmd in "train ${ARGS[*]} --out RO" "train ${ARGS[*]} --out RO/sub" "resume --from latest --dir RO --epochs 2 -q"; do
    # shellcheck disable=SC2086 # the words of $cmd are flags (no spaces inside them)
    "${RUN[@]}" "$TRAINCTL" $cmd > /dev/null 2> ro.err; rc=$?
    cmd=${cmd%% *}-${cmd##* }
    [ "$rc" -eq 74 ] && pass || fail "$cmd (read-only): exit $rc, expected 74: $(cat ro.err)"
    grep -qE "^trainctl: error: RO(/sub)?: (checkpoint directory is not writable|cannot create checkpoint directory): $RO_ERROR\$" ro.err \
      && [ "$(wc -l < ro.err)" -eq 1 ] && pass || fail "$cmd (read-only): message: $(cat ro.err)"
  done
  [ "$before" = "$(cd RO && stat -c "%n %s %y %i" . ./* && md5sum ./*)" ] && pass || fail "the read-only directory changed"
else
  echo "SKIPPED the read-only part: neither a read-only bind mount nor running as nobody works here"
fi

finish
