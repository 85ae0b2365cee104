"""`python -m techstance.tui` is the same as the `techstance` command."""

from techstance.tui.cli import main

raise SystemExit(main())
