"""Writing into a techstance database as another tool could: no CHECK constraints, no triggers
that refuse, and (when SQLite's typing or NOT NULL would refuse the value) the table's declaration
loosened, as a file made by another program may be. The file stays a techstance database (same
application id and schema version), so the app must open it and cope with what it reads.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

# The search index's own triggers (db/store/schema.enable_search) keep FTS in step; any other
# trigger may refuse a write, which is what this helper exists to get past.
_FTS_TRIGGER = re.compile(r"^\w+_(ai|ad|au)$")


def _loosen(conn: sqlite3.Connection, table: str) -> None:
    """Drop STRICT and NOT NULL from the table's declaration, as an older or foreign writer's
    file would have it: the only way a blob or a NULL gets into a strict NOT NULL column."""
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    loose = re.sub(r"\)\s*STRICT\s*$", ")", sql)
    loose = re.sub(r"\s+NOT NULL", "", loose)
    if loose == sql:
        return
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (loose, table))
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.execute("PRAGMA writable_schema = OFF")


def _drop_refusing_triggers(conn: sqlite3.Connection, table: str) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                (table,)).fetchall():
        if not _FTS_TRIGGER.match(name):
            conn.execute(f'DROP TRIGGER "{name}"')


def write_unchecked(db_path: Path, table: str, rowid: int, column: str, value: object) -> None:
    """Set one cell to any SQLite value, checks off; raises only if the row does not exist."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # a scratch copy: no need to wait for the disk
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("PRAGMA foreign_keys = OFF")
        _drop_refusing_triggers(conn, table)
        sql = f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?'
        try:
            cur = conn.execute(sql, (value, rowid))
        except sqlite3.IntegrityError:  # strict typing, NOT NULL or a UNIQUE key: loosen and retry
            _loosen(conn, table)
            conn.close()
            conn = sqlite3.connect(db_path, isolation_level=None)
            conn.execute("PRAGMA ignore_check_constraints = ON")
            try:
                cur = conn.execute(sql, (value, rowid))
            except sqlite3.IntegrityError:  # a duplicate primary key: that value cannot be stored here
                return
        if cur.rowcount != 1:
            raise LookupError(f"{table}: no row {rowid}")
    finally:
        conn.close()


def columns(db_path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    finally:
        conn.close()


def rowids(db_path: Path, table: str) -> list[int]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}" ORDER BY rowid')]
    finally:
        conn.close()
