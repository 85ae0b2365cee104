"""`python -m techstance.tui.kiosk.die_with_parent PID COMMAND...`: run COMMAND so that it is
killed when process PID (the server that started it) ends, however it ends.

A kiosk session reads its input from the server's pipe but does not quit at its end: with the
server killed (SIGKILL, a crash, OOM), every session lived on. Linux's parent-death signal,
set here and kept across exec, ends it with the server. Elsewhere COMMAND just runs.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[0].isdigit():
        print("usage: python -m techstance.tui.kiosk.die_with_parent PID COMMAND [ARG...]", file=sys.stderr)
        return 2
    parent, command = int(argv[0]), argv[1:]
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the server ended before the signal was set
        return 1
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
