"""Notice when another process changes or replaces the database, without a busy loop.

`PRAGMA data_version` changes when any other connection commits; a new inode means the file
was replaced (as `techstance build` does with its atomic rename), so the connection is reopened.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from techstance.db.store.connection import DatabaseOpenError, open_database

if TYPE_CHECKING:
    from techstance.db.store.reads import Store


def file_identity(path: Path) -> tuple[int, int]:
    """(device, inode): changes when the file is replaced, not when it is written to."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DatabaseOpenError(f"{path}: the database file has gone") from None
    return st.st_dev, st.st_ino


class DatabaseWatcher:
    """Poll from a worker thread: a poll may wait on a writer's lock."""

    def __init__(self, path: Path, conn: sqlite3.Connection,
                 connect: Callable[[], sqlite3.Connection] | None = None) -> None:
        """`connect` opens the file again after a replacement (default: a plain read-only
        open_database); the kiosk passes its own, with its stricter settings."""
        self.path = Path(path)
        self.conn = conn
        self.connect = connect or (lambda: open_database(self.path))
        self.identity = file_identity(self.path)
        self.version = self._data_version()

    def _data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def poll(self) -> str:
        """'same', 'changed' (new commits) or 'reopened' (a new file: use self.conn now).

        Raises DatabaseOpenError or sqlite3.Error when the database cannot be read now;
        the caller keeps showing the last good data and polls again.
        """
        identity = file_identity(self.path)
        if identity != self.identity:
            conn = self.connect()
            old, self.conn, self.identity = self.conn, conn, identity
            old.close()  # else every rebuild would keep a descriptor (and the deleted file) open
            self.version = self._data_version()
            return "reopened"
        # A cheap read proves the file is still readable (a lock or damage shows here).
        self.conn.execute("SELECT count(*) FROM meta").fetchone()
        version = self._data_version()
        if version != self.version:
            self.version = version
            return "changed"
        return "same"

    def follow(self, store: Store) -> str:
        """poll(), and when the file was replaced switch `store` over to it too. If opening it
        for the store fails, the next poll tries the switch again (and the error is raised)."""
        result = self.poll()
        if result == "reopened":
            try:
                store.replace_connection(self.connect())
            except (DatabaseOpenError, sqlite3.Error):
                self.identity = (-1, -1)
                raise
        return result
