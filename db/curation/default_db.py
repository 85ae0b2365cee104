"""Where the default database lives, and keeping it in step with the bundled seeds."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from techstance.db.store.connection import DatabaseOpenError, OlderSchemaError, open_database

DB_ENV = "TECHSTANCE_DB"


def default_database_path() -> Path:
    """$TECHSTANCE_DB, else techstance.db in the XDG data directory (~/.local/share)."""
    if os.environ.get(DB_ENV):
        return Path(os.environ[DB_ENV])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "techstance" / "techstance.db"


def _count(conn: sqlite3.Connection, sql: str) -> int:
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0  # no such table (an older schema): nothing a rebuild could lose


def _unsaved_work(conn: sqlite3.Connection) -> str:
    """What a rebuild from the bundled seeds (which carry neither) would lose, or ''."""
    edits = _count(conn, "SELECT COUNT(*) FROM edits")
    proposals = _count(conn, "SELECT COUNT(*) FROM proposed_quotes WHERE status = 'proposed'")
    parts = [f"{edits} edit{'s' if edits != 1 else ''}" if edits else "",
             f"{proposals} pending proposed quote{'s' if proposals != 1 else ''}" if proposals else ""]
    return " and ".join(p for p in parts if p)


def _open_past_the_schema_check(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a techstance database of an older schema (open_database refuses
    it), to read its meta and edits; None when that fails."""
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None


def refresh_default_database(path: Path, seed_dir: Path, *, owned_location: bool | None = None) -> str | None:
    """Build the default database if it is missing; rebuild it if it was built from the bundled
    seeds (`seed_dir`) and they have changed since.

    Returns a line for the user when something was done or deliberately not done. Never replaced:
    a database built from other seeds (meta `seeds_origin` = other: `techstance build --seeds`,
    the benchmarks' scale database), one holding the user's own edits or quotes proposed for
    review, a file that is not a techstance database, and one from before `seeds_origin` existed
    unless it sits at the app's own location (`owned_location`; by default: when $TECHSTANCE_DB is not set).
    """
    from techstance.db.curation.build import ORIGIN_KEY, ORIGIN_OTHER, build_database  # paid only when building
    from techstance.db.curation.seeds import seeds_digest

    if owned_location is None:
        owned_location = not os.environ.get(DB_ENV)
    digest = seeds_digest(seed_dir)
    if path.exists():
        try:
            conn: sqlite3.Connection | None = open_database(path)
            older = False
        except OlderSchemaError:
            conn, older = _open_past_the_schema_check(path), True
        except DatabaseOpenError:
            return None  # reported when the app opens it
        if conn is None:
            return None
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            unsaved = _unsaved_work(conn)
        except sqlite3.Error:
            return None  # reported when the app opens it
        finally:
            conn.close()
        if not older and meta.get("seeds_sha256") == digest:
            return None  # up to date
        origin = meta.get(ORIGIN_KEY)
        if origin == ORIGIN_OTHER:
            return None  # someone's own data: an older schema is reported when the app opens it
        if origin is None and not owned_location:
            return (f"note: {path} was built by an earlier techstance, perhaps from other seeds, "
                    f"so it was not rebuilt from the bundled ones; `techstance build --db {path}` does")
        if unsaved:
            return (f"note: {path} holds your edits ({unsaved}), so it was not rebuilt from the newer "
                    "bundled seeds")
    report = build_database(seed_dir, path, bundled=True)
    return f"{report.summary()}"
