"""Open an existing techstance database, refusing anything else with one clear line.

`sqlite3.connect(path)` and `sqlite_utils.Database(path)` create an empty file when none
exists; here a database is only ever opened through a URI with mode=ro or mode=rw, which
never creates one, and is checked to be ours and of a schema version we understand.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from techstance.db.store.identity import APPLICATION_ID, OLDEST_UPGRADABLE, SCHEMA_VERSION, TABLES


class DatabaseOpenError(Exception):
    """The file cannot be used as a techstance database; the message is one line."""


class OlderSchemaError(DatabaseOpenError):
    """A techstance database written by an older version: `techstance upgrade` fixes this."""


class DatabaseLockedError(DatabaseOpenError):
    """Another program holds the file's lock, so it could not be checked yet: it may be fine."""


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


BUSY_TIMEOUT_S = 5.0  # how long a read or write waits for another program's lock


def open_database(path: Path, *, readonly: bool = True, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    """Return a connection to the techstance database at `path`, checked and ready.

    `busy_timeout`: seconds to wait for another program's write lock before giving up.

    Raises DatabaseOpenError (one line, naming the file) when the file is missing, not
    readable, not SQLite, another application's SQLite file, or of another schema version.
    """
    path = Path(path)
    if not path.exists():
        raise DatabaseOpenError(f"{path}: no such database (create it with `techstance build`)")
    if path.is_dir():
        raise DatabaseOpenError(f"{path}: is a directory, not a database file")
    if not os.access(path, os.R_OK):
        raise DatabaseOpenError(f"{path}: permission denied (cannot read the file)")
    if path.stat().st_size == 0:
        raise DatabaseOpenError(f"{path}: the file is empty, not a techstance database")
    try:
        conn = sqlite3.connect(_uri(path, "ro" if readonly else "rw"), uri=True,
                               check_same_thread=False, timeout=busy_timeout)
    except sqlite3.Error as err:
        raise DatabaseOpenError(f"{path}: cannot open: {err}") from None
    try:
        _check(conn, path)
    except BaseException:
        conn.close()
        raise
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


START_BUSY_S = 0.2  # at start, a lock held longer is waited for on screen, not before it


def open_unless_locked(path: Path) -> sqlite3.Connection | None:
    """open_database, or None while another program holds the lock (an import, say): the caller
    starts without a connection and opens one when the lock goes. Every other refusal raises."""
    try:
        conn = open_database(path, busy_timeout=START_BUSY_S)
    except DatabaseLockedError:
        return None
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")  # later reads wait as any do
    return conn


SQLITE_MAGIC = b"SQLite format 3\x00"


def _header_problem(path: Path) -> str | None:
    """Spot a foreign or truncated file from its 100-byte header, without reading it all."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_MAGIC):
        return "not a SQLite database"
    if len(header) < 100:
        return "damaged database: the file is truncated"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if pages and path.stat().st_size < page_size * pages:
        return "damaged database: the file is truncated"
    return None


def _check(conn: sqlite3.Connection, path: Path) -> None:
    problem = _header_problem(path)
    if problem:
        raise DatabaseOpenError(f"{path}: {problem}")
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as err:
        text = str(err)
        if "not a database" in text or "malformed" in text:
            raise DatabaseOpenError(f"{path}: damaged database: {text}") from None
        if "locked" in text or "busy" in text:
            raise DatabaseLockedError(f"{path}: the database is locked by another program") from None
        raise DatabaseOpenError(f"{path}: cannot read the database: {text}") from None
    if app_id != APPLICATION_ID:
        raise DatabaseOpenError(f"{path}: a SQLite database, but not a techstance database")
    if version > SCHEMA_VERSION:
        raise DatabaseOpenError(
            f"{path}: made by a newer techstance (schema {version}; this version reads "
            f"{SCHEMA_VERSION}): upgrade techstance"
        )
    if version < OLDEST_UPGRADABLE:
        raise OlderSchemaError(
            f"{path}: made by an early techstance (schema {version}; this version reads "
            f"{SCHEMA_VERSION}): rebuild it with `techstance build --db {path}`"
        )
    if version < SCHEMA_VERSION:
        raise OlderSchemaError(
            f"{path}: made by an older techstance (schema {version}; this version reads "
            f"{SCHEMA_VERSION}): upgrade it with `techstance upgrade --db {path}`"
        )
    missing = [name for name in TABLES if name not in names]
    if missing:
        raise DatabaseOpenError(f"{path}: damaged techstance database (missing {missing[0]})")
