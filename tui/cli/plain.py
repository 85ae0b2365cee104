"""The plain dashboard's command line (`techstance`, `techstance --db FILE --theme NAME`), read
without argparse.

Building the whole grammar (argparse and a parser for each of twelve commands) and its first
parse took 5-7 ms of CPU, and importing argparse 1-2 ms more, at every start of the dashboard
that most starts never need. Anything but --db and --theme with plain values (another option, a
command, an abbreviation, a value like an option, an unknown theme) goes to the whole grammar
(tui/cli/parser.py), which gives the same answer for these (tests/tui/cli/test_plain.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# The theme names only; tui.themes imports textual, which `check` and `build` do not need.
THEMES = ("default", "high-contrast", "mono")


def plain_dashboard(argv: Sequence[str]) -> tuple[Path | None, str | None] | None:
    """(--db, --theme) when `argv` is the plain dashboard's, else None."""
    given: dict[str, str] = {}
    at = 0
    while at < len(argv):
        option, equals, value = argv[at].partition("=")
        if option not in ("--db", "--theme"):
            return None
        if not equals:
            if at + 1 == len(argv):
                return None
            value = argv[at + 1]
        at += 1 if equals else 2
        if not value or value.startswith("-") or (option == "--theme" and value not in THEMES):
            return None
        given[option] = value
    db = given.get("--db")
    return (Path(db) if db is not None else None), given.get("--theme")
