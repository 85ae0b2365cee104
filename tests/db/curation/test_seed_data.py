"""The bundled seeds say what the articles say, and every fact points to its excerpt."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from techstance.db.store.reads import Store

from tests.conftest import REPO, rows

SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def test_source_texts_are_the_shared_articles_byte_for_byte(seed_db: Path) -> None:
    stored = {r["seed_file"]: r for r in rows(seed_db, "SELECT seed_file, text, sha256 FROM sources")}
    bundled = sorted((REPO / "seeds" / "sources").glob("*.txt"))
    assert sorted(stored) == [p.name for p in bundled]
    for path in bundled:
        raw = path.read_bytes()
        assert stored[path.name]["text"].encode("utf-8") == raw
        assert stored[path.name]["sha256"] == hashlib.sha256(raw).hexdigest()
        shared = SHARED_SEEDS / path.name
        if shared.exists():  # beside the repository in CI and on developer machines
            assert shared.read_bytes() == raw


def test_every_evidence_span_matches_its_source_exactly(seed_db: Path) -> None:
    texts = {r["id"]: r["text"] for r in rows(seed_db, "SELECT id, text FROM sources")}
    evidence = rows(seed_db, 'SELECT source, start, "end", excerpt FROM evidence')
    assert len(evidence) >= 60
    for e in evidence:
        assert 0 <= e["start"] < e["end"] <= len(texts[e["source"]])
        assert texts[e["source"]][e["start"]:e["end"]] == e["excerpt"]


def test_every_quote_is_verbatim_at_its_span_and_is_its_own_evidence(seed_db: Path) -> None:
    texts = {r["id"]: r["text"] for r in rows(seed_db, "SELECT id, text FROM sources")}
    quotes = rows(seed_db, 'SELECT id, source, start, "end", text FROM quotes')
    assert len(quotes) >= 20
    own = {(r["claim_id"], r["source"], r["start"], r["end"]) for r in rows(
        seed_db, "SELECT claim_id, source, start, \"end\" FROM evidence WHERE claim_table='quotes'")}
    for q in quotes:
        assert texts[q["source"]][q["start"]:q["end"]] == q["text"]
        assert (q["id"], q["source"], q["start"], q["end"]) in own


def test_every_decision_condition_and_date_has_supporting_evidence(seed_db: Path) -> None:
    decisions = rows(seed_db, "SELECT id, date, conditions FROM decisions")
    claims = {(r["claim_id"], r["claim_field"]) for r in rows(
        seed_db, "SELECT claim_id, claim_field FROM evidence "
                 "WHERE claim_table = 'decisions' AND role = 'supports'")}
    for d in decisions:
        assert (d["id"], "decision") in claims, d["id"]
        if d["date"]:
            assert (d["id"], "date") in claims, d["id"]
        for i, _ in enumerate(json.loads(d["conditions"])):
            assert (d["id"], f"condition:{i}") in claims, (d["id"], i)


def test_current_positions_are_the_reported_ones(store: Store) -> None:
    positions = {t.country.code: (t.stance, t.status) for t in store.tiles("huawei-5g")}
    assert positions["US"][0] == "ban"
    assert positions["AU"] == ("ban", "enacted")
    assert positions["JP"] == ("ban", "enacted")
    assert positions["GB"] == ("restrict", "announced")
    assert positions["CA"] == ("restrict", "expected")
    assert positions["NZ"] == ("restrict", "expected")
    assert positions["IT"][0] == "allow"
    assert positions["EU"][0] == "allow"


def test_uk_decision_has_its_three_conditions_date_and_2019_timeline(store: Store) -> None:
    detail = store.country_detail("huawei-5g", "GB")
    assert detail is not None and detail.current is not None
    current = detail.current
    assert current.date == "2020-01-28" and current.date_precision == "day"
    assert current.conditions == [
        "excluded from the core",
        "at most 35% of the periphery",
        "excluded near military bases and nuclear sites",
    ]
    assert current.supporting_sources() == 3
    assert any(e.date and e.date.startswith("2019") for e in detail.timeline)


def test_new_zealand_conflict_is_recorded_not_resolved(store: Store) -> None:
    tiles = {t.country.code: t for t in store.tiles("huawei-5g")}
    assert tiles["NZ"].disputed and not tiles["GB"].disputed
    detail = store.country_detail("huawei-5g", "NZ")
    assert detail is not None and detail.current is not None
    events = [detail.current, *detail.timeline]
    assert {e.stance for e in events} == {"ban", "restrict"}
    for event in events:
        disputing = {e.source.id for e in event.disputes()}
        supporting = {e.source.id for e in event.evidence if e.role == "supports"}
        assert disputing and not disputing & supporting


def test_no_source_date_is_invented(seed_db: Path) -> None:
    for s in rows(seed_db, "SELECT id, published, date_precision, date_inferred, text, notes "
                           "FROM sources"):
        if s["published"] and not s["date_inferred"]:
            assert s["published"] in s["text"], f"{s['id']}: a stated date must be in the text"
        if s["date_inferred"]:
            assert "inferred" in s["notes"].lower(), f"{s['id']}: say how the date was inferred"
