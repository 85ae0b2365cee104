"""What `pip install .` puts in site-packages: one import package, `techstance`, with its data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(out), str(REPO)], check=True, capture_output=True, timeout=300)
    (wheel,) = out.glob("techstance-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_the_wheel_holds_one_import_package(wheel_names: list[str]) -> None:
    top = {name.split("/")[0] for name in wheel_names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"techstance"}, f"top-level names in site-packages: {sorted(top)}"


def test_the_wheel_carries_the_seeds_styles_and_every_module(wheel_names: list[str]) -> None:
    names = set(wheel_names)
    assert "techstance/seeds/decisions.toml" in names
    assert any(n.startswith("techstance/seeds/sources/") and n.endswith(".txt") for n in names)
    assert "techstance/tui/app.tcss" in names and "techstance/tui/screens/dashboard.tcss" in names
    for folder, package in (("db", "techstance/db"), ("tui", "techstance/tui")):
        for path in (REPO / folder).rglob("*.py"):
            shipped = f"{package}/{path.relative_to(REPO / folder).as_posix()}"
            assert shipped in names, f"{shipped} is not installed (add its package to pyproject.toml)"


def test_the_console_script_and_python_m_run_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "--version"], capture_output=True, text=True,
                            timeout=60, cwd="/")
    assert result.returncode == 0 and (result.stdout + result.stderr).startswith("techstance ")
