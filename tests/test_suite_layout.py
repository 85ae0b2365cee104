"""The tests mirror the code's layout, and share code through tests/helpers.py only.

A test module that imports another runs the other's tests' module code twice under xdist and
ties two files' fixtures together; a folder named after no package is a test nobody finds when
changing that package.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import REPO

TESTS = REPO / "tests"
CROSS_CUTTING = {"hardening"}  # faults that no one package owns
NOT_CODE = {"__snapshots__", "__pycache__"}


def _inside(path: Path, folders: set[str]) -> bool:
    return bool(set(path.relative_to(TESTS).parts) & folders)


def _test_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if not _inside(p, NOT_CODE))


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module the file imports, at any depth (function-level imports too), relative ones resolved."""
    package = _module_name(path).rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.append((node.lineno, base))
            # `from tests.tui import test_x` imports a module too
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" and parts[-1].startswith("test_") and (REPO / Path(*parts)).with_suffix(".py").is_file()


def test_no_test_module_imports_another() -> None:
    offenders = [f"{path.relative_to(REPO)}:{line} imports {name}"
                 for path in _test_files() for line, name in _imported_modules(path)
                 if _is_test_module(name) or name == "tests.conftest"]  # pytest loads conftest; tests use fixtures
    assert not offenders, "share it through tests/helpers.py (or a fixture in conftest.py):\n" + "\n".join(offenders)


def test_every_test_folder_is_named_after_a_package_folder() -> None:
    # Folders of test code; a folder of data files only (fixtures/) belongs to the tests beside it.
    folders = [p for p in TESTS.rglob("*")
               if p.is_dir() and not _inside(p, NOT_CODE | CROSS_CUTTING) and any(p.glob("*.py"))]
    assert folders, "no test folders found"
    unmatched = [str(p.relative_to(REPO)) for p in folders
                 if not any((REPO / p.relative_to(TESTS)).glob("*.py"))]
    assert not unmatched, "each folder under tests/ mirrors a package folder (db/store, tui/widgets...):\n" + \
        "\n".join(unmatched)
