"""Several processes on one file: a kiosk and an editing dashboard while a build replaces it, and
many concurrent readers while a writer commits. Nothing is lost, nothing crashes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from pathlib import Path

from db.build import build_database
from db.connection import open_database
from db.queries import Store
from tests.conftest import SEEDS, settle
from tui.app import TechstanceApp
from tui.kiosk.app import KioskApp
from tui.kiosk.config import KioskConfig
from tui.widgets.tile_map import TileMap

INSERT = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO decisions VALUES (?, 'huawei-5g', 'CN', 'allow', 'reported', '2031-01-01', 'day', 0, "
          "'Another process wrote this.', '[]')", (sys.argv[2],))
c.commit()
"""


async def _wait(pilot: object, condition: object, seconds: float = 6) -> bool:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and callable(condition)
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await pilot.pause(0.1)
    return bool(condition())


async def test_kiosk_and_editing_dashboard_while_a_build_replaces_the_file(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    db.write_bytes(seed_db.read_bytes())
    kiosk = KioskApp(db, KioskConfig(poll=0.3), now=lambda: dt.datetime(2026, 11, 21))
    dashboard = TechstanceApp(open_database(db), db_path=db)
    async with kiosk.run_test(size=(120, 36)) as kp, dashboard.run_test(size=(120, 36)) as dp:
        await settle(kp)
        await settle(dp)
        subprocess.run([sys.executable, "-c", INSERT, str(db), "cn-first"], check=True)

        def cn(app: object) -> str | None:
            screen = app.dashboard() if isinstance(app, KioskApp) else app.screen  # type: ignore[attr-defined]
            tile = screen.query_one(TileMap).tile("CN")
            return tile.stance if tile else None

        assert await _wait(kp, lambda: cn(kiosk) == "allow"), "the kiosk shows another process's insert"
        assert await _wait(dp, lambda: cn(dashboard) == "allow"), "so does the dashboard"

        build_database(SEEDS, db)  # a rebuild renamed over the open file: CN has no decision again
        assert await _wait(kp, lambda: cn(kiosk) is None)
        assert await _wait(dp, lambda: cn(dashboard) is None)

        editor = dashboard.editor()  # must write to the new file, not the unlinked old one
        assert editor is not None
        editor.execute("INSERT INTO decisions VALUES ('cn-after-rebuild', 'huawei-5g', 'CN', 'ban', 'reported', "
                       "'2032-01-01', 'day', 0, 'Written after the rebuild.', '[]')")
        editor.commit()
        assert await _wait(kp, lambda: cn(kiosk) == "ban")
        assert kiosk.is_running and dashboard.is_running
    reader = open_database(db)
    assert reader.execute("SELECT count(*) FROM decisions WHERE id = 'cn-after-rebuild'").fetchone()[0] == 1


def test_many_concurrent_readers_while_a_writer_commits(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    db.write_bytes(seed_db.read_bytes())
    errors: list[BaseException] = []
    reads = [0] * 8
    stop = threading.Event()

    def read(n: int) -> None:
        store = Store(open_database(db))
        try:
            while not stop.is_set():
                tiles = store.tiles("huawei-5g")
                store.country_detail("huawei-5g", "GB")
                store.quotes_about("huawei-5g", "GB")
                store.search("huawei")
                assert len(tiles) == 9
                reads[n] += 1
                time.sleep(0.001)  # busy readers, not a denial of service: the writer must get a turn
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for i in range(20):
        subprocess.run([sys.executable, "-c", INSERT, str(db), f"cn-{i}"], check=True)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors[:3]
    assert all(n > 0 for n in reads)
    assert open_database(db).execute("SELECT count(*) FROM decisions WHERE id LIKE 'cn-%'").fetchone()[0] == 20
