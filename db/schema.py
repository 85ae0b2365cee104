"""The database schema: a public contract, read by the app, the sqlite-utils CLI and Datasette.

Bump SCHEMA_VERSION on any change a reader could notice, and say in docs/data-model.md what
changed: `PRAGMA user_version` is how every reader tells whether it understands a file.
"""

from __future__ import annotations

from sqlite_utils import Database

SCHEMA_VERSION = 1
# `PRAGMA application_id` marks a file as ours, so another application's SQLite file is
# recognised as "not a techstance database" rather than misread. "TSTC" in ASCII.
APPLICATION_ID = 0x54535443

TABLES = ("topics", "countries", "sources", "actors", "decisions", "quotes", "evidence", "meta")

# Full-text search, the sqlite-utils way (`<table>_fts`, kept in sync by triggers), so that
# `sqlite-utils search DB quotes WORD` works as well as the app's own search.
FTS_COLUMNS: dict[str, list[str]] = {
    "quotes": ["text"],
    "sources": ["title", "text"],
    "decisions": ["summary", "conditions"],
    "actors": ["name", "role", "affiliation"],
}

# An undated event is placed at the earliest date a supporting source reports it: it had
# happened by then. Ties go to the larger id so the choice is stable.
CURRENT_POSITIONS_SQL = """
CREATE VIEW current_positions AS
WITH ranked AS (
    SELECT d.topic, d.country, d.stance, d.status, d.date, d.id AS decision,
        ROW_NUMBER() OVER (
            PARTITION BY d.topic, d.country
            ORDER BY COALESCE(d.date, (
                SELECT MIN(s.published) FROM evidence e JOIN sources s ON s.id = e.source
                WHERE e.claim_table = 'decisions' AND e.claim_id = d.id AND e.role = 'supports'
            )) DESC, d.id DESC
        ) AS rank
    FROM decisions d
)
SELECT topic, country, stance, status, date, decision FROM ranked WHERE rank = 1
"""


def create_tables(db: Database) -> None:
    db["topics"].create(
        {"id": str, "title": str, "description": str},
        pk="id", not_null={"title", "description"}, strict=True,
    )
    db["countries"].create(
        {"code": str, "name": str, "region": str, "tile_row": int, "tile_col": int},
        pk="code", not_null={"name", "region", "tile_row", "tile_col"}, strict=True,
    )
    db["sources"].create(
        {
            "id": str, "outlet": str, "title": str, "published": str, "date_precision": str,
            "date_inferred": int, "seed_file": str, "text": str, "sha256": str, "notes": str,
        },
        pk="id", not_null={"date_precision", "date_inferred", "text", "sha256", "notes"},
        strict=True,
    )
    db["actors"].create(
        {"id": str, "name": str, "kind": str, "role": str, "affiliation": str, "country": str},
        pk="id", not_null={"name", "kind"}, foreign_keys=[("country", "countries", "code")],
        strict=True,
    )
    db["decisions"].create(
        {
            "id": str, "topic": str, "country": str, "stance": str, "status": str, "date": str,
            "date_precision": str, "date_inferred": int, "summary": str, "conditions": str,
        },
        pk="id",
        not_null={"topic", "country", "stance", "status", "date_precision", "date_inferred",
                  "summary", "conditions"},
        foreign_keys=[("topic", "topics", "id"), ("country", "countries", "code")],
        strict=True,
    )
    db["quotes"].create(
        {
            "id": str, "topic": str, "actor": str, "country": str, "text": str, "said_on": str,
            "said_on_precision": str, "source": str, "start": int, "end": int,
        },
        pk="id",
        not_null={"topic", "actor", "text", "said_on_precision", "source", "start", "end"},
        foreign_keys=[("topic", "topics", "id"), ("actor", "actors", "id"),
                      ("country", "countries", "code"), ("source", "sources", "id")],
        strict=True,
    )
    db["evidence"].create(
        {
            "id": str, "claim_table": str, "claim_id": str, "claim_field": str, "source": str,
            "start": int, "end": int, "excerpt": str, "role": str,
        },
        pk="id",
        not_null={"claim_table", "claim_id", "claim_field", "source", "start", "end",
                  "excerpt", "role"},
        foreign_keys=[("source", "sources", "id")],
        strict=True,
    )
    db["meta"].create({"key": str, "value": str}, pk="key", not_null={"value"}, strict=True)

    db["decisions"].create_index(["topic", "country", "date"])
    db["quotes"].create_index(["topic", "country", "id"])
    db["quotes"].create_index(["actor"])
    db["quotes"].create_index(["source"])
    db["evidence"].create_index(["claim_table", "claim_id"])
    db["evidence"].create_index(["source", "start"])
    db["actors"].create_index(["country"])


def create_search_and_views(db: Database) -> None:
    """Run after the rows are in: enabling FTS indexes the existing rows in one pass."""
    for table, columns in FTS_COLUMNS.items():
        db[table].enable_fts(columns, create_triggers=True, tokenize="porter")
    db.execute(CURRENT_POSITIONS_SQL)
