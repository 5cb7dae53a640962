"""What interrupt_after_save.py and interrupt_blocked_exit.py share: a one-page stderr pipe that
can be filled so the run's next stderr write blocks, waiting on the run, and the final read."""
import fcntl
import os
import sys
import time

F_SETPIPE_SZ = 1031


def small_pipe():
    """A pipe (read end, write end) of one page."""
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    return r, w


def fill(w):
    """Fills the pipe through a second, non-blocking opening: the run's own stderr stays blocking."""
    filler = os.open(f"/proc/self/fd/{w}", os.O_WRONLY | os.O_NONBLOCK)
    try:
        while True:
            os.write(filler, b"#")
    except BlockingIOError:
        pass  # full: the run's next write to stderr waits until the pipe is read
    os.close(filler)


def wait_for(proc, who, what, check, seconds=120):
    """Polls check() until it holds; exits naming WHO if the run ends or time runs out first."""
    end = time.time() + seconds
    while not check():
        if proc.poll() is not None:
            sys.exit(f"{who}: the run exited {proc.returncode} before {what}")
        if time.time() > end:
            sys.exit(f"{who}: timed out waiting for {what}")
        time.sleep(0.05)


def finish(proc, r, w, err, err_file):
    """Reads the rest of the run's stderr, saves it (filler removed) to ERR_FILE, prints the exit code."""
    os.close(w)
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        err += chunk
    code = proc.wait()
    with open(err_file, "wb") as f:
        f.write(err.replace(b"#", b""))
    print(code)
