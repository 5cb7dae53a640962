#!/usr/bin/python3
"""Presses Ctrl-C twice on a training run, the second time after its breakpoint has landed.

    interrupt_after_save.py CKPT_DIR OUT_FILE ERR_FILE -- COMMAND...

The run's stderr is a pipe of one page that this script fills once the run has started, so
the run's next stderr line (the stop line, written after the breakpoint and its latest pointer
landed) blocks: the second SIGINT then comes, deterministically, between the save and the exit.
The run needs --ckpt-steps 0 so that nothing else writes to stderr before the stop, and
--log-every 1: its first loss line in OUT_FILE shows the loop (and so the handlers) started.
Saves the run's stderr to ERR_FILE and prints its exit code.
"""
import glob
import os
import signal
import subprocess
import sys
import time

from blocked_stderr import fill, finish, small_pipe, wait_for

ME = "interrupt_after_save.py"  # names this script in its errors


def main():
    ckpt_dir, out_file, err_file = sys.argv[1], sys.argv[2], sys.argv[3]
    command = sys.argv[sys.argv.index("--") + 1:]
    r, w = small_pipe()
    with open(out_file, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=w)
    err = b""
    while b", checkpoints " not in err or not err.endswith(b"\n"):  # the start lines, written in pieces
        chunk = os.read(r, 4096)
        if not chunk:
            sys.exit(f"interrupt_after_save.py: the run ended early: {err!r}")
        err += chunk
    fill(w)  # the run's next write to stderr now waits until this script reads
    def started():
        with open(out_file, "rb") as f:
            return b"epoch: " in f.read()
    wait_for(proc, ME, "the first step", started)
    proc.send_signal(signal.SIGINT)
    def landed():  # the breakpoint, and the latest pointer (renamed after it) naming it
        pointers = glob.glob(os.path.join(ckpt_dir, "*-latest"))
        return pointers and os.path.realpath(pointers[0]).endswith("_breakpoint.ckpt")
    wait_for(proc, ME, "the breakpoint", landed)
    time.sleep(1)  # the run is now blocked writing the stop line
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    finish(proc, r, w, err, err_file)


if __name__ == "__main__":
    main()
