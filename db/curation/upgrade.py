"""`techstance upgrade`: a database of an older schema made current, every row and edit kept.

Nothing is changed in place. The rows are first checked against the current schema's rules
(store/constraints.py) on the old file, read-only; a row that breaks one is named (table, id,
field, value, rule) and nothing is written. Otherwise a new database is written beside the old
one under a temporary name, its row counts compared with the old file's, the old file copied to
`NAME.v<old version>.bak`, and the new one renamed over it: at every moment the path holds either
the old database or the complete new one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database
from techstance.db.store.constraints import CHECKS, GUARDS, column, rule_named
from techstance.db.store.schema import (
    APPLICATION_ID,
    OLDEST_UPGRADABLE,
    SCHEMA_VERSION,
    TABLES,
    create_search_and_views,
    create_tables,
)


class UpgradeError(Exception):
    """The database was not upgraded; the file is as it was. `problems` names each row that cannot be kept."""

    def __init__(self, message: str, problems: tuple[RowProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class RowProblem:
    """A row the current schema refuses: which one, which field, what it holds, and the rule."""

    table: str
    row_id: object
    field: str
    value: object
    rule: str

    def __str__(self) -> str:
        shown = repr(self.value)
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        return f"{self.table} {self.row_id!r}: field '{self.field}' holds {shown}: must be {self.rule}"


@dataclass(frozen=True)
class UpgradeReport:
    path: Path
    from_version: int
    rows: dict[str, int] = field(default_factory=dict)
    backup: Path | None = None  # None: it was already current, nothing was done

    def summary(self) -> str:
        if self.backup is None:
            return f"{self.path} is already schema {SCHEMA_VERSION}; nothing to upgrade"
        kept = ", ".join(f"{table}: {n}" for table, n in self.rows.items() if n)  # "1 topics" read wrong
        return (f"upgraded {self.path} from schema {self.from_version} to {SCHEMA_VERSION}, every row kept "
                f"({kept}); the original is kept as {self.backup}")


def _uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _columns(conn: sqlite3.Connection, table: str, schema: str = "main") -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({column(table)})")]


def _key(conn: sqlite3.Connection, table: str, schema: str = "main") -> str:
    keys = [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({column(table)})") if row[5]]
    return keys[0] if keys else "rowid"


def _open_old(path: Path) -> tuple[sqlite3.Connection, int]:
    if not path.exists():
        raise UpgradeError(f"{path}: no such database")
    if not path.is_file():
        raise UpgradeError(f"{path}: not a database file")
    with open(path, "rb") as handle:
        header = handle.read(20)
    if len(header) == 20 and header[18] == 2:
        # Its latest changes may sit in NAME-wal, which neither the backup copy nor the rename would
        # carry, and a log left beside the new file must never be replayed onto it.
        raise UpgradeError(f"{path}: in write-ahead-log mode; switch it back first with "
                           f"`sqlite-utils disable-wal {path}`, then run upgrade again")
    try:
        conn = sqlite3.connect(_uri(path), uri=True, timeout=5)
        app_id, version = (conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version"))
    except sqlite3.Error as err:
        raise UpgradeError(f"{path}: cannot read it as a database: {err}") from None
    if app_id != APPLICATION_ID:
        conn.close()
        raise UpgradeError(f"{path}: not a techstance database")
    if version > SCHEMA_VERSION:
        conn.close()
        raise UpgradeError(f"{path}: made by a newer techstance (schema {version}; this version knows up to "
                           f"{SCHEMA_VERSION}): upgrade techstance instead")
    if version < OLDEST_UPGRADABLE:
        conn.close()
        raise UpgradeError(f"{path}: schema {version} is older than upgrade knows (it has no edits to keep): "
                           f"rebuild it with `techstance build --db {path}`")
    return conn, version


def _broken_rules(conn: sqlite3.Connection, tables: set[str]) -> Iterator[RowProblem]:
    """Every row of the old file that a rule of the current schema refuses, checked where it lies."""
    for table, rules in CHECKS.items():
        if table not in tables:
            continue
        key, present = _key(conn, table), set(_columns(conn, table))
        for rule in rules:
            # A column this old schema lacks is filled by the current one's default. Its rule must not
            # run: SQLite would read its double-quoted name as a string.
            if rule.column not in present:
                continue
            query = (f"SELECT {column(key)}, {column(rule.column)} FROM {column(table)} "
                     f"WHERE NOT ({rule.sql}) ORDER BY {column(key)}")
            for row_id, value in conn.execute(query).fetchall():
                yield RowProblem(table, row_id, rule.column, value, rule.requires)
    for guard in GUARDS:
        if guard.table not in tables:
            continue
        key = _key(conn, guard.table)
        if guard.column not in _columns(conn, guard.table):
            continue
        query = (f"SELECT NEW.{column(key)}, NEW.{column(guard.column)} FROM {column(guard.table)} AS NEW "
                 f"WHERE {guard.refuses} ORDER BY NEW.{column(key)}")
        for row_id, value in conn.execute(query).fetchall():
            yield RowProblem(guard.table, row_id, guard.column, value, guard.requires)


def _unknown_columns(conn: sqlite3.Connection, tables: set[str]) -> Iterator[RowProblem]:
    """Columns someone added to a table of ours: the new table has no place for their values."""
    with closing(sqlite3.connect(":memory:")) as scratch:
        create_tables(Database(scratch))
        for table in TABLES:
            if table in tables:
                known = set(_columns(scratch, table))
                for name in _columns(conn, table):
                    if name not in known:
                        yield RowProblem(table, "(every row)", name, "(its values)",
                                         "a column of the current schema; export or drop it first")


def schema_problems(conn: sqlite3.Connection) -> list[RowProblem]:
    """Every value of a techstance database that the current schema refuses (the file is only read)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [*_unknown_columns(conn, tables), *_broken_rules(conn, tables)]


