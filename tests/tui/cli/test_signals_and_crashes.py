"""What a supervisor sees, in a real terminal (tmux): SIGTERM and SIGHUP give the terminal back and
exit with 128 + n; a crash exits non-zero with one line, its traceback kept in the crash log.

Each case runs the `techstance` command (or the same main() with a crash planted in the app) in its
own tmux server, records `stty -a` before and after, and reads tmux's view of the terminal modes.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import Tmux, require

DEADLINE = 30.0
# This checkout's command, whatever `techstance` on PATH is (a pyenv shim would take the signal itself).
TECHSTANCE = [sys.executable, "-m", "techstance.tui"]
# Run main() with a key that crashes (x) or hangs (z) the app: a bug, as a user would meet one.
PLANTED = """
import sys, time
from techstance.tui.app import TechstanceApp
def crash(self): raise ZeroDivisionError("planted: division by zero")
def hang(self): time.sleep(120)
TechstanceApp.key_x = crash
TechstanceApp.key_z = hang
from techstance.tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


class Terminal:
    """One app in one private tmux server; the shell around it records pid, status and stty."""

    def __init__(self, tmux: Tmux, workdir: Path) -> None:
        self.tmux = tmux
        self.dir = workdir
        self.data = workdir / "data"

    def start(self, command: list[str]) -> None:
        script = self.dir / "run.sh"
        env = ["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", f"XDG_DATA_HOME={self.data}"]
        script.write_text("\n".join([
            "#!/bin/sh",
            "cd \"$(dirname \"$0\")\"",
            "stty -a > stty-before",
            "sh -c 'echo $$ > pid; exec \"$@\"' sh " + shlex.join([*env, *command]),
            "echo $? > status",
            "stty -a > stty-after",
            "echo finished > done",
        ]) + "\n")
        config = self.dir / "tmux.conf"
        config.write_text("set-option -g remain-on-exit on\n")
        self.tmux.run("-f", str(config), "new-session", "-d", "-s", self.tmux.session, "-x", "120", "-y", "36",
                      shlex.join(["sh", str(script)]))
        self.tmux.socket_path = self.tmux.run("display-message", "-p", "-t", self.tmux.session,
                                              "#{socket_path}").strip()

    def wait_ready(self) -> None:
        self.tmux.wait_for("the dashboard", lambda s: "Decision" in s and "Map" in s)

    def pid(self) -> int:
        return int((self.dir / "pid").read_text())

    def wait_done(self) -> int:
        deadline = time.monotonic() + DEADLINE
        while not (self.dir / "done").exists():
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not end within {DEADLINE:.0f} s:\n{self.tmux.screen(history=True)}")
            time.sleep(0.2)
        return int((self.dir / "status").read_text())

    def modes(self) -> dict[str, str]:
        """tmux's view of the terminal now: alternate screen, mouse tracking. (Not the cursor: tmux 3.3
        reports it hidden in a dead pane after any Textual app, one quit with `q` included.)"""
        names = ("alternate_on", "mouse_any_flag", "mouse_standard_flag")
        shown = self.tmux.run("display-message", "-p", "-t", self.tmux.session,
                              " ".join(f"#{{{n}}}" for n in names)).split()
        return dict(zip(names, shown, strict=True))

    def printed(self) -> list[str]:
        """Every line the terminal shows since the start, wrapped lines joined."""
        screen = self.tmux.run("capture-pane", "-p", "-J", "-S", "-", "-t", self.tmux.session)
        return [line.rstrip() for line in screen.splitlines() if line.strip() and not line.startswith("Pane is dead")]

    def assert_given_back(self) -> None:
        before, after = (self.dir / "stty-before").read_text(), (self.dir / "stty-after").read_text()
        assert after == before, f"stty settings changed:\n{before}\n---\n{after}"
        assert " echo " in f" {after.replace(chr(10), ' ')} " and "-icanon" not in after
        assert self.modes() == {"alternate_on": "0", "mouse_any_flag": "0", "mouse_standard_flag": "0"}


