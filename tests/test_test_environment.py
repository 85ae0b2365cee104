"""The suite's own setting: snapshots are taken as a truecolor terminal shows them, however the
suite is run (with workers, as the README's command does, or in one process with -n 0)."""

from __future__ import annotations

import os

from textual import constants


def test_textual_reads_the_suites_colour_system() -> None:
    # Failed in one process (-n 0): textual.constants had read "auto" before conftest set it.
    assert constants.COLOR_SYSTEM == os.environ["TEXTUAL_COLOR_SYSTEM"] == "truecolor"
