"""Where the default database lives, and keeping it in step with the bundled seeds."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from db.connection import DatabaseOpenError, OlderSchemaError, open_database

DB_ENV = "TECHSTANCE_DB"


# In the meta table of a database that refresh_default_database built and may rebuild.
MANAGED_KEY, MANAGED_VALUE = "built_by", "techstance from its bundled seeds"


def default_database_path() -> Path:
    """$TECHSTANCE_DB, else techstance.db in the XDG data directory (~/.local/share)."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "techstance" / "techstance.db"


def _has_edits(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT EXISTS (SELECT 1 FROM edits)").fetchone()[0] == 1
    except sqlite3.Error:
        return False  # no edits table: nothing a rebuild could lose


def refresh_default_database(path: Path, seed_dir: Path) -> str | None:
    """Build the default database if it is missing, or rebuild it if this function built it
    from bundled seeds that have changed since.

    Returns a line for the user when something was done or deliberately not done. Only a file
    marked as built here (meta MANAGED_KEY) is ever rebuilt: a database built from other seeds
    (`techstance build --seeds`, the benchmarks' scale database), one holding the user's own
    edits, and a file that is not a techstance database are left alone.
    """
    from db.build import build_database  # the build's imports are only paid when building
    from db.seeds import seeds_digest

    digest = seeds_digest(seed_dir)
    if path.exists():
        try:
            conn = open_database(path)
        except OlderSchemaError:
            conn = None
        except DatabaseOpenError:
            return None  # reported when the app opens it
        if conn is not None:
            try:
                try:
                    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                except sqlite3.Error:
                    return None  # not a database to rebuild; reported when the app opens it
                if meta.get(MANAGED_KEY) != MANAGED_VALUE or meta.get("seeds_sha256") == digest:
                    return None  # someone else's database, or up to date
                if _has_edits(conn):
                    return (f"note: {path} holds your edits, so it was not rebuilt from the newer "
                            "bundled seeds")
            finally:
                conn.close()
    report = build_database(seed_dir, path, meta={MANAGED_KEY: MANAGED_VALUE})
    return f"{report.summary()}"
