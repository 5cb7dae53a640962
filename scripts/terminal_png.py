#!/usr/bin/python3
"""Runs a command on a pseudo-terminal and saves what its screen shows as a PNG (a screenshot).

    scripts/terminal_png.py COLS OUT.png -- COMMAND...

For the README's pictures of terminal output (docs/infer-show.png): the command sees a COLS-wide
terminal (so `infer --show` lays out its grid for it) and writes colour; the output is drawn in
DejaVu Sans Mono, with the half-block pixels (U+2580, 24-bit fg/bg) as exact rectangles. Knows
the few controls trainctl writes: SGR 0, 1, 38;2;R;G;B and 48;2;R;G;B, and newlines.
Needs Debian's python3-pil and fonts-dejavu-core.
"""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
CELL_W, CELL_H, FONT_PX, MARGIN = 10, 20, 16, 10
BACKGROUND, FOREGROUND = (30, 30, 30), (220, 220, 220)
UPPER_HALF = "\u2580"


def run_on_pty(cols, rows, command):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(command, stdout=slave, stderr=subprocess.DEVNULL, close_fds=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        out += chunk
    if proc.wait() != 0:
        sys.exit(f"terminal_png.py: {' '.join(command)} exited {proc.returncode}")
    return out.decode("utf-8").replace("\r\n", "\n")


def cells(text):
    """Lines of (char, fg, bg, bold) cells."""
    lines, line = [], []
    fg, bg, bold = FOREGROUND, BACKGROUND, False
    for token in re.split(r"(\x1b\[[0-9;]*m|\n)", text):
        if token == "\n":
            lines.append(line)
            line = []
        elif token.startswith("\x1b["):
            codes = [int(c) for c in token[2:-1].split(";") if c] or [0]
            while codes:
                c = codes.pop(0)
                if c == 0:
                    fg, bg, bold = FOREGROUND, BACKGROUND, False
                elif c == 1:
                    bold = True
                elif c in (38, 48) and codes[:1] == [2]:
                    rgb = tuple(codes[1:4])
                    codes = codes[4:]
                    fg, bg = (rgb, bg) if c == 38 else (fg, rgb)
        else:
            line.extend((ch, fg, bg, bold) for ch in token)
    if line:
        lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def render(lines, path):
    cols = max(len(line) for line in lines)
    image = Image.new("RGB", (2 * MARGIN + cols * CELL_W, 2 * MARGIN + len(lines) * CELL_H), BACKGROUND)
    draw = ImageDraw.Draw(image)
    fonts = {False: ImageFont.truetype(FONT, FONT_PX), True: ImageFont.truetype(FONT_BOLD, FONT_PX)}
    for y, line in enumerate(lines):
        for x, (ch, fg, bg, bold) in enumerate(line):
            left, top = MARGIN + x * CELL_W, MARGIN + y * CELL_H
            if ch == UPPER_HALF:  # two pixels of the digit: exact halves, no glyph seams
                draw.rectangle([left, top, left + CELL_W - 1, top + CELL_H // 2 - 1], fill=fg)
                draw.rectangle([left, top + CELL_H // 2, left + CELL_W - 1, top + CELL_H - 1], fill=bg)
                continue
            if bg != BACKGROUND:
                draw.rectangle([left, top, left + CELL_W - 1, top + CELL_H - 1], fill=bg)
            if ch != " ":
                draw.text((left, top + 1), ch, font=fonts[bold], fill=fg)
    image.save(path, optimize=True)


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.exit("usage: scripts/terminal_png.py COLS OUT.png -- COMMAND...")
    cols, out, command = int(sys.argv[1]), sys.argv[2], sys.argv[4:]
    render(cells(run_on_pty(cols, 100, command)), out)


if __name__ == "__main__":
    main()
