"""Types as a gate: `mypy --strict` over the whole package, zero errors.

mypy reads folders, not setuptools' package-dir mapping, so the three folders are linked under a
`techstance/` folder of their own (`.typecheck/`, ignored by git) and that package is checked.

mypy's incremental cache lives beside it (`.typecheck/cache`): a second run re-checks only what
changed (measured: about 2 CPU-seconds warm, 9 cold, most of it reading textual's and pydantic's
types; 25-40 s of wall on the loaded shared machine). CI starts clean and pays the cold cost once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _typed_tree() -> Path:
    root = REPO / ".typecheck"
    package = root / "techstance"
    package.mkdir(parents=True, exist_ok=True)
    for folder in ("db", "tui", "seeds"):
        link = package / folder
        if not link.is_symlink():
            link.symlink_to(REPO / folder, target_is_directory=True)
    return root


def test_mypy_strict_finds_no_errors() -> None:
    root = _typed_tree()
    env = {**os.environ, "MYPYPATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(root / "cache"), "-p", "techstance"],
        cwd=root, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success" in result.stdout and "source files" in result.stdout
