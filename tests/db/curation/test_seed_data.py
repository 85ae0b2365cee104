"""The bundled seeds say what the articles say, and every fact points to its excerpt."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from techstance.db.store.reads import Store

from tests.helpers import REPO, rows

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
    positions = {t.country.code: (t.stance, t.status, t.decision) for t in store.tiles("huawei-5g")}
    # The US position is its 5G ban, not the trade blacklist (a related action, dated later).
    assert positions["US"] == ("ban", "enacted", "us-5g-ban")
    assert positions["AU"][:2] == ("ban", "enacted")
    assert positions["JP"][:2] == ("ban", "enacted")
    assert positions["GB"][:2] == ("restrict", "announced")
    assert positions["CA"][:2] == ("restrict", "expected")
    assert positions["NZ"][:2] == ("restrict", "expected")
    # Conte and Juncker stated a view; neither Italy nor the EU decided anything.
    assert positions["IT"] == (None, None, None)
    assert positions["EU"] == (None, None, None)


def test_uk_conditions_are_counted_by_the_sources_that_state_them(store: Store) -> None:
    detail = store.country_detail("huawei-5g", "GB")
    assert detail is not None and detail.current is not None
    current = detail.current
    assert current.date == "2020-01-28" and current.date_precision == "day"
    counted = {c: current.supporting_sources(f"condition:{i}") for i, c in enumerate(current.conditions)}
    assert counted == {
        "excluded from the core": 2,
        "a limit on the amount of its kit in a network's periphery": 2,
        "at most 35% of the equipment in the periphery": 1,  # the machine paraphrase alone
        "excluded from areas near military bases": 2,
        "excluded from areas near nuclear sites": 1,  # the machine paraphrase alone
    }
    [only] = {e.source for e in current.evidence if e.claim_field == "condition:2"}
    assert only.quality == "paraphrase" and only.weaker
    assert current.supporting_sources() == 3 and current.supporting_sources("date") == 2
    # 2019 is as fine as any text gives it: a year, not a month.
    assert [(e.id, e.date, e.date_precision) for e in detail.timeline] == [
        ("gb-2020-proposal", "2020", "year"),
        ("gb-2019-proposal-postponed", "2019", "year"),
        ("gb-2019-non-core", "2019", "year"),
    ]


def test_new_zealand_conflict_runs_forward_in_time(store: Store) -> None:
    tiles = {t.country.code: t for t in store.tiles("huawei-5g")}
    assert tiles["NZ"].disputed and not tiles["GB"].disputed
    detail = store.country_detail("huawei-5g", "NZ")
    assert detail is not None and detail.current is not None
    assert detail.current.id == "nz-restrict-expected" and not detail.current.disputes()
    [ban] = detail.timeline
    reported = ban.first_reported()
    assert ban.id == "nz-5g-ban-reported" and reported is not None and reported.published == "2019"
    disputes = ban.disputes()
    # The later report's list of countries that banned Huawei, without New Zealand, is what disputes it.
    assert {d.excerpt for d in disputes} == {
        "The U.S., Australia, and Japan each banned Huawei kit from being used in 5G telecommunications networks",
        "Now, New Zealand and Canada are expected to allow the firm to contribute to their 5G networks in some "
        "restricted way.",
    }
    assert all((d.source.published or "") >= "2020" for d in disputes)


def test_us_history_keeps_related_actions_beside_the_ban(store: Store) -> None:
    detail = store.country_detail("huawei-5g", "US")
    assert detail is not None and detail.current is not None
    assert (detail.current.id, detail.current.kind) == ("us-5g-ban", "decision")
    assert [(e.id, e.kind, e.date) for e in detail.timeline] == [
        ("us-trade-blacklist-2019-05", "related", "2019-05"),
        ("us-federal-agencies-ban", "related", None),
    ]
    italy = store.country_detail("huawei-5g", "IT")
    assert italy is not None and italy.current is None
    assert [(e.id, e.kind) for e in italy.timeline] == [("it-allow-market-rules", "view")]


# Quoted words that are not quotations of a speaker: scare quotes and quoted terms, each decided in
# docs/curating.md. Every other passage in quotation marks is a quote or corroborates one.
NOT_QUOTATIONS = {
    ("bi-uk-ready-to-let-huawei-build", "core"),
    ("pompeo-policy-exchange-paraphrase", "sensitive parts"),
    ("china-ambassador-urges-uk", "non-core"),
    ("china-ambassador-urges-uk", "global Britain"),
}
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”]+)”')


def test_every_quotation_in_the_articles_is_recorded(seed_db: Path) -> None:
    texts = {r["id"]: r["text"] for r in rows(seed_db, "SELECT id, text FROM sources")}
    covered = [(r["source"], r["start"], r["end"]) for r in rows(
        seed_db, "SELECT source, start, \"end\" FROM evidence WHERE claim_table = 'quotes'")]
    missing = []
    for source, text in texts.items():
        for m in _QUOTED.finditer(text):
            inner = (m.group(1) or m.group(2)).strip(" ,.")
            start = m.start() + 1
            if (source, inner) in NOT_QUOTATIONS:
                continue
            if not any(s == source and a <= start + 1 and start + len(inner) - 1 <= b for s, a, b in covered):
                missing.append((source, inner))
    assert missing == []
    # The pull-quote has no quotation marks: recorded, with how its speaker was decided.
    [pull] = rows(seed_db, "SELECT actor, attribution FROM quotes WHERE text LIKE 'The last thing China expects%'")
    assert pull["actor"] == "liu-xiaoming" and "pull-quote" in pull["attribution"]


def test_no_source_date_is_invented(seed_db: Path) -> None:
    for s in rows(seed_db, "SELECT id, published, date_precision, date_inferred, text, notes "
                           "FROM sources"):
        if s["published"] and not s["date_inferred"]:
            assert s["published"] in s["text"], f"{s['id']}: a stated date must be in the text"
        if s["date_inferred"]:
            assert "inferred" in s["notes"].lower(), f"{s['id']}: say how the date was inferred"
