"""End to end: the installed `techstance` command in a real terminal (tmux), as a user sees it.

The Pilot and snapshot tests drive the app inside Textual's own harness; this test catches what
they cannot: the console script, a real tty and terminal size, key names sent by a terminal, and a
clean exit that gives the terminal back. tmux must be installed (CI installs it); without it the
test fails rather than skips, so a missing tmux is never mistaken for a pass.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

WIDTH, HEIGHT = 120, 36
DEADLINE = 20.0  # seconds to wait for any one screen change
POLL = 0.2
UK_TITLE = "Decision · United Kingdom"
SCROLLBAR = str.maketrans(dict.fromkeys("▁▂▃▄▅▆▇█▔", " "))
INSTALL = {"tmux": "install tmux (CI does)", "techstance": "run python3 -m pip install -e '.[test]'"}

_names = itertools.count()


def _require(command: str) -> str:
    """The command's path; a failure (never a skip) when it is missing."""
    path = shutil.which(command)
    if path is None:
        pytest.fail(f"`{command}` is not on PATH and the end-to-end test needs it: {INSTALL[command]}")
    return path


def _clean_env() -> dict[str, str]:
    """The environment without the caller's tmux client, so tmux never talks to an outer server, and
    without COLUMNS and LINES: pytest-xdist's workers set them to 80 and 24, and an app started in
    the pane would take them over the pane's real size."""
    return {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE", "COLUMNS", "LINES")}


@dataclass
class Tmux:
    """One private tmux server (its own socket) running one session, with its files in `workdir`."""

    tmux: str
    socket: str
    session: str
    workdir: Path
    socket_path: str = ""

    @property
    def status_file(self) -> Path:
        return self.workdir / "exit-status"

    def run(self, *args: str, check: bool = True) -> str:
        result = subprocess.run([self.tmux, "-L", self.socket, *args], capture_output=True, text=True,
                                env=_clean_env(), timeout=10)
        if check and result.returncode != 0:
            pytest.fail(f"tmux {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def start(self, command: list[str]) -> None:
        # remain-on-exit comes from the config file, so it is on before the command can exit, and
        # the screen stays readable after it has.
        config = self.workdir / "tmux.conf"
        config.write_text("set-option -g remain-on-exit on\n")
        # A shell writes down the exit status: tmux 3.3 sometimes never reaps the pane's process
        # (it stays a zombie), and then #{pane_dead_status} stays empty for good.
        recorded = ["sh", "-c", 'out=$1; shift; "$@"; echo $? > "$out"', "sh", str(self.status_file), *command]
        self.run("-f", str(config), "new-session", "-d", "-s", self.session, "-x", str(WIDTH),
                 "-y", str(HEIGHT), shlex.join(recorded))
        self.socket_path = self.run("display-message", "-p", "-t", self.session, "#{socket_path}").strip()

    def screen(self, history: bool = False) -> str:
        """The visible screen, or with `history` everything since the start (what a crash printed)."""
        return self.run("capture-pane", "-p", *(["-S", "-"] if history else []), "-t", self.session)

    def dead(self) -> bool:
        """Whether the pane's terminal has closed: every process in it has ended."""
        return self.run("display-message", "-p", "-t", self.session, "#{pane_dead}").strip() == "1"

    def exit_status(self) -> int | None:
        """The app's exit status, once the recording shell has written it."""
        text = self.status_file.read_text().strip() if self.status_file.exists() else ""
        return int(text) if text else None

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def kill(self) -> None:
        self.run("kill-server", check=False)
        if self.socket_path:  # tmux 3.3 leaves the socket file behind
            Path(self.socket_path).unlink(missing_ok=True)

    def wait_for(self, what: str, ready: Callable[[str], bool]) -> str:
        """Poll the screen until `ready(screen)`; fail with the screen if the deadline passes or the app ends."""
        deadline = time.monotonic() + DEADLINE
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            dead = self.dead()
            if dead or time.monotonic() > deadline:
                why = f"the app exited with status {self.exit_status()}" if dead else f"not within {DEADLINE:.0f} s"
                pytest.fail(f"waiting for {what}: {why}; the screen was:\n{self.screen(history=dead)}")
            time.sleep(POLL)

    def wait_exit(self) -> int:
        """Poll until the app has exited and its terminal has closed; return its exit status."""
        deadline = time.monotonic() + DEADLINE
        while True:
            status = self.exit_status()
            if status is not None and self.dead():
                return status
            if time.monotonic() > deadline:
                pytest.fail(f"the app did not exit within {DEADLINE:.0f} s; the screen was:\n{self.screen()}")
            time.sleep(POLL)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    name = f"techstance-e2e-{os.getpid()}-{next(_names)}"
    workdir = tmp_path / "tmux"
    workdir.mkdir()
    session = Tmux(_require("tmux"), socket=name, session=name, workdir=workdir)
    try:
        yield session
    finally:
        session.kill()


def box(screen: str, title: str) -> str:
    """The text inside the bordered pane whose title starts with `title`, lines joined by spaces.

    Joining undoes the app's word wrap, so a phrase is found wherever the pane breaks it. Assumes
    one cell per character, which holds for the characters this app draws.
    """
    lines = screen.splitlines()
    for top, line in enumerate(lines):
        left = line.find(f"╭─ {title}")
        if left < 0:
            continue
        right = line.index("╮", left)
        inner: list[str] = []
        for row in lines[top + 1:]:
            if row[left:left + 1] == "╰":
                break
            inner.append(row[left + 1:right].translate(SCROLLBAR))
        return re.sub(r"\s+", " ", " ".join(inner)).strip()
    return ""


def _build(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    result = subprocess.run([_require("techstance"), "build", "--db", str(db)], capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 0, result.stderr
    return db


def test_dashboard_in_a_real_terminal_navigates_searches_opens_a_source_and_quits(tmp_path: Path, tmux: Tmux) -> None:
    db = _build(tmp_path)
    tmux.start(["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", _require("techstance"), "--db", str(db)])

    tmux.wait_for("the map legend and the Decision pane", lambda s: "disputed" in s and "Decision" in s)
    tmux.wait_for(f"'{UK_TITLE}' at start", lambda s: UK_TITLE in s)

    tmux.keys("Left")
    tmux.wait_for("the selection to leave the United Kingdom",
                  lambda s: UK_TITLE not in s and "╭─ Decision · " in s)

    tmux.keys("Right")
    tmux.wait_for(f"'{UK_TITLE}' again", lambda s: UK_TITLE in s)
    screen = tmux.wait_for("the UK's conditions in the Decision pane",
                           lambda s: "at most 35% of the equipment" in box(s, "Decision ·"))
    assert "excluded from the core" in box(screen, "Decision ·"), screen

    # Search, jump to the quote, open its source, come back.
    tmux.keys("End")  # somewhere else first (New Zealand), so the jump has to move the map
    tmux.wait_for("the selection to leave the United Kingdom", lambda s: UK_TITLE not in s)
    tmux.keys("/")
    tmux.wait_for("the search box", lambda s: "╭─ Search" in s and "Type to search" in s)
    tmux.keys("sovereignty")
    tmux.wait_for("one quote found", lambda s: "Quotes (1)" in s)
    tmux.keys("Enter")
    screen = tmux.wait_for("the UK again, with the quote found",
                           lambda s: UK_TITLE in s and "Tom Cotton" in box(s, "Quotes"))
    tmux.keys("Enter")
    screen = tmux.wait_for("the source reader", lambda s: "Source · " in s and "sovereignty" in s)
    tmux.keys("Escape")
    tmux.wait_for(f"'{UK_TITLE}' after the reader", lambda s: UK_TITLE in s and "Source · " not in s)

    tmux.keys("q")
    status = tmux.wait_exit()
    after = tmux.screen(history=True)
    assert status == 0, f"the app exited with status {status}; the terminal shows:\n{after}"
    # Leaving the alternate screen gives the terminal back blank: no traceback, no stray output.
    printed = [line for line in after.splitlines() if line.strip() and not line.startswith("Pane is dead")]
    assert printed == [], after


def test_missing_database_is_one_error_line_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    env = {**_clean_env(), "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"}
    result = subprocess.run([_require("techstance"), "--db", str(missing)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, env=env, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("techstance: error: ") and "no such database" in lines[0], result.stderr
    assert result.stdout == ""
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []
