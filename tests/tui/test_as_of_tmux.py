"""In a real terminal: "What did the map look like on 2019-06-01?" in three steps from the main
screen: `a`, the date typed, Enter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import UK_TITLE, Tmux, box, build_with_command, require


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Tmux]:
    name = f"techstance-asof-{os.getpid()}"
    workdir = tmp_path / "tmux"
    workdir.mkdir()
    session = Tmux(require("tmux"), socket=name, session=name, workdir=workdir)
    try:
        yield session
    finally:
        session.kill()


def test_the_map_on_a_date_in_three_steps(tmp_path: Path, terminal: Tmux) -> None:
    db = build_with_command(tmp_path)
    terminal.start(["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", require("techstance"),
                    "--db", str(db)])
    terminal.wait_for(f"'{UK_TITLE}' at start", lambda s: UK_TITLE in s and "As of" not in s)

    terminal.keys("a")  # 1
    terminal.wait_for("the date field", lambda s: "As of:" in s and "YYYY-MM-DD" in s)
    terminal.keys("2019-06-01")  # 2
    terminal.keys("Enter")  # 3
    screen = terminal.wait_for("the map and the decision as of 2019-06-01",
                               lambda s: "Map · as of 2019-06-01" in s and "uncertain: period not over" in s
                               and "uncertain: 2019" in box(s, "Decision ·"))
    assert "As of 2019-06-01" in screen.splitlines()[0], screen
    # Every 5G decision of 2019 is known only to the year: on the map, marked as not yet certain.
    map_text = box(screen, "Map · as of")
    assert "GB ?~" in map_text and "undecided" in map_text, screen
    assert "No decision known for United Kingdom by 2019-06-01" in box(screen, "Decision ·"), screen
    assert "uncertain: 2019" in box(screen, "Decision ·"), screen

    terminal.keys("A")  # back to today
    screen = terminal.wait_for("today's map", lambda s: "Map · as of" not in s and "28 Jan 2020" in s)
    terminal.keys("q")
    assert terminal.wait_exit() == 0
