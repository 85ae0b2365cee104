"""The code stays ruff clean: the same check a reviewer would run."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.helpers import REPO


def test_ruff_check_is_clean() -> None:
    ruff = shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, "check", "--output-format", "concise", "."],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
