#!/usr/bin/env python3
"""Run a command on a new pseudo-terminal and type at it, like a person at a terminal.

    pty-run.py [--rows R --cols C] [--expect TEXT]... -- COMMAND...

Script steps come from stdin, one per line:
    send TEXT        type TEXT (Python escapes: \\n, \\x03 for ^C, \\x1a for ^Z, \\x04 ^D)
    wait TEXT        wait (up to 20 s) until TEXT has appeared in the output since the last wait
    sleep SECONDS
Prints everything the program wrote to the terminal, then a last line
"PTY-EXIT <status>" and the terminal's attributes before and after as "PTY-ATTRS same" or
"PTY-ATTRS changed". Exits 0 unless a wait timed out (exit 3)."""
import os
import pty
import select
import struct
import sys
import fcntl
import termios
import time


def main():
    args = sys.argv[1:]
    rows, cols = 24, 80
    while args and args[0] != "--":
        if args[0] == "--rows":
            rows = int(args[1])
            args = args[2:]
        elif args[0] == "--cols":
            cols = int(args[1])
            args = args[2:]
        else:
            sys.exit("bad option " + args[0])
    cmd = args[1:]
    steps = [l.rstrip("\n") for l in sys.stdin]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    before = termios.tcgetattr(fd)
    out = b""
    mark = 0

    def pump(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            out += data
        return True

    status = 0
    for step in steps:
        verb, _, arg = step.partition(" ")
        if verb == "send":
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif verb == "sleep":
            end = time.time() + float(arg)
            while time.time() < end:
                pump(0.05)
        elif verb == "wait":
            want = arg.encode().decode("unicode_escape").encode("latin-1")
            end = time.time() + 20
            while want not in out[mark:] and time.time() < end:
                if not pump(0.1):
                    break
            if want not in out[mark:]:
                sys.stdout.write(out.decode("latin-1"))
                print("\nPTY-TIMEOUT waiting for %r" % arg)
                os.kill(pid, 9)
                sys.exit(3)
            mark = out.index(want, mark) + len(want)
    end = time.time() + 20
    while time.time() < end and pump(0.1):
        pass
    after = None
    try:
        after = termios.tcgetattr(fd)
    except termios.error:
        pass
    _, st = os.waitpid(pid, 0)
    sys.stdout.write(out.decode("latin-1"))
    print("\nPTY-EXIT %d" % (os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)))
    print("PTY-ATTRS %s" % ("same" if after is None or after == before else "changed"))


main()
