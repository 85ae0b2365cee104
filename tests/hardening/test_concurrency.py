"""Several processes on one file: a kiosk and an editing dashboard while a build replaces it, and
many concurrent readers while a writer commits. Nothing is lost, nothing crashes."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

from techstance.db.curation.build import build_database
from techstance.db.store.connection import open_database
from techstance.tui.app import TechstanceApp
from techstance.tui.kiosk.app import KioskApp
from techstance.tui.kiosk.config import KioskConfig
from techstance.tui.widgets.tile_map import TileMap

from tests.helpers import SEEDS, settle, wait_until

INSERT = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO decisions (id, topic, country, stance, status, date, date_precision, date_inferred,"
          " summary, conditions) "
          "VALUES (?, 'huawei-5g', 'CN', 'allow', 'reported', '2031-01-01', 'day', 0, "
          "'Another process wrote this.', '[]')", (sys.argv[2],))
c.commit()
"""


async def test_kiosk_and_editing_dashboard_while_a_build_replaces_the_file(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    db.write_bytes(seed_db.read_bytes())
    kiosk = KioskApp(db, KioskConfig(poll=0.3), now=lambda: dt.datetime(2026, 11, 21))
    dashboard = TechstanceApp.for_database(db)
    async with kiosk.run_test(size=(120, 36)) as kp, dashboard.run_test(size=(120, 36)) as dp:
        await settle(kp)
        await settle(dp)
        subprocess.run([sys.executable, "-c", INSERT, str(db), "cn-first"], check=True)

        def cn(app: object) -> str | None:
            screen = app.dashboard() if isinstance(app, KioskApp) else app.screen  # type: ignore[attr-defined]
            tile = screen.query_one(TileMap).tile("CN")
            return tile.stance if tile else None

        assert await wait_until(kp, lambda: cn(kiosk) == "allow"), "the kiosk shows another process's insert"
        assert await wait_until(dp, lambda: cn(dashboard) == "allow"), "so does the dashboard"

        build_database(SEEDS, db)  # a rebuild renamed over the open file: CN has no decision again
        assert await wait_until(kp, lambda: cn(kiosk) is None)
        assert await wait_until(dp, lambda: cn(dashboard) is None)

        editor = dashboard.service.editor_connection()  # must write to the new file, not the unlinked old one
        assert editor is not None
        editor.execute("INSERT INTO decisions (id, topic, country, stance, status, date, date_precision,"
                       " date_inferred, summary, conditions) "
                       "VALUES ('cn-after-rebuild', 'huawei-5g', 'CN', 'ban', 'reported', "
                       "'2032-01-01', 'day', 0, 'Written after the rebuild.', '[]')")
        editor.commit()
        assert await wait_until(kp, lambda: cn(kiosk) == "ban")
        assert kiosk.is_running and dashboard.is_running
    reader = open_database(db)
    assert reader.execute("SELECT count(*) FROM decisions WHERE id = 'cn-after-rebuild'").fetchone()[0] == 1


READER = """
import sys, time
from pathlib import Path
from techstance.db.store.connection import open_database
from techstance.db.store.reads import Store
db, stop, ready = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
store = Store(open_database(db))
reads = 0
while not stop.exists():
    assert len(store.tiles("huawei-5g")) == 9
    store.country_detail("huawei-5g", "GB")
    store.quotes_about("huawei-5g", "GB")
    store.search("huawei")
    reads += 1
    ready.touch()
    time.sleep(0.001)
print(reads)
"""
# One writing program committing again and again, a transaction each time, while the readers read.
# (It was a new process per write: twenty Python starts, each a while in which the six readers
# spun, for no more contention than a loop gives.)
WRITER = """
import sqlite3, sys, time
for i in range(int(sys.argv[2])):
    c = sqlite3.connect(sys.argv[1])
    c.execute("INSERT INTO decisions (id, topic, country, stance, status, date, date_precision, date_inferred,"
              " summary, conditions) "
              "VALUES (?, 'huawei-5g', 'CN', 'allow', 'reported', '2031-01-01', 'day', 0, "
              "'Another process wrote this.', '[]')", (f"cn-{i}",))
    c.commit()
    c.close()
    time.sleep(0.01)
"""


def test_many_concurrent_readers_while_a_writer_commits(seed_db: Path, tmp_path: Path) -> None:
    """Readers in separate processes, as several dashboards and kiosks would be. (Threads of one
    process would share one SQLite lock on the file and could keep a writer out indefinitely:
    SQLite grants a new reader in a process that already reads without looking at the writer's
    pending lock. No techstance process runs many reading connections at once.)"""
    db = tmp_path / "busy.db"
    db.write_bytes(seed_db.read_bytes())
    stop = tmp_path / "stop"
    ready = [tmp_path / f"ready-{n}" for n in range(6)]
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), str(flag)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=SEEDS.parent) for flag in ready]
    try:
        # Every reader started and has read once (polled: a fixed wait was too long idle, too short loaded).
        deadline = time.monotonic() + 30
        while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
            assert all(reader.poll() is None for reader in readers), "a reader ended before the writes"
            time.sleep(0.02)
        assert all(flag.exists() for flag in ready), "the readers did not start within 30 s"
        wrote = subprocess.run([sys.executable, "-c", WRITER, str(db), "20"], capture_output=True, text=True,
                               timeout=120)
        assert wrote.returncode == 0, wrote.stderr
        assert all(reader.poll() is None for reader in readers), "a reader ended during the writes"
    finally:
        stop.touch()
        outputs = [reader.communicate(timeout=30) for reader in readers]
    for reader, (out, err) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0, err
        assert int(out) > 0
    assert open_database(db).execute("SELECT count(*) FROM decisions WHERE id LIKE 'cn-%'").fetchone()[0] == 20
