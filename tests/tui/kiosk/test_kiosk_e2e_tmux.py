"""End to end: the kiosk (`techstance --kiosk`) in a real terminal (tmux), as a visitor at the wall meets it.

A wall screen is only safe if nothing a visitor types ends or escapes it, and that depends on what
a real terminal sends: ctrl+c and ctrl+z arrive as bytes only because the app puts the tty in raw
mode, and a lone Escape must be told apart from an escape sequence. The Pilot tests cannot see
that, so here the installed console script runs under a private tmux server (the tmux harness of
tests/helpers.py). Each ignored key is followed by an arrow key whose effect on the map must
show: keys are handled in order, so seeing the arrow's effect proves the key before it was handled
and ended nothing. Only the operator's sequence from the kiosk config quits, with status 0, and the
database is never written. A missing database is shown on screen and retried, never created.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.helpers import Tmux, build_with_command, require

OPERATOR_EXIT = ("ctrl+x", "ctrl+x", "e")
OPERATOR_KEYS = ("C-x", "C-x", "e")  # the same keys, as tmux send-keys names them
VISITOR_KEYS = ("q", "C-q", "C-c", "C-z", "C-p", "Escape")
PALETTE = "Search for commands"  # the command palette's input placeholder
SETTLE = 0.3  # seconds after a key before the next: lets a lone Escape be parsed as one key
DECISION_TITLE = re.compile(r"╭─ Decision · (.+?) ─")


def _kiosk(tmp_path: Path, db: Path, *options: str) -> list[str]:
    """The kiosk command, with an empty XDG_CONFIG_HOME so no ~/.config/techstance/kiosk.toml is read."""
    return ["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", f"XDG_CONFIG_HOME={tmp_path / 'xdg-config'}",
            require("techstance"), "--kiosk", "--db", str(db), *options]


def _status(screen: str) -> str:
    """The kiosk status bar: the last line with text on it."""
    return next((line for line in reversed(screen.splitlines()) if line.strip()), "")


def _decision_title(screen: str) -> str | None:
    """The country named in the Decision pane's title, or None when the dashboard is not shown."""
    found = DECISION_TITLE.search(screen)
    return found.group(1) if found else None


def _unboxed(screen: str) -> str:
    """The screen's words with borders and line breaks gone, so a wrapped phrase reads whole."""
    return re.sub(r"[\s│╭╮╰╯─]+", " ", screen).strip()


def _wait_touring(tmux: Tmux) -> str:
    return tmux.wait_for("the kiosk touring the dashboard",
                         lambda s: "Touring" in _status(s) and _decision_title(s) is not None)


def _assert_ignored(tmux: Tmux, keys: tuple[str, ...], step: int) -> None:
    """Send `keys`, then an arrow; the arrow's effect shows `keys` were handled and changed nothing."""
    before = _decision_title(tmux.screen())
    assert before is not None, tmux.screen()
    for key in keys:
        tmux.keys(key)
        time.sleep(SETTLE)
    # From the start country (the UK) Right and Left move to a neighbour and back.
    arrow = "Right" if step % 2 == 0 else "Left"
    tmux.keys(arrow)
    shown = " ".join(keys)
    screen = tmux.wait_for(f"the map to answer {arrow} after {shown}",
                           lambda s: _decision_title(s) not in (None, before))
    assert PALETTE not in screen, f"{shown} opened the command palette:\n{screen}"
    assert "Decision" in screen, screen
    assert "Exploring" in _status(screen), f"the tour did not pause after {shown}:\n{screen}"
    assert not tmux.dead(), f"the kiosk ended after {shown}:\n{tmux.screen(history=True)}"


def test_kiosk_ignores_visitor_keys_and_quits_only_on_the_operator_sequence(tmp_path: Path, tmux: Tmux) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = build_with_command(data)
    db_bytes, db_mtime, files = db.read_bytes(), db.stat().st_mtime_ns, sorted(data.iterdir())
    config = tmp_path / "kiosk.toml"
    # A long interval: the tour must not move the map under the arrow keys.
    quoted = ", ".join(f'"{key}"' for key in OPERATOR_EXIT)
    config.write_text(f"interval = 600\noperator_exit = [{quoted}]\n")
    tmux.start(_kiosk(tmp_path, db, "--kiosk-config", str(config)))
    _wait_touring(tmux)

    for step, key in enumerate(VISITOR_KEYS):
        _assert_ignored(tmux, (key,), step)

    tmux.keys(*OPERATOR_KEYS)
    status = tmux.wait_exit()
    after = tmux.screen(history=True)
    assert status == 0, f"the kiosk exited with status {status}; the terminal shows:\n{after}"
    printed = [line for line in after.splitlines() if line.strip() and not line.startswith("Pane is dead")]
    assert printed == [], after

    # Read-only: the file is untouched and nothing (journal, WAL) was created beside it.
    assert db.read_bytes() == db_bytes
    assert db.stat().st_mtime_ns == db_mtime
    assert sorted(data.iterdir()) == files


def test_kiosk_without_operator_exit_ignores_quit_keys(tmp_path: Path, tmux: Tmux) -> None:
    db = build_with_command(tmp_path)
    # No config file at all; --interval only keeps the tour from moving the map under the arrow keys.
    tmux.start(_kiosk(tmp_path, db, "--interval", "600"))
    _wait_touring(tmux)
    for step, keys in enumerate([("q",), ("C-q",), ("C-c",), OPERATOR_KEYS]):
        _assert_ignored(tmux, keys, step)
    # Nothing a keyboard sends ends it now: the fixture's teardown kills the tmux server.


def test_kiosk_shows_a_missing_database_on_screen_retries_and_never_creates_it(tmp_path: Path,
                                                                               tmux: Tmux) -> None:
    data = tmp_path / "data"
    data.mkdir()
    missing = data / "t.db"  # where _build writes, to prove the retry below
    config = tmp_path / "kiosk.toml"
    config.write_text("poll = 0.2\n")
    tmux.start(_kiosk(tmp_path, missing, "--kiosk-config", str(config)))

    screen = tmux.wait_for("the missing-database message", lambda s: "no such database" in _unboxed(s))
    assert "Trying again" in _unboxed(screen), screen
    deadline = time.monotonic() + 1.5  # several polls of 0.2 s, each trying to open the file
    while time.monotonic() < deadline:
        assert not tmux.dead(), f"the kiosk ended:\n{tmux.screen(history=True)}"
        assert not missing.exists(), "the kiosk created the database file"
        time.sleep(0.1)
    assert list(data.iterdir()) == []
    assert "no such database" in _unboxed(tmux.screen())

    # It keeps retrying: once the database exists, the dashboard appears by itself.
    build_with_command(data)
    _wait_touring(tmux)
