"""In a real terminal: "What did the map look like on 2019-06-01?" in three steps from the main
screen: `a`, the date typed, Enter."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import UK_TITLE, Tmux, box, build_with_command, require


def test_the_map_on_a_date_in_three_steps(tmp_path: Path, tmux: Tmux) -> None:
    db = build_with_command(tmp_path)
    tmux.start(["env", "TERM=xterm-256color", "TEXTUAL_ANIMATIONS=none", require("techstance"),
               "--db", str(db)])
    tmux.wait_for(f"'{UK_TITLE}' at start", lambda s: UK_TITLE in s and "As of" not in s)

    tmux.keys("a")  # 1
    tmux.wait_for("the date field", lambda s: "As of:" in s and "YYYY-MM-DD" in s)
    tmux.keys("2019-06-01")  # 2
    tmux.keys("Enter")  # 3
    screen = tmux.wait_for("the map and the decision as of 2019-06-01",
                           lambda s: "Map · as of 2019-06-01" in s and "uncertain: period not over" in s
                           and "uncertain: 2019" in box(s, "Decision ·"))
    assert "As of 2019-06-01" in screen.splitlines()[0], screen
    # Every 5G decision of 2019 is known only to the year: on the map, marked as not yet certain.
    map_text = box(screen, "Map · as of")
    assert "GB ?~" in map_text and "undecided" in map_text, screen
    assert "No decision known for United Kingdom by 2019-06-01" in box(screen, "Decision ·"), screen
    assert "uncertain: 2019" in box(screen, "Decision ·"), screen

    tmux.keys("A")  # back to today
    screen = tmux.wait_for("today's map", lambda s: "Map · as of" not in s and "28 Jan 2020" in s)
    tmux.keys("q")
    assert tmux.wait_exit() == 0