def build_with_command(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    result = subprocess.run([*TECHSTANCE, "build", "--db", str(db)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    name = f"techstance-cli-sig-{os.getpid()}-{tmp_path.name}"
    workdir = tmp_path / "term"
    workdir.mkdir()
    tmux = Tmux(require("tmux"), socket=name, session="app", workdir=workdir)
    try:
        yield Terminal(tmux, workdir)
    finally:
        tmux.kill()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_stopping_signal_gives_the_terminal_back_and_exits_128_plus_n(tmp_path: Path, terminal: Terminal,
                                                                       signum: int) -> None:
    db = build_with_command(tmp_path)
    terminal.start([*TECHSTANCE, "--db", str(db)])
    terminal.wait_ready()
    os.kill(terminal.pid(), signum)
    assert terminal.wait_done() == 128 + signum
    terminal.assert_given_back()
    assert terminal.printed() == []


def test_a_crash_is_one_line_and_a_non_zero_exit_with_the_traceback_in_the_log(tmp_path: Path,
                                                                             terminal: Terminal) -> None:
    db = build_with_command(tmp_path)
    terminal.start([sys.executable, "-c", PLANTED, "--db", str(db)])
    terminal.wait_ready()
    terminal.tmux.keys("x")
    assert terminal.wait_done() == 70  # before: 0, so a supervisor never restarted it
    terminal.assert_given_back()
    printed = terminal.printed()
    log = terminal.data / "techstance" / "crash.log"
    assert printed == [f"techstance: error: crashed: ZeroDivisionError: planted: division by zero "
                       f"(the traceback is in {log})"], printed
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "def crash(self)" not in text
    assert 'raise ZeroDivisionError("planted: division by zero")' in text or "in crash" in text


def test_an_app_that_does_not_stop_is_stopped_hard_with_the_terminal_restored(tmp_path: Path,
                                                                              terminal: Terminal) -> None:
    db = build_with_command(tmp_path)
    terminal.start([sys.executable, "-c", PLANTED, "--db", str(db)])
    terminal.wait_ready()
    terminal.tmux.keys("z")  # the event loop now sleeps: it cannot run the quit
    time.sleep(0.5)
    started = time.monotonic()
    os.kill(terminal.pid(), signal.SIGTERM)
    assert terminal.wait_done() == 128 + signal.SIGTERM
    assert time.monotonic() - started < 15
    before, after = (terminal.dir / "stty-before").read_text(), (terminal.dir / "stty-after").read_text()
    assert after == before
    assert terminal.modes()["mouse_any_flag"] == "0" and terminal.modes()["alternate_on"] == "0"


def _wait_for_frame(leader: int, needle: bytes) -> None:
    seen = b""
    deadline = time.monotonic() + DEADLINE
    while needle not in seen:
        if time.monotonic() > deadline:
            pytest.fail(f"no frame showing {needle!r}")
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            seen = seen[-4096:] + re.sub(rb"\x1b\[[0-9;:?]*[A-Za-z]", b"", os.read(leader, 65536))


def test_a_terminal_that_goes_away_ends_the_app_like_sighup(tmp_path: Path) -> None:
    # A harness's pseudo-terminal that is not the app's controlling terminal: when the harness
    # dies the kernel sends no SIGHUP. Before: the app read end of file in a loop, at half a core,
    # for 40 minutes.
    db = build_with_command(tmp_path)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "XDG_DATA_HOME": str(tmp_path / "data")}
    app = subprocess.Popen([*TECHSTANCE, "--db", str(db)], stdin=follower, stdout=follower, stderr=follower,
                           env=env, start_new_session=True)
    os.close(follower)
    try:
        _wait_for_frame(leader, b"Help")
        os.close(leader)
        assert app.wait(timeout=DEADLINE) == 128 + signal.SIGHUP
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def test_the_dashboard_without_a_terminal_is_refused_in_one_line(tmp_path: Path) -> None:
    # Before: with standard input at end of file (/dev/null, a closed pipe) it never quit, at half a core.
    db = build_with_command(tmp_path)
    result = subprocess.run([*TECHSTANCE, "--db", str(db)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=DEADLINE)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["techstance: error: the dashboard needs a terminal: standard input "
                                          "is not one (try `techstance export`)"]


def test_a_dashboard_stopped_and_continued_draws_its_screen_again(tmp_path: Path, terminal: Terminal) -> None:
    # Before: after SIGTSTP then SIGCONT (ctrl+z then `fg` in a shell) the screen stayed blank until a
    # key happened to redraw all of it: Textual re-entered the alternate screen but drew nothing.
    db = build_with_command(tmp_path)
    terminal.start([*TECHSTANCE, "--db", str(db)])
    terminal.wait_ready()
    os.kill(terminal.pid(), signal.SIGTSTP)
    terminal.tmux.wait_for("the terminal given back", lambda s: "Decision" not in s)
    os.kill(terminal.pid(), signal.SIGCONT)
    terminal.wait_ready()
    os.kill(terminal.pid(), signal.SIGTERM)
    assert terminal.wait_done() == 128 + signal.SIGTERM


def test_the_kiosk_without_a_terminal_is_refused_in_one_line(tmp_path: Path) -> None:
    # Before: with standard input at /dev/null (a unit without StandardInput=tty) it never quit,
    # drawing into the void at most of a core, for ever. Under `serve` it has no terminal either,
    # but the web driver reads the browser's keys from its pipe: tests/tui/kiosk/ cover that.
    db = build_with_command(tmp_path)
    result = subprocess.run([*TECHSTANCE, "kiosk", "--db", str(db)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=DEADLINE,
                            env={k: v for k, v in os.environ.items() if k != "TEXTUAL_DRIVER"})
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["techstance: error: the kiosk needs a terminal: standard input is not "
                                          "one (for a browser: `techstance serve --kiosk`)"]
