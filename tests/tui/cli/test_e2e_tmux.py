"""End to end: the installed `techstance` command in a real terminal (tmux), as a user sees it.

The Pilot and snapshot tests drive the app inside Textual's own harness; this test catches what
they cannot: the console script, a real tty and terminal size, key names sent by a terminal, and a
clean exit that gives the terminal back. tmux must be installed (CI installs it); without it the
test fails rather than skips, so a missing tmux is never mistaken for a pass.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers import UK_TITLE, Tmux, box, build_with_command, clean_env, require


def test_dashboard_in_a_real_terminal_navigates_searches_opens_a_source_and_quits(tmp_path: Path, tmux: Tmux) -> None:
    db = build_with_command(tmp_path)
    tmux.start(["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", require("techstance"), "--db", str(db)])

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
    env = {**clean_env(), "TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none"}
    result = subprocess.run([require("techstance"), "--db", str(missing)], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, env=env, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("techstance: error: ") and "no such database" in lines[0], result.stderr
    assert result.stdout == ""
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []
