"""The evidence of each attribution reaches the review: stored with the proposal, surest first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from techstance.db.curation.importer import import_article
from techstance.db.store.edits import open_for_editing, open_proposals

ARTICLE = (
    "The regulator published its ruling on Monday.\n\n"
    '"The vendor is excluded from the core network with immediate effect," the regulator\'s chair, '
    "Ada Park, said.\n\n"
    'Asked about the cost, she said operators would be "compensated in part".\n\n'
    "A banner outside the ministry read \"Everything must go, and it must go this year\".\n"
)


@pytest.fixture
def conn(seed_db: Path, tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "evidence.db"
    path.write_bytes(seed_db.read_bytes())
    return open_for_editing(path)


def test_import_stores_cue_span_confidence_and_reason(conn: sqlite3.Connection, tmp_path: Path) -> None:
    article = tmp_path / "ruling.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = import_article(conn, article, topic="huawei-5g")
    assert result.proposals == 3
    rows = conn.execute('SELECT text, speaker, cue, cue_start, cue_end, confidence, reason FROM proposed_quotes '
                        "WHERE source = ? ORDER BY start", (result.source_id,)).fetchall()
    named, pronoun, nobody = rows
    assert named[1:3] == ("Ada Park", "said") and ARTICLE[named[3]:named[4]] == "said"
    assert named[6] == "named after the quote"
    assert pronoun[1] == "Ada Park" and pronoun[6].startswith("she -> ")
    assert (nobody[1], nobody[2], nobody[3], nobody[6]) == (None, None, None, "no speaker found")
    assert named[5] > pronoun[5] > nobody[5]


def test_open_proposals_come_surest_first_with_their_evidence(conn: sqlite3.Connection, tmp_path: Path) -> None:
    article = tmp_path / "ruling.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    import_article(conn, article, topic="huawei-5g")
    proposals = open_proposals(conn)
    assert [p.confidence for p in proposals] == sorted((p.confidence for p in proposals), reverse=True)
    first = proposals[0]
    assert (first.speaker, first.cue, first.reason) == ("Ada Park", "said", "named after the quote")
    assert first.cue_start is not None and ARTICLE[first.cue_start:first.cue_end] == "said"
    assert proposals[-1].speaker is None and proposals[-1].reason == "no speaker found"
