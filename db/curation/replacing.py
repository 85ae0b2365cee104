"""Replacing a database file: what it holds that would be lost, and the backup kept first.

A build replaces its target in one rename. Before that, the edits (table `edits`) and pending
proposals (`proposed_quotes`) the new seeds do not carry are counted: a build refuses to lose them
unless forced, and a forced one copies the old file beside itself first.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from techstance.db.curation.seeds import SeedSet
from techstance.db.store.schema import APPLICATION_ID

# Seconds to wait for another program's write lock before saying we cannot read the file.
LOCK_WAIT = 5.0


@dataclass(frozen=True)
class AtRisk:
    """What replacing a database would lose: its edits and pending proposals that the seeds lack."""

    edits: int
    proposals: int

    def __bool__(self) -> bool:
        return bool(self.edits or self.proposals)

    def __str__(self) -> str:
        parts = [f"{self.edits} edit{'s' if self.edits != 1 else ''}" if self.edits else "",
                 f"{self.proposals} pending proposed quote{'s' if self.proposals != 1 else ''}"
                 if self.proposals else ""]
        return " and ".join(p for p in parts if p)


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return conn.execute(query, (name,)).fetchone() is not None


def work_at_risk(db_path: Path, seeds: SeedSet) -> AtRisk:
    """The edits (table `edits`) and pending proposals (`proposed_quotes`) in the techstance database at
    `db_path` that `seeds` do not carry. A file that is not a techstance database holds none we know of
    (an older one may lack the tables). sqlite3.Error when it cannot be read: we cannot tell."""
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_WAIT)
    except sqlite3.Error:
        return AtRisk(0, 0)
    try:
        try:
            ours = conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        except sqlite3.OperationalError:
            raise  # locked (or unreadable) is not "not a database": its edits are still at risk
        except sqlite3.DatabaseError:
            return AtRisk(0, 0)  # not an SQLite database at all
        if not ours:
            return AtRisk(0, 0)
        edits = proposals = 0
        if _table_exists(conn, "edits"):
            carried = Counter(e.key() for e in seeds.history)
            stored = Counter(conn.execute('SELECT at, action, record_table, record_id, "before", "after", note '
                                          "FROM edits").fetchall())
            edits = sum((stored - carried).values())
        if _table_exists(conn, "proposed_quotes"):
            known = {p.id for p in seeds.proposals}
            pending = conn.execute("SELECT id FROM proposed_quotes WHERE status = 'proposed'").fetchall()
            proposals = sum(1 for (proposal_id,) in pending if proposal_id not in known)
        return AtRisk(edits, proposals)
    finally:
        conn.close()


def backup_database(db_path: Path) -> Path:
    """Copy `db_path` beside itself as NAME.backup-<UTC time>.db (SQLite's backup: a consistent copy
    even while another process writes); a file that is not SQLite is copied byte for byte. OSError or
    sqlite3.Error when it cannot be copied; no partial copy is left."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    stem, suffix = db_path.stem, db_path.suffix or ".db"
    target, n = db_path.with_name(f"{stem}.backup-{stamp}{suffix}"), 1
    while target.exists():
        n += 1
        target = db_path.with_name(f"{stem}.backup-{stamp}-{n}{suffix}")
    try:
        with open(db_path, "rb") as handle:
            is_sqlite = handle.read(16) == b"SQLite format 3\x00"
        if not is_sqlite:
            shutil.copy2(db_path, target)
            return target
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_WAIT)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    except (OSError, sqlite3.Error):
        target.unlink(missing_ok=True)
        raise
    return target