def _extra_tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """Tables someone else added to the old file (name, CREATE statement): carried over as they are."""
    ours = set(TABLES)
    rows = conn.execute("SELECT name, sql FROM old.sqlite_master WHERE type = 'table' AND sql IS NOT NULL "
                        "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    virtual = {r[0] for r in rows if r[1].upper().startswith("CREATE VIRTUAL")}
    return [(name, sql) for name, sql in rows
            if name not in ours and name not in virtual and not any(name.startswith(v + "_") for v in virtual)]


def _copy_failure(new: sqlite3.Connection, table: str, columns: str, key: str, err: sqlite3.Error) -> RowProblem:
    """Name the first row of `table` that SQLite refuses, trying each alone (only after a bulk copy failed)."""
    for (row_id,) in new.execute(f"SELECT {column(key)} FROM old.{column(table)} ORDER BY {column(key)}").fetchall():
        new.execute("SAVEPOINT one_row")
        try:
            new.execute(f"INSERT INTO main.{column(table)} ({columns}) SELECT {columns} FROM old.{column(table)} "
                        f"WHERE {column(key)} IS ?", (row_id,))
        except sqlite3.Error as row_err:
            named = rule_named(str(row_err))
            field_name, rule = (named[1], named[2]) if named else ("(row)", str(row_err))
            return RowProblem(table, row_id, field_name, "(see the rule)", rule)
        finally:
            new.execute("ROLLBACK TO one_row")
            new.execute("RELEASE one_row")
    return RowProblem(table, "(unknown)", "(row)", "(unknown)", str(err))


def _write_new(old_path: Path, tmp: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    # Opened by URI, so that the old file is attached by URI too (read-only), whatever SQLite's build default.
    with closing(sqlite3.connect(tmp.resolve().as_uri(), uri=True)) as new:
        new.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        new.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        new.execute("ATTACH DATABASE ? AS old", (_uri(old_path),))
        db = Database(new)
        with new:
            create_tables(db)
            old_tables = {r[0] for r in new.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")}
            for table in TABLES:
                if table not in old_tables:
                    counts[table] = 0
                    continue
                present = set(_columns(new, table, "old"))
                columns = ", ".join(column(c) for c in _columns(new, table) if c in present)
                key = _key(new, table)
                new.execute("SAVEPOINT copy_table")
                try:
                    new.execute(f"INSERT INTO main.{column(table)} ({columns}) "
                                f"SELECT {columns} FROM old.{column(table)} ORDER BY {column(key)}")
                except sqlite3.Error as err:
                    new.execute("ROLLBACK TO copy_table")
                    problem = _copy_failure(new, table, columns, key, err)
                    raise UpgradeError(f"{old_path}: a row cannot be kept; nothing was changed", (problem,)) from None
                new.execute("RELEASE copy_table")
                counts[table] = new.execute(f"SELECT count(*) FROM main.{column(table)}").fetchone()[0]
            for name, sql in _extra_tables(new):
                new.execute(sql)
                new.execute(f"INSERT INTO main.{column(name)} SELECT * FROM old.{column(name)}")
                counts[name] = new.execute(f"SELECT count(*) FROM main.{column(name)}").fetchone()[0]
            new.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            create_search_and_views(db)
            for table, count in counts.items():
                before = new.execute(f"SELECT count(*) FROM old.{column(table)}").fetchone()[0] \
                    if table in old_tables else 0
                if before != count:
                    raise UpgradeError(f"{old_path}: {table} has {before} rows but {count} were copied; "
                                       "nothing was changed")
        new.execute("DETACH DATABASE old")
        check = new.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise UpgradeError(f"{old_path}: the upgraded copy failed its integrity check ({check}); "
                               "nothing was changed")
        new.execute("VACUUM")
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    return counts


def backup_path(path: Path, version: int) -> Path:
    """`NAME.v3.bak` beside the database; `NAME.v3.2.bak` ... when an earlier one is there."""
    candidate, n = path.with_name(f"{path.name}.v{version}.bak"), 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.v{version}.{n}.bak")
    return candidate


def upgrade_database(path: Path) -> UpgradeReport:
    """Upgrade the techstance database at `path` to the current schema, or raise UpgradeError
    (one line, and each row that cannot be kept in `problems`) leaving the file as it was."""
    path = Path(path)
    conn, version = _open_old(path)
    try:
        if version == SCHEMA_VERSION:
            return UpgradeReport(path, version)
        before = _digest(path)
        problems = schema_problems(conn)
    except sqlite3.Error as err:
        raise UpgradeError(f"{path}: cannot read it: {err}") from None
    finally:
        conn.close()
    if problems:
        count = len(problems)
        raise UpgradeError(f"{path}: {count} value{'s' if count != 1 else ''} the current schema refuses; "
                           "nothing was changed (correct them, e.g. with sqlite-utils, and run upgrade again)",
                           tuple(problems))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".upgrading", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise UpgradeError(f"cannot write in {path.parent}: {err.strerror or err}") from None
    tmp = Path(name)
    try:
        shutil.copymode(path, tmp)
        counts = _write_new(path, tmp)
        if _digest(path) != before:
            raise UpgradeError(f"{path} was changed by another program during the upgrade; nothing was "
                               "changed: run upgrade again")
        backup = backup_path(path, version)
        shutil.copy2(path, backup)
        os.replace(tmp, path)
    except OSError as err:
        raise UpgradeError(f"cannot upgrade {path}: {err.strerror or err}; nothing was changed") from None
    except sqlite3.Error as err:
        raise UpgradeError(f"cannot upgrade {path}: {err}; nothing was changed") from None
    finally:
        tmp.unlink(missing_ok=True)
    return UpgradeReport(path, version, counts, backup)
