"""The plain dashboard's command line (tui/cli/plain.py): read without argparse, with the answer
the whole grammar gives, and anything else left to the whole grammar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from techstance.tui.cli.errors import CliError
from techstance.tui.cli.parser import parse
from techstance.tui.cli.plain import plain_dashboard

PLAIN = [
    [],
    ["--db", "x.db"],
    ["--db=x.db"],
    ["--theme", "mono"],
    ["--theme=high-contrast", "--db", "a b.db"],
    ["--db", "first.db", "--db", "second.db"],
]
NOT_PLAIN = [
    ["--db"], ["--db", "--theme", "mono"], ["--db="], ["--db", ""], ["--db=-x"], ["--theme", "sepia"],
    ["--d", "x.db"], ["--the", "mono"], ["-h"], ["--help"], ["--version"], ["kiosk"], ["--kiosk"],
    ["--db", "x.db", "build"], ["--as-of", "2020-01-01"], ["--db", "x.db", "extra"], ["--interval", "3"],
]


@pytest.mark.parametrize("argv", PLAIN)
def test_the_plain_dashboard_reads_as_the_whole_grammar_does(argv: list[str]) -> None:
    args = parse(argv)
    assert (args.command, args.kiosk, args.dashboard_as_of) == (None, False, None)
    assert plain_dashboard(argv) == (args.db, args.theme)


@pytest.mark.parametrize("argv", NOT_PLAIN)
def test_anything_else_is_left_to_the_whole_grammar(argv: list[str]) -> None:
    assert plain_dashboard(argv) is None


def test_a_refused_plain_looking_line_is_still_refused_by_the_whole_grammar() -> None:
    with pytest.raises(CliError):
        parse(["--theme", "sepia"])


def test_the_dashboards_start_never_imports_argparse(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "import techstance.tui.cli.app_commands as commands\n"
        "commands.cmd_dashboard = lambda db, theme, as_of=None: print(db, theme, 'argparse' in sys.modules) or 0\n"
        "from techstance.tui.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, "--db", str(tmp_path / "x.db"), "--theme", "mono"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tmp_path / "x.db"), "mono", "False"]
