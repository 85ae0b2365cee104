"""What a database file must say to be read as ours: schema version, application id, tables.

Apart from db/store/schema.py so that opening a file (every start of the app) does not import the
schema's constraints and, through them, the record models and pydantic.
"""

from __future__ import annotations

# 2: edits and proposed_quotes tables; 3: kinds, source quality, year dates, support;
# 4: CHECK constraints and guard triggers on every closed vocabulary and shape (`techstance upgrade`)
SCHEMA_VERSION = 4
OLDEST_UPGRADABLE = 2  # `techstance upgrade` keeps every row of a file this old or newer; older ones are rebuilt
# `PRAGMA application_id` marks a file as ours, so another application's SQLite file is
# recognised as "not a techstance database" rather than misread. "TSTC" in ASCII.
APPLICATION_ID = 0x54535443

TABLES = ("topics", "countries", "sources", "actors", "decisions", "quotes", "evidence", "meta", "edits",
          "proposed_quotes")
