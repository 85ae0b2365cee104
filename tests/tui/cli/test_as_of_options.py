"""`techstance --as-of` and `export --as-of`: one check, one meaning, one line when wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from techstance.tui.cli.parser import parse


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "techstance.tui", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


@pytest.mark.parametrize(("args", "expected"), [
    (["--as-of", "2019-02-30"], "--as-of: '2019-02-30' is not a real date"),
    (["--as-of", "June 2019"], "--as-of: an as-of date is written YYYY-MM-DD, not 'June 2019'"),
    (["export", "--as-of", "2019"], "--as-of: an as-of date is written YYYY-MM-DD, not '2019'"),
    (["--as-of", "2019-06-01", "kiosk"], "--as-of before a command is the dashboard's, not the kiosk command's"),
])
def test_a_bad_as_of_is_one_line_and_exit_2(seed_db: Path, args: list[str], expected: str) -> None:
    result = run("--db", str(seed_db), *args)
    assert result.returncode == 2
    assert result.stderr == f"techstance: error: {expected}\n" and result.stdout == ""


def test_the_dashboard_and_export_take_the_same_date() -> None:
    assert parse(["--as-of", "2019-06-01"]).dashboard_as_of == "2019-06-01"
    assert parse(["export", "--as-of", "2019-06-01"]).as_of == "2019-06-01"
    assert parse(["kiosk", "--tour", "timeline"]).tour == "timeline"


def test_export_as_of_gives_what_the_dashboard_shows(seed_db: Path) -> None:
    # One definition (db/store/positions.py): on 2020-01-27 the UK's 2020 proposal, known only to the
    # year, is not yet a position in the export either.
    result = run("--db", str(seed_db), "export", "--format", "csv", "--as-of", "2020-01-27")
    assert result.returncode == 0, result.stderr
    assert "gb-2019-proposal-postponed" in result.stdout and "gb-2020-proposal" not in result.stdout


def test_serve_passes_the_timeline_tour_to_each_browser_session(seed_db: Path) -> None:
    from techstance.tui.cli.app_commands import kiosk_command

    args = parse(["serve", "--kiosk", "--db", str(seed_db), "--tour", "timeline"])
    command = kiosk_command(args)
    assert command[command.index("--tour") + 1] == "timeline"
