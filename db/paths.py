"""Where the default database lives, and keeping it in step with the bundled seeds."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from db.connection import DatabaseOpenError, OlderSchemaError, open_database

DB_ENV = "TECHSTANCE_DB"


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
    """Build the default database if it is missing or built from other seeds.

    Returns a line for the user when something was done or deliberately not done. A database
    holding the user's own edits is never rebuilt, and a file that is not a techstance
    database is never overwritten: open_database reports it instead.
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
                row = conn.execute("SELECT value FROM meta WHERE key = 'seeds_sha256'").fetchone()
                if row and row[0] == digest:
                    return None
                if _has_edits(conn):
                    return (f"note: {path} holds your edits, so it was not rebuilt from the newer "
                            "bundled seeds")
            finally:
                conn.close()
    report = build_database(seed_dir, path)
    return f"{report.summary()}"
