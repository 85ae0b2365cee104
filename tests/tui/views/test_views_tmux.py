"""The analyst's questions asked in a real terminal (tmux), each in at most three keystrokes from
the main screen (typing a name counts as the search), as tests/tui/test_e2e_tmux.py runs the app:
the installed command, a clean environment, TERM set, COLUMNS and LINES unset."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.tui.test_e2e_tmux import UK_TITLE, Tmux, _build, _require, tmux  # noqa: F401  (tmux: the fixture)


def _command() -> str:
    """The command installed beside the running interpreter (the code under test), else the one on PATH."""
    beside = Path(sys.executable).with_name("techstance")
    return str(beside) if beside.exists() else _require("techstance")


def test_three_questions_in_three_keystrokes_each(tmp_path: Path, tmux: Tmux) -> None:  # noqa: F811
    db = _build(tmp_path)
    tmux.start(["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", _command(), "--db", str(db)])
    tmux.wait_for(f"'{UK_TITLE}' at start", lambda s: UK_TITLE in s)

    # "What did Pompeo say?": / Pompeo Enter.
    tmux.keys("/")
    tmux.wait_for("the search box", lambda s: "╭─ Search" in s)
    tmux.keys("Pompeo")
    tmux.wait_for("Pompeo among the people", lambda s: "People and bodies (1)" in s)
    tmux.keys("Enter")
    screen = tmux.wait_for("his view with every quote", lambda s: "Quotes · Mike Pompeo · 1/18" in s)
    assert "Secretary of State" in screen and "United Kingdom" in screen and "China" in screen, screen
    tmux.keys("Escape")
    tmux.wait_for("the dashboard again", lambda s: "╭─ Decision · " in s)

    # "Who bans, and since when?": o b.
    tmux.keys("o")
    tmux.wait_for("the positions table", lambda s: "6 of 6 countries" in s)
    tmux.keys("b")
    screen = tmux.wait_for("only the bans", lambda s: "3 of 6 countries" in s and "only ban" in s)
    rows = [line for line in screen.splitlines() if "ban" in line and "enacted" in line]
    assert [r.split()[1] for r in rows] == ["Australia", "Japan", "United"], screen
    assert all("by 2019" in r for r in rows), screen
    assert "Canada" not in screen and "United Kingdom" not in screen, screen

    # "Where do the sources disagree?": D (from here, or from the dashboard: one key either way).
    tmux.keys("Escape")
    tmux.wait_for("the dashboard again", lambda s: "╭─ Decision · " in s)
    tmux.keys("D")
    screen = tmux.wait_for("the disputes", lambda s: "1 disputed decision in 1 country" in s)
    assert "New Zealand" in screen and "says so" in screen and "says otherwise" in screen, screen
    assert "1 for, 2 against" in screen, screen

    tmux.keys("q")
    assert tmux.wait_exit() == 0
