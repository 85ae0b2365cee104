"""The one door to the database: every read and write a user interface makes goes through here.

Reads run on one thread with the read-only connection (Store), writes on another with a
read-write connection opened on first use; callers get a concurrent Future and never block on
SQLite, so a writer that holds the lock in another program can slow an answer down but never
freeze the screen. Every sqlite3 error leaves as a DataProblem: one human line naming the file.
This module knows nothing of Textual; techstance.tui.data adapts it to screens.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal, TypeVar

from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.db.store.edit_errors import EditError
from techstance.db.store.reads import Store
from techstance.db.store.watch import DatabaseWatcher, file_identity

T = TypeVar("T")

# A save waits this long for another program's write lock, then gives up with a line on the
# form (what was typed stays there): long enough for a normal commit elsewhere, short enough
# that nobody wonders whether the app froze.
WRITE_BUSY_S = 2.0


class DataProblem(Exception):
    """A read or write could not be done; str() is one line for a person, naming the file."""

    def __init__(self, message: str, *, kind: Literal["locked", "gone", "damaged", "refused", "other"] = "other",
                 problems: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        # Field-level problems of a refused edit: (field, message), shown beside the fields.
        self.problems = problems or []


SQLITE_BUSY, SQLITE_LOCKED = 5, 6  # primary result codes


def explain(err: BaseException, path: Path | None, *, writing: bool = False) -> DataProblem:
    """The one place a database error becomes words."""
    where = f"{path}: " if path is not None else ""
    if isinstance(err, DataProblem):
        return err
    if isinstance(err, EditError):
        return DataProblem(str(err), kind="refused", problems=err.problems)
    if isinstance(err, DatabaseOpenError):
        text = str(err)
        kind: Literal["locked", "gone", "damaged", "other"] = "other"
        if "locked" in text:
            kind = "locked"
        elif "gone" in text or "no such database" in text:
            kind = "gone"
        elif "damaged" in text:
            kind = "damaged"
        if writing:
            text += "; nothing was saved"
        return DataProblem(text, kind=kind)
    if isinstance(err, sqlite3.Error):
        text = str(err)
        # The code, not only the text: a search's first use of a full-text index under a lock
        # says "vtable constructor failed: quotes_fts" with SQLITE_BUSY.
        code = (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF
        if "locked" in text or "busy" in text or code in (SQLITE_BUSY, SQLITE_LOCKED):
            after = "; nothing was saved, try again in a moment" if writing else ""
            return DataProblem(f"{where}the database is locked by another program{after}", kind="locked")
        if "readonly" in text or "read-only" in text:
            return DataProblem(f"{where}the database cannot be written here (read-only)", kind="refused")
        if "disk is full" in text or "full" in text:
            return DataProblem(f"{where}the disk is full: nothing was saved", kind="refused")
        if "UNIQUE constraint" in text:
            return DataProblem(f"{where}that id is already taken (saved meanwhile by someone else?)", kind="refused")
        if "malformed" in text or "not a database" in text:
            return DataProblem(f"{where}damaged database: {text}", kind="damaged")
        return DataProblem(f"{where}database error: {text}")
    if isinstance(err, OSError):
        return DataProblem(f"{where}{err.strerror or err}", kind="gone")
    raise err  # a bug, not a data problem: let the app's crash handling see it


class DataService:
    """Owns the connections; hands out Futures. One instance per app."""

    def __init__(self, db_path: Path | None, store: Store | None = None, *,
                 connect: Callable[[], sqlite3.Connection] | None = None,
                 watcher: DatabaseWatcher | None = None, editable: bool = True) -> None:
        """`store`: reads over an open connection (else opened on first read with `connect`);
        `connect`: how to open the file read-only (the kiosk passes its stricter settings);
        `watcher`: one taken before the data on screen was read (the opening view's)."""
        self.path = Path(db_path) if db_path is not None else None
        self._connect = connect or (lambda: open_database(self._need_path()))
        self.store = store
        self.watcher = watcher
        self.editable = editable and self.path is not None
        self._editor: sqlite3.Connection | None = None
        self._editor_identity: tuple[int, int] | None = None
        self._reads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reads")
        self._writes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="writes")
        self._polls = ThreadPoolExecutor(max_workers=1, thread_name_prefix="polls")
        # Search has a lane of its own: a query the user has typed past stops early, and page
        # loads must not queue behind it (nor it behind them).
        self._search = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
        # The lock probe must not queue behind a read that is itself waiting for the lock.
        self._probes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="probes")
        self._closed = threading.Event()

    def _need_path(self) -> Path:
        if self.path is None:
            raise DataProblem("no database file")
        return self.path

    # ----- reads -----
    def _store(self) -> Store:
        # The watcher's baseline is taken before the first read: a file replaced in between then
        # shows as "reopened" at the next poll instead of going unnoticed.
        if self.watcher is None and self.path is not None:
            self.watcher = DatabaseWatcher(self.path, self._connect(), connect=self._connect)
            if self.store is not None:  # opened before the baseline: read the file the watcher watches
                self.store.replace_connection(self._connect())
        if self.store is None:
            self.store = Store(self._connect())
        return self.store

    def _run_read(self, query: Callable[[Store], T]) -> T:
        try:
            return query(self._store())
        except (sqlite3.Error, DatabaseOpenError, OSError, DataProblem) as err:
            raise explain(err, self.path) from None

    def read(self, query: Callable[[Store], T]) -> Future[T]:
        return self._reads.submit(self._run_read, query)

    def search(self, query: Callable[[Store], T]) -> Future[T]:
        return self._search.submit(self._run_read, query)

    def _run_probe(self) -> bool:
        if self.path is None:
            return False
        try:
            open_database(self.path, busy_timeout=0).close()
        except (sqlite3.Error, DatabaseOpenError, OSError) as err:
            return explain(err, self.path).kind == "locked"
        return False

    def locked(self) -> Future[bool]:
        """Whether another program holds the file's lock now, so that reads wait for it; asked
        without waiting, so a slow read can say at once what it is waiting for."""
        return self._probes.submit(self._run_probe)

    # ----- writes -----
    def editor_connection(self) -> sqlite3.Connection:
        """The read-write connection, reopened when the file was replaced (a `techstance build`):
        an edit written to the old, unlinked file would be lost without a word."""
        if not self.editable:
            raise DataProblem("this database cannot be edited here", kind="refused")
        path = self._need_path()
        identity = file_identity(path)
        if self._editor is not None and identity != self._editor_identity:
            self._editor.close()
            self._editor = None
        if self._editor is None:
            from techstance.db.store.edits import open_for_editing  # pydantic: paid at the first save only

            conn = open_for_editing(path, busy_timeout=WRITE_BUSY_S)
            self._editor, self._editor_identity = conn, identity
        return self._editor

    def _run_write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        try:
            conn = self.editor_connection()
            try:
                return action(conn)
            finally:
                if conn.in_transaction:  # an action that forgot its transaction never leaves a lock held
                    conn.rollback()
        except (sqlite3.Error, DatabaseOpenError, EditError, OSError, DataProblem) as err:
            raise explain(err, self.path, writing=True) from None

    def write(self, action: Callable[[sqlite3.Connection], T]) -> Future[T]:
        """Run one user action on the writer thread; the action makes its one transaction
        (techstance.db.store.edits.transaction)."""
        return self._writes.submit(self._run_write, action)

    # ----- another program changed or replaced the file -----
    def _run_poll(self) -> str:
        try:
            if self.watcher is None:
                self._store()
                return "reopened"  # whatever happened meanwhile
            return self.watcher.follow(self._store())
        except (sqlite3.Error, DatabaseOpenError, OSError, DataProblem) as err:
            raise explain(err, self.path) from None

    def poll(self) -> Future[str]:
        """'same', 'changed' or 'reopened'; a DataProblem while the file cannot be read."""
        return self._polls.submit(self._run_poll)

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        for pool in (self._search, self._reads, self._writes, self._polls, self._probes):
            pool.shutdown(wait=False, cancel_futures=True)
