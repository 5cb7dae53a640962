#!/usr/bin/python3
"""Presses Ctrl-C twice on a run that is held up writing its last stderr line.

    interrupt_blocked_exit.py GLOB ERR_FILE -- COMMAND...

The run's stderr is a pipe of one page, filled before the run starts: a run that writes nothing
on stderr until it ends (-q) blocks on its last line. Once a file matching GLOB exists (the
breakpoint the run saves before that line), and a second later, two SIGINTs come: the second
one's words must be true about what is on disk. Saves the run's stderr to ERR_FILE and prints
its exit code.
"""
import fcntl
import glob
import os
import signal
import subprocess
import sys
import time

F_SETPIPE_SZ = 1031


def main():
    pattern, err_file = sys.argv[1], sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1:]
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    filler = os.open(f"/proc/self/fd/{w}", os.O_WRONLY | os.O_NONBLOCK)
    try:
        while True:
            os.write(filler, b"#")
    except BlockingIOError:
        pass  # full: the run's first write to stderr waits until this script reads
    os.close(filler)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=w)
    end = time.time() + 120
    while not glob.glob(pattern):
        if proc.poll() is not None:
            sys.exit(f"interrupt_blocked_exit.py: the run exited {proc.returncode} before {pattern} appeared")
        if time.time() > end:
            sys.exit(f"interrupt_blocked_exit.py: timed out waiting for {pattern}")
        time.sleep(0.05)
    time.sleep(1)  # the run is now blocked writing its last line
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    os.close(w)
    err = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        err += chunk
    code = proc.wait()
    with open(err_file, "wb") as f:
        f.write(err.replace(b"#", b""))
    print(code)


if __name__ == "__main__":
    main()
