"""Types as a gate: `mypy --strict` over the whole package, zero errors.

mypy reads folders, not setuptools' package-dir mapping, so the three folders are linked under a
`techstance/` folder of their own (`.typecheck/`, ignored by git) and that package is checked.

mypy's incremental cache lives beside it (`.typecheck/cache`): a second run re-checks only what
changed (measured: about 2 CPU-seconds warm, 9 cold, most of it reading textual's and pydantic's
types; 25-40 s of wall on the loaded shared machine). CI starts clean and pays the cold cost once.

The same run also checks PROBE, a module with two faults only a strict checker reports, so one
mypy process (the cold start is most of its cost) proves both that the package is clean and
that the gate fails on a type error: exactly the probe's two errors, none anywhere else.
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


# An unannotated function (only strict mode's disallow_untyped_defs reports it) and a plain type error.
PROBE = '''\
def untyped(value):
    return value


count: int = "three"
'''


def test_mypy_strict_finds_no_errors_in_the_package_and_fails_on_a_type_error() -> None:
    root = _typed_tree()
    (root / "gate_probe.py").write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
         "--cache-dir", str(root / "cache"), "-p", "techstance", "-m", "gate_probe"],
        cwd=root, capture_output=True, text=True, timeout=600, env=env)
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    outside = [line for line in errors if not line.startswith("gate_probe.py:")]
    assert not outside, result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 1, result.stdout[-6000:] + result.stderr[-2000:]
    assert len(errors) == 2 and "[no-untyped-def]" in errors[0] and "[assignment]" in errors[1], errors
    assert "Found 2 errors in 1 file" in result.stdout, result.stdout[-2000:]
