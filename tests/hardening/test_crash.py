"""A writer killed in the middle of a transaction (SIGKILL) loses only its own uncommitted work:
the database stays valid, every committed edit is kept, and readers (the kiosk) go on reading."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from techstance.db.store.connection import open_database
from techstance.db.store.edits import correct_quote, history, open_for_editing

WRITER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN")
for i in range(5000):
    c.execute("INSERT INTO edits (at, action, record_table, record_id) VALUES ('t', 'insert', 'quotes', ?)",
              (f"uncommitted-{i}",))
c.execute("UPDATE quotes SET text = text || ' UNCOMMITTED'")
print("in transaction", flush=True)
time.sleep(60)
"""


def test_a_writer_killed_mid_transaction_loses_nothing_committed(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    db.write_bytes(seed_db.read_bytes())
    editor = open_for_editing(db)
    correct_quote(editor, "liu-risks-incite-fear", {"actor": "victor-zhang"}, note="committed before the crash")
    editor.close()

    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "in transaction"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    reader = open_database(db)  # read-only, as the kiosk opens it
    assert reader.execute("SELECT count(*) FROM edits WHERE record_id LIKE 'uncommitted-%'").fetchone()[0] == 0
    assert reader.execute("SELECT count(*) FROM quotes WHERE text LIKE '%UNCOMMITTED'").fetchone()[0] == 0
    assert reader.execute("SELECT actor FROM quotes WHERE id = 'liu-risks-incite-fear'").fetchone()[0] == \
        "victor-zhang"
    reader.close()
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("PRAGMA foreign_key_check").fetchall() == []
    check.close()
    assert history(open_for_editing(db))[0].note == "committed before the crash"
