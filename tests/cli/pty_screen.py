#!/usr/bin/python3
"""Runs a command with stdout on a terminal of a given size and reports what its screen shows.

    pty_screen.py COLS ROWS OUT_FILE -- COMMAND...

stdout goes to a pseudo-terminal of COLS x ROWS (stdin and stderr are left as they are); its raw
output is saved to OUT_FILE. Prints one line, `rows=N wraps=W widest=C exit=E`: the screen rows
the output took, how often the terminal had to wrap a line past its last column (each wrap is a
row a "\\r" redraw can no longer reach), and the widest row in columns.
"""
import errno
import fcntl
import os
import struct
import subprocess
import sys
import termios


def screen(data, cols):
    """Follows the cursor the way a VT100 does for the few controls trainctl writes."""
    rows, col, wraps, widest, i = 1, 0, 0, 0, 0
    text = data.decode("utf-8", errors="replace")
    while i < len(text):
        c = text[i]
        if c == "\x1b":  # CSI: ESC [ params final-byte; erase and colours never move the cursor
            i += 2
            while i < len(text) and not ("@" <= text[i] <= "~"):
                i += 1
        elif c == "\r":
            col = 0
        elif c == "\n":
            rows += 1
        elif c >= " ":
            if col == cols:  # the previous character filled the last column: wrap first
                rows, col, wraps = rows + 1, 0, wraps + 1
            col += 1
            widest = max(widest, col)
        i += 1
    return rows - (1 if data.endswith(b"\n") else 0), wraps, widest


def main():
    cols, nrows, out_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    command = sys.argv[sys.argv.index("--") + 1:]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", nrows, cols, 0, 0))
    proc = subprocess.Popen(command, stdout=slave)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as e:  # EIO: every slave end is closed
            if e.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        data += chunk
    code = proc.wait()
    with open(out_file, "wb") as f:
        f.write(data)
    rows, wraps, widest = screen(data, cols)
    print(f"rows={rows} wraps={wraps} widest={widest} exit={code}")


if __name__ == "__main__":
    main()
