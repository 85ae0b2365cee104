"""The `techstance` command (console script `techstance.tui.cli:main`, and `python -m techstance.tui`)."""

from techstance.tui.cli.main import main

__all__ = ["main"]
