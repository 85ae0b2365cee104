"""The schema defends itself: a bad value written with sqlite-utils (as a Datasette or CLI user
would) is refused by SQLite, naming the column and its rule; good values are still accepted."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from techstance.db.store.records import TILE_LIMIT

GOOD_PROPOSAL = {"id": "p-1", "source": "bbc-2020-01-28", "topic": "huawei-5g", "start": 0, "end": 3,
                 "text": "", "status": "proposed", "confidence": 0.5}


@pytest.fixture
def db(seed_db: Path, tmp_path: Path) -> Database:
    path = tmp_path / "copy.db"
    shutil.copy(seed_db, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn)


def _first(db: Database, table: str, where: str = "1") -> Any:
    key = "code" if table == "countries" else "id"
    return db.execute(f"SELECT [{key}] FROM [{table}] WHERE {where} ORDER BY 1 LIMIT 1").fetchone()[0]


def _add_proposal(db: Database, **changes: object) -> None:
    source = _first(db, "sources")
    text = db.execute("SELECT substr(text, 1, 3) FROM sources WHERE id = ?", (source,)).fetchone()[0]
    db["proposed_quotes"].insert({**GOOD_PROPOSAL, "source": source, "text": text, **changes})


# (table, which row, column, bad value, words the refusal names)
BAD_UPDATES: list[tuple[str, str, str, object, str]] = [
    ("decisions", "1", "stance", "maybe", "decisions.stance: one of ban, restrict, allow, undecided"),
    ("decisions", "1", "stance", 5, "decisions.stance"),
    ("decisions", "1", "stance", "", "decisions.stance"),
    ("decisions", "1", "status", "rumoured", "decisions.status: one of enacted"),
    ("decisions", "1", "kind", "opinion", "decisions.kind: one of decision, related, view"),
    ("decisions", "1", "date_precision", "week", "decisions.date_precision"),
    ("decisions", "date_precision = 'day'", "date", "2020-02-30", "decisions.date: a real date"),
    ("decisions", "date_precision = 'day'", "date", "2020-1-5", "decisions.date"),
    ("decisions", "date_precision = 'day'", "date", "2020", "decisions.date"),
    ("decisions", "date_precision = 'unknown'", "date", "2020-01-01", "decisions.date"),
    ("decisions", "date_precision = 'day'", "date", None, "decisions.date"),
    ("decisions", "1", "date_inferred", 2, "decisions.date_inferred: 0 or 1"),
    ("decisions", "1", "summary", "", "decisions.summary: non-empty text"),
    ("decisions", "1", "conditions", "not json", "decisions.conditions: a JSON array"),
    ("decisions", "1", "conditions", '{"a": 1}', "decisions.conditions: a JSON array"),
    ("decisions", "1", "conditions", "[1]", "decisions.conditions: a JSON array of non-empty strings"),
    ("decisions", "1", "conditions", '["fine", null]', "decisions.conditions: a JSON array of non-empty strings"),
    ("decisions", "1", "conditions", '[""]', "decisions.conditions: a JSON array of non-empty strings"),
    ("decisions", "1", "specifics", "[]", "decisions.specifics: a JSON object"),
    ("sources", "1", "quality", "rumour", "sources.quality: one of original, relayed, paraphrase, opinion"),
    ("sources", "date_precision = 'day'", "published", "2020-13-01", "sources.published"),
    ("sources", "1", "date_precision", "hour", "sources.date_precision"),
    ("sources", "1", "sha256", "xyz", "sources.sha256"),
    ("sources", "1", "text", "short", "sources.text: long enough for every span"),
    ("actors", "1", "kind", "alien", "actors.kind: one of person, body, company, anonymous, document"),
    ("actors", "1", "name", "", "actors.name: non-empty text"),
    ("countries", "1", "tile_row", TILE_LIMIT + 1, f"countries.tile_row: a whole number from 0 to {TILE_LIMIT}"),
    ("countries", "1", "tile_row", -1, "countries.tile_row"),
    ("countries", "1", "tile_col", 10**9, "countries.tile_col"),
    ("countries", "1", "name", "", "countries.name"),
    ("quotes", "1", "start", -1, "quotes.start: a whole number, at least 0"),
    ("quotes", "1", "end", 0, "quotes.end: a whole number greater than start"),
    ("quotes", "1", "end", 10**7, "quotes.end: within the length of its source's text"),
    ("quotes", "1", "said_on_precision", "hour", "quotes.said_on_precision"),
    ("quotes", "1", "text", "", "quotes.text"),
    ("evidence", "1", "role", "refutes", "evidence.role: one of supports, disputes"),
    ("evidence", "claim_table = 'decisions'", "claim_field", "condition:x", "evidence.claim_field"),
    ("evidence", "claim_table = 'decisions'", "claim_field", "quote", "evidence.claim_field"),
    ("evidence", "claim_table = 'quotes'", "claim_field", "condition:0", "evidence.claim_field"),
    ("evidence", "1", "claim_table", "actors", "evidence.claim_table"),
    ("evidence", "1", "date_rule", "guess", "evidence.date_rule"),
    ("evidence", "1", "end", 10**7, "evidence.end: within the length of its source's text"),
    ("evidence", "1", "excerpt", "", "evidence.excerpt"),
]


@pytest.mark.parametrize(("table", "where", "col", "value", "named"), BAD_UPDATES,
                         ids=[f"{t}.{c}={v!r}" for t, _, c, v, _ in BAD_UPDATES])
def test_a_bad_value_written_with_sqlite_utils_is_refused(db: Database, table: str, where: str, col: str,
                                                          value: object, named: str) -> None:
    key = _first(db, table, where)
    before = db[table].get(key)
    with pytest.raises(sqlite3.IntegrityError) as err:
        db[table].update(key, {col: value})
    assert named in str(err.value)
    assert db[table].get(key) == before


BAD_PROPOSALS: list[tuple[dict[str, object], str]] = [
    ({"status": "maybe"}, "proposed_quotes.status: one of proposed, accepted, rejected"),
    ({"confidence": 1.5}, "proposed_quotes.confidence"),
    ({"start": -1}, "proposed_quotes.start"),
    ({"end": 0}, "proposed_quotes.end"),
    ({"speaker_start": 5}, "proposed_quotes.speaker_end"),
    ({"cue_start": 4, "cue_end": 2}, "proposed_quotes.cue_end"),
    ({"status": "accepted"}, "proposed_quotes.quote"),
    ({"quote": "some-quote"}, "proposed_quotes.quote"),
    ({"id": ""}, "proposed_quotes.id"),
]


@pytest.mark.parametrize(("changes", "named"), BAD_PROPOSALS, ids=[str(c) for c, _ in BAD_PROPOSALS])
def test_a_bad_proposal_is_refused(db: Database, changes: dict[str, object], named: str) -> None:
    with pytest.raises(sqlite3.IntegrityError) as err:
        _add_proposal(db, **changes)
    assert named in str(err.value)
    assert db["proposed_quotes"].count == 0


@pytest.mark.parametrize(("table", "row", "named"), [
    ("topics", {"id": "", "title": "T", "description": ""}, "topics.id: non-empty text"),
    ("countries", {"code": "gbr", "name": "X", "region": "Europe", "tile_row": 0, "tile_col": 0}, "countries.code"),
    ("meta", {"key": "", "value": "x"}, "meta.key"),
    ("edits", {"at": "2020-01-01T00:00:00", "action": "update", "record_table": "quotes", "record_id": "q",
               "before": "{not json"}, "edits.before: JSON text"),
    ("edits", {"at": "2020-01-01T00:00:00", "action": "", "record_table": "quotes", "record_id": "q"},
     "edits.action"),
])
def test_a_bad_new_row_is_refused(db: Database, table: str, row: dict[str, object], named: str) -> None:
    count = db[table].count
    with pytest.raises(sqlite3.IntegrityError) as err:
        db[table].insert(row)
    assert named in str(err.value)
    assert db[table].count == count


def test_a_stance_that_is_a_blob_is_refused(db: Database) -> None:
    key = _first(db, "decisions")
    with pytest.raises(sqlite3.IntegrityError):
        db["decisions"].update(key, {"stance": b"ban"})


GOOD_UPDATES: list[tuple[str, str, dict[str, object]]] = [
    ("decisions", "1", {"stance": "allow", "status": "reported", "kind": "view"}),
    ("decisions", "1", {"date": "2020", "date_precision": "year"}),
    ("decisions", "1", {"date": "2020-02", "date_precision": "month"}),
    ("decisions", "1", {"date": "2020-02-29", "date_precision": "day"}),
    ("decisions", "1", {"date": None, "date_precision": "unknown", "date_inferred": 0}),
    ("decisions", "1", {"conditions": '["excluded from the core", "at most 35%"]', "specifics": '{"decision": ["x"]}'}),
    ("decisions", "1", {"conditions": "[]"}),
    ("countries", "1", {"tile_row": TILE_LIMIT, "tile_col": 0}),
    ("sources", "1", {"quality": "opinion"}),
    ("evidence", "1", {"date_rule": "recent"}),
    ("evidence", "claim_table = 'decisions'", {"claim_field": "condition:12"}),
    ("actors", "1", {"kind": "anonymous"}),
]


@pytest.mark.parametrize(("table", "where", "changes"), GOOD_UPDATES, ids=[str(c) for _, _, c in GOOD_UPDATES])
def test_good_values_are_still_accepted(db: Database, table: str, where: str, changes: dict[str, object]) -> None:
    key = _first(db, table, where)
    db[table].update(key, changes)
    row = db[table].get(key)
    assert {k: row[k] for k in changes} == changes


def test_a_good_proposal_is_accepted(db: Database) -> None:
    _add_proposal(db)
    _add_proposal(db, id="p-2", status="accepted", quote="liu-risks-incite-fear", speaker_start=4, speaker_end=9,
                  cue_start=None, cue_end=None, confidence=1)
    assert db["proposed_quotes"].count == 2


def test_with_checks_off_a_writer_bypasses_every_check_and_guard(db: Database) -> None:
    """What another tool can still do: the read boundary, not the schema, must survive this."""
    key = _first(db, "decisions")
    db.execute("PRAGMA ignore_check_constraints = ON")
    db["decisions"].update(key, {"stance": "maybe", "conditions": "[1]"})
    db["quotes"].update(_first(db, "quotes"), {"end": 10**7})
    assert db["decisions"].get(key)["stance"] == "maybe"
    db.execute("PRAGMA ignore_check_constraints = OFF")
    with pytest.raises(sqlite3.IntegrityError):
        db["decisions"].update(key, {"stance": "perhaps"})


def test_the_seeded_build_holds_every_rule(seed_db: Path) -> None:
    from techstance.db.curation.upgrade import schema_problems

    conn = sqlite3.connect(f"{seed_db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert schema_problems(conn) == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    finally:
        conn.close()


def test_a_span_in_an_article_holding_a_nul_character_is_accepted_up_to_its_end(db: Database) -> None:
    """SQLite's length() stops at NUL; the guard must not refuse a span that Python counts as inside."""
    text = "before\x00after, and more"
    db["sources"].insert({"id": "nul", "date_precision": "unknown", "date_inferred": 0, "text": text,
                          "sha256": "0" * 64, "notes": ""})
    actor, topic = _first(db, "actors"), _first(db, "topics")
    db["quotes"].insert({"id": "nul-quote", "topic": topic, "actor": actor, "text": "more",
                         "said_on_precision": "unknown", "source": "nul", "start": len(text) - 4, "end": len(text)})
    with pytest.raises(sqlite3.IntegrityError, match="quotes.end: within the length"):
        db["quotes"].update("nul-quote", {"end": len(text.encode()) + 1})


def test_every_rule_is_listed_in_the_data_model() -> None:
    """docs/data-model.md lists the constraints; a rule added or reworded in code must be listed too."""
    from techstance.db.store.constraints import CHECKS, GUARDS

    text = (Path(__file__).resolve().parents[3] / "docs" / "data-model.md").read_text(encoding="utf-8")
    rules = [*(r for rules in CHECKS.values() for r in rules), *GUARDS]
    missing = [r.name for r in rules if f"`{r.column}`: {r.requires}" not in text]
    assert missing == []
