"""The database schema: a public contract, read by the app, the sqlite-utils CLI and Datasette.

Bump SCHEMA_VERSION on any change a reader could notice, and say in docs/data-model.md what
changed: `PRAGMA user_version` is how every reader tells whether it understands a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from techstance.db.store.constraints import guard_statements, with_checks
from techstance.db.store.positions import current_decisions_sql

if TYPE_CHECKING:  # readers import this module for its constants; only the build needs sqlite-utils
    from sqlite_utils import Database

# The file's identity (version, application id, tables) lives apart: every start reads it, and
# this module's constraints import the record models (pydantic, ~100 ms); only a build needs them.
from techstance.db.store.identity import APPLICATION_ID as APPLICATION_ID  # noqa: E402
from techstance.db.store.identity import OLDEST_UPGRADABLE as OLDEST_UPGRADABLE  # noqa: E402
from techstance.db.store.identity import SCHEMA_VERSION as SCHEMA_VERSION  # noqa: E402
from techstance.db.store.identity import TABLES as TABLES  # noqa: E402

# Full-text search, the sqlite-utils way (`<table>_fts`, kept in sync by triggers), so that
# `sqlite-utils search DB quotes WORD` works as well as the app's own search.
FTS_COLUMNS: dict[str, list[str]] = {
    "quotes": ["text"],
    "sources": ["title", "text"],
    "decisions": ["summary", "conditions"],
    "actors": ["name", "role", "affiliation"],
}

CURRENT_POSITIONS_SQL = "CREATE VIEW current_positions AS\n" + current_decisions_sql(
    "d.topic, d.country, d.stance, d.status, d.date, d.id AS decision",
    outer="topic, country, stance, status, date, decision",
)


def _create(db: Database, table: str, columns: dict[str, Any], **options: Any) -> None:
    """A table as sqlite-utils lays it out, with the CHECK constraints it cannot add (constraints.py)."""
    db.execute(with_checks(db.create_table_sql(table, columns, **options), table))


def create_tables(db: Database) -> None:
    _create(db, "topics",
        {"id": str, "title": str, "description": str},
        pk="id", not_null={"title", "description"}, strict=True,
    )
    _create(db, "countries",
        {"code": str, "name": str, "region": str, "tile_row": int, "tile_col": int},
        pk="code", not_null={"name", "region", "tile_row", "tile_col"}, strict=True,
    )
    _create(db, "sources",
        {
            "id": str, "outlet": str, "title": str, "published": str, "date_precision": str,
            "date_inferred": int, "seed_file": str, "text": str, "sha256": str, "notes": str, "quality": str,
        },
        pk="id", not_null={"date_precision", "date_inferred", "quality", "text", "sha256", "notes"},
        # Defaults, so that writers which predate a column (the importer, old scripts) still insert.
        defaults={"quality": "original"},
        strict=True,
    )
    _create(db, "actors",
        {"id": str, "name": str, "kind": str, "role": str, "affiliation": str, "country": str},
        pk="id", not_null={"name", "kind"}, foreign_keys=[("country", "countries", "code")],
        strict=True,
    )
    _create(db, "decisions",
        {
            "id": str, "topic": str, "country": str, "stance": str, "status": str, "date": str,
            "date_precision": str, "date_inferred": int, "summary": str, "conditions": str, "kind": str,
            "specifics": str,
        },
        pk="id",
        not_null={"topic", "country", "kind", "stance", "status", "date_precision", "date_inferred",
                  "summary", "conditions", "specifics"},
        defaults={"kind": "decision", "specifics": "{}"},
        foreign_keys=[("topic", "topics", "id"), ("country", "countries", "code")],
        strict=True,
    )
    _create(db, "quotes",
        {
            "id": str, "topic": str, "actor": str, "country": str, "text": str, "said_on": str,
            "said_on_precision": str, "source": str, "start": int, "end": int, "attribution": str,
        },
        pk="id",
        not_null={"topic", "actor", "text", "said_on_precision", "source", "start", "end", "attribution"},
        defaults={"attribution": ""},
        foreign_keys=[("topic", "topics", "id"), ("actor", "actors", "id"),
                      ("country", "countries", "code"), ("source", "sources", "id")],
        strict=True,
    )
    _create(db, "evidence",
        {
            "id": str, "claim_table": str, "claim_id": str, "claim_field": str, "source": str,
            "start": int, "end": int, "excerpt": str, "role": str, "date_rule": str,
        },
        pk="id",
        not_null={"claim_table", "claim_id", "claim_field", "source", "start", "end",
                  "excerpt", "role"},
        foreign_keys=[("source", "sources", "id")],
        strict=True,
    )
    _create(db, "meta", {"key": str, "value": str}, pk="key", not_null={"value"}, strict=True)
    # The audit log of every change made after the build: what, when, the row before and after.
    _create(db, "edits",
        {"id": int, "at": str, "action": str, "record_table": str, "record_id": str, "before": str,
         "after": str, "note": str},
        pk="id", not_null={"at", "action", "record_table", "record_id"}, strict=True,
    )
    # Quotations found in imported articles, waiting for review; accepting one makes a quote. With each,
    # the evidence of its attribution: the cue's span in the source, the finder's confidence (0..1, the
    # review order) and why it chose the speaker ("named after the quote", "he -> the last person speaking").
    _create(db, "proposed_quotes",
        {"id": str, "source": str, "topic": str, "start": int, "end": int, "text": str, "speaker": str,
         "speaker_start": int, "speaker_end": int, "cue": str, "status": str, "quote": str,
         "cue_start": int, "cue_end": int, "confidence": float, "reason": str},
        pk="id", not_null={"source", "start", "end", "text", "status"},
        foreign_keys=[("source", "sources", "id")], strict=True,
    )

    # New columns go last: positional INSERTs written against an older schema then fail loudly.
    db.table("decisions").create_index(["topic", "country", "date"])
    db.table("quotes").create_index(["topic", "country", "id"])
    db.table("quotes").create_index(["actor"])
    db.table("quotes").create_index(["source"])
    db.table("evidence").create_index(["claim_table", "claim_id"])
    db.table("evidence").create_index(["source", "start"])
    # Disputes are rare: this finds them without reading every piece of evidence.
    db.table("evidence").create_index(["role", "claim_table", "claim_id"])
    db.table("actors").create_index(["country"])
    db.table("proposed_quotes").create_index(["source", "status", "start"])
    db.table("proposed_quotes").create_index(["status", "confidence"])
    db.table("edits").create_index(["record_table", "record_id"])
    for statement in guard_statements():
        db.execute(statement)


# Prefix indexes for 1 to 3 letters: without them a one- or two-letter prefix merges the
# document lists of every matching word (120 ms over 50,000 sources; 0.3 ms with them).
FTS_PREFIXES = "1 2 3"


def _identifier(name: str) -> str:
    return f"[{name}]"


def enable_search(db: Database, table: str, columns: list[str]) -> None:
    """FTS5 laid out exactly as sqlite-utils' enable_fts(create_triggers=True) does (so
    `sqlite-utils search` finds it), plus the prefix indexes, which enable_fts cannot add."""
    fts = _identifier(f"{table}_fts")
    cols = ", ".join(_identifier(c) for c in columns)
    db.executescript(
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 (\n    {cols},\n    tokenize='porter',\n"
        f"    prefix='{FTS_PREFIXES}',\n    content={_identifier(table)}\n)"
    )
    db.table(table).populate_fts(columns)
    old = ", ".join(f"old.{_identifier(c)}" for c in columns)
    new = ", ".join(f"new.{_identifier(c)}" for c in columns)
    t = _identifier(table)
    db.executescript(f"""
        CREATE TRIGGER {_identifier(table + "_ai")} AFTER INSERT ON {t} BEGIN
          INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});
        END;
        CREATE TRIGGER {_identifier(table + "_ad")} AFTER DELETE ON {t} BEGIN
          INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES('delete', old.rowid, {old});
        END;
        CREATE TRIGGER {_identifier(table + "_au")} AFTER UPDATE ON {t} BEGIN
          INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES('delete', old.rowid, {old});
          INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});
        END;
    """)


def create_search_and_views(db: Database) -> None:
    """Run after the rows are in: the search index is filled in one pass."""
    for table, columns in FTS_COLUMNS.items():
        enable_search(db, table, columns)
    db.execute(CURRENT_POSITIONS_SQL)
