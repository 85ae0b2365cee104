"""Databases of schema 3 (and 2), as the techstances before the CHECK constraints wrote them.

`fixtures/schema_v3.sql` is that version's schema, dumped from a build of it (FTS5 shadow tables
left out); `schema_v2.sql` likewise, from a build by the commit before schema 3. The rows are
copied from a current build that carries work done through today's code (an imported article, a
proposal accepted, one rejected, a quote corrected), so the upgrade is tested on edits and
proposals as well as on the seeded records.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from techstance.db.curation.build import build_database
from techstance.db.curation.importer import import_article
from techstance.db.store.edits import accept_proposal, correct_quote, open_for_editing, open_proposals, reject_proposal
from techstance.db.store.schema import APPLICATION_ID, TABLES

from tests.conftest import SEEDS

FIXTURES = Path(__file__).parent / "fixtures"

ARTICLE = ('The minister said: "We will not allow this company anywhere near our networks," on Monday.\n'
           '"It is a risk we cannot take," she added.\n')


def worked_database(folder: Path) -> Path:
    """A current database with every kind of work in it: an import, an acceptance, a rejection, a correction."""
    db = folder / "worked.db"
    build_database(SEEDS, db)
    article = folder / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    conn = open_for_editing(db)
    try:
        import_article(conn, article, topic="huawei-5g")
        first, second = (p.id for p in open_proposals(conn))
        accept_proposal(conn, first, quote_id="minister-not-anywhere-near", actor="dominic-raab", country="GB")
        reject_proposal(conn, second, note="not about 5G")
        correct_quote(conn, "liu-risks-incite-fear", {"actor": "victor-zhang"}, note="wrong speaker")
    finally:
        conn.close()
    return db


def make_v3(path: Path, rows_from: Path, version: int = 3) -> Path:
    """A file of schema `version` at `path` holding every row of the current database `rows_from`
    (in the columns that version has)."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("ATTACH DATABASE ? AS current", (str(rows_from),))
        with conn:
            for table in TABLES:
                old = [r[1] for r in conn.execute(f"PRAGMA main.table_info([{table}])")]
                now = {r[1] for r in conn.execute(f"PRAGMA current.table_info([{table}])")}
                cols = ", ".join(f'"{c}"' for c in old if c in now)
                conn.execute(f"INSERT INTO main.[{table}] ({cols}) SELECT {cols} FROM current.[{table}]")
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.execute("DETACH DATABASE current")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return path


def columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {table: [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")] for table in TABLES}
    finally:
        conn.close()


def table_rows(path: Path, only: dict[str, list[str]] | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of ours, in key order, for comparing two files (`only`: those columns)."""
    chosen = only or columns(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found: dict[str, list[tuple[object, ...]]] = {}
        for table in TABLES:
            cols = chosen[table]
            if not cols:
                continue
            listed = ", ".join(f'"{c}"' for c in cols)
            found[table] = conn.execute(f"SELECT {listed} FROM [{table}] ORDER BY 1").fetchall()
        return found
    finally:
        conn.close()
