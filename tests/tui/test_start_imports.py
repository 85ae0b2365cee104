"""What the dashboard's start imports before its first frame: nothing it does not use then.
(Pydantic: tests/tui/cli/test_database_files.py.)"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import REPO

# Each costs every start: hashlib loads OpenSSL (22 M instructions, 4 ms of CPU), argparse 1-2 ms
# and building the grammar 5 ms more (tui/cli/plain.py), the analyst views' screen module under 1 ms.
NOT_AT_START = ("hashlib", "argparse", "techstance.tui.view_screen")


def test_the_dashboards_start_imports_nothing_its_first_frame_does_not_use() -> None:
    code = ("import sys, techstance.tui.cli.main, techstance.tui.cli.plain, techstance.tui.cli.app_commands, "
            "techstance.tui.app, techstance.db.store.opening, techstance.tui.css_cache;"
            f"print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
