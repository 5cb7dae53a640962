#!/usr/bin/python3
"""Presses Ctrl-C twice on a run that is held up writing its last stderr line.

    interrupt_blocked_exit.py GLOB ERR_FILE -- COMMAND...

The run's stderr is a pipe of one page, filled before the run starts: a run that writes nothing
on stderr until it ends (-q) blocks on its last line. Once a file matching GLOB exists (the
breakpoint the run saves before that line), and a second later, two SIGINTs come: the second
one's words must be true about what is on disk. Saves the run's stderr to ERR_FILE and prints
its exit code.
"""
import glob
import signal
import subprocess
import sys
import time

from blocked_stderr import fill, finish, small_pipe, wait_for


def main():
    pattern, err_file = sys.argv[1], sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1:]
    r, w = small_pipe()
    fill(w)  # the run's first write to stderr waits until this script reads
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=w)
    wait_for(proc, "interrupt_blocked_exit.py", pattern, lambda: glob.glob(pattern))
    time.sleep(1)  # the run is now blocked writing its last line
    proc.send_signal(signal.SIGINT)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    finish(proc, r, w, b"", err_file)


if __name__ == "__main__":
    main()
