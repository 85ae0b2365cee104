"""Running a Textual app as the program: its crashes, and the signals a supervisor sends.

- A crash inside the app exits with EXIT_CRASH; Textual's own report (a traceback with local
  values, many screens long) goes to the crash log, not over the terminal.
- SIGTERM, SIGHUP and SIGINT end the app the way quitting does, so Textual's driver gives the terminal
  back (echo on, cursor shown, mouse tracking off, main screen), then exit with 128 + n, the
  status a shell reports for a process killed by that signal. An app that does not stop within
  STOP_GRACE_S (or a second signal) is stopped hard, with the terminal settings restored first.
- A terminal that goes away counts as SIGHUP even when the kernel sends none: a pseudo-terminal
  that is not the process's controlling terminal (a harness's, closed when the harness died) only
  reads as end of file, and Textual's input thread polls an end of file without pause (one core at
  half load, forever).
"""

from __future__ import annotations

import asyncio
import io
import os
import select
import signal
import sys
import termios
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Textual is imported only when an app starts
    from techstance.tui.base_app import TechstanceBase

STOP_GRACE_S = 5.0
STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# What Textual's driver turns on, turned off: mouse tracking (all modes), bracketed paste, focus
# events, the alternate screen; then the cursor shown.
_RESET = ("\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l"
          "\x1b[<u\x1b[?1049l\x1b[?25h")


class AppCrashed(Exception):
    """The app stopped on an unexpected exception (the cause) or reported an error of its own."""

    def __init__(self, summary: str, report: str) -> None:
        super().__init__(summary)
        self.report = report  # what Textual would have printed over the terminal


def _terminal_state() -> tuple[int, list[Any], int | None] | None:
    """The settings of the terminal Textual takes over (it reads stdin, draws on stderr), and the
    descriptor it draws on."""
    try:
        stdin = sys.__stdin__
        if stdin is None or not stdin.isatty():
            return None
        attrs = termios.tcgetattr(stdin.fileno())
        stderr = sys.__stderr__
        drawn_on = stderr.fileno() if stderr is not None and stderr.isatty() else None
        return stdin.fileno(), attrs, drawn_on
    except (OSError, ValueError, termios.error):
        return None


def _restore_hard(state: tuple[int, list[Any], int | None] | None) -> None:
    """The terminal back as it was, without the app's help (it is stuck or gone)."""
    if state is None:
        return
    fd, attrs, drawn_on = state
    try:
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
        if drawn_on is not None:
            os.write(drawn_on, _RESET.encode())
    except (OSError, termios.error):
        pass  # a hung-up terminal: nothing left to restore


HANGUP_POLL_MS = 500  # how often the watcher wakes to see whether it should stop


def _watch_for_hangup(fd: int, stop: threading.Event) -> None:
    """Send this process SIGHUP when terminal `fd` hangs up (its other side closed)."""
    poller = select.poll()
    poller.register(fd, 0)  # hang-up and error are always reported; input is Textual's
    while not stop.is_set():
        try:
            if poller.poll(HANGUP_POLL_MS) and not stop.is_set():
                os.kill(os.getpid(), signal.SIGHUP)
                return
        except OSError:
            return


@contextmanager
def _stopping_on_signals(app: TechstanceBase, received: list[int]) -> Iterator[None]:
    terminal = _terminal_state()

    def stop_hard(signum: int) -> None:
        _restore_hard(terminal)
        os._exit(128 + signum)

    timers: list[threading.Timer] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if received:  # the second: the operator means it
            stop_hard(received[0])
        received.append(signum)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # before the app's loop started or after it ended: nothing to undo
            stop_hard(signum)
            return
        # Python runs this handler between two steps of the event loop; the exit goes through the
        # loop like a quit key, so the driver's own stop restores the terminal.
        loop.call_soon_threadsafe(app.exit, None, 128 + signum)
        timer = threading.Timer(STOP_GRACE_S, stop_hard, (signum,))
        timer.daemon = True
        timer.start()
        timers.append(timer)

    previous = {s: signal.signal(s, on_signal) for s in STOPPING_SIGNALS}
    watching = threading.Event()
    if terminal is not None:
        watcher = threading.Thread(target=_watch_for_hangup, args=(terminal[0], watching),
                                   name="hangup-watcher", daemon=True)
        watcher.start()
    try:
        yield
    finally:
        watching.set()
        for timer in timers:
            timer.cancel()
        for s, handler in previous.items():
            signal.signal(s, handler)


def run_app(app: TechstanceBase) -> int:
    """Run `app` until it quits; its exit status. Raises AppCrashed when it stopped on an error."""
    from rich.console import Console

    # Textual prints a crash's traceback through error_console once the terminal is back; kept
    # here instead, for the crash log.
    captured = io.StringIO()
    app.error_console = Console(file=captured, width=120, color_system=None, markup=False, highlight=False)
    received: list[int] = []
    with _stopping_on_signals(app, received):
        app.run()
    if received:
        return 128 + received[0]
    error = app.crash
    code = app.return_code or 0
    if error is not None:
        raise AppCrashed(f"{type(error).__name__}: {error}", captured.getvalue()) from error
    if code != 0 and captured.getvalue().strip():
        raise AppCrashed(captured.getvalue().strip().splitlines()[0], captured.getvalue())
    return int(code)
