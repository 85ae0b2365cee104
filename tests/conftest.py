from __future__ import annotations

import os

# Before anything imports textual: snapshots must not depend on animation timing.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import shutil  # noqa: E402
import sqlite3  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from db.build import build_database  # noqa: E402
from db.connection import open_database  # noqa: E402
from db.queries import Store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database built from the bundled seeds, once per test session (read-only use)."""
    path = tmp_path_factory.mktemp("seed") / "techstance.db"
    build_database(SEEDS, path)
    return path


@pytest.fixture
def store(seed_db: Path) -> Iterator[Store]:
    conn = open_database(seed_db)
    yield Store(conn)
    conn.close()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def settle(pilot: object) -> None:
    """Wait until the app's workers are done and the screen has caught up."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: object, *keys: str) -> None:
    """Press keys one at a time, letting each key's data load before the next."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def make_app(db: Path, theme: str | None = None, opening: bool = True) -> object:
    """The app as `techstance --db` starts it: the opening view read first (opening=False: the
    path a reload takes, every pane loaded by workers)."""
    from db.opening import read_opening
    from tui.app import TechstanceApp

    return TechstanceApp(open_database(db), db_path=db, theme=theme,
                         opening=read_opening(db) if opening else None)
