"""Runs a program on a pseudo-terminal of a given size and relays bytes both ways.

Usage: pty_bridge.py COLUMNS ROWS PROGRAM [ARGS...]

Bytes written to this script's standard input reach the program as keystrokes; everything the program writes to
its terminal comes out on this script's standard output, unchanged (escape sequences included). The script exits
with the program's exit status once the program has exited and its output is drained. A test drives interactive
programs (redis-cli with its hints) through it exactly as a person at a terminal would.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios


def main() -> int:
    columns, rows = int(sys.argv[1]), int(sys.argv[2])
    program = sys.argv[3:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(program[0], program)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    stdin = sys.stdin.fileno()
    stdout = sys.stdout.fileno()
    watched = [master, stdin]
    while True:
        readable, _, _ = select.select(watched, [], [])
        if stdin in readable:
            data = os.read(stdin, 4096)
            if data:
                os.write(master, data)
            else:
                watched.remove(stdin)  # no more keystrokes; keep relaying output
        if master in readable:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the program closed its terminal
                data = b""
            if not data:
                break
            os.write(stdout, data)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
