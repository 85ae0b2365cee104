"""How support reads on screen: per-condition counts, weaker sources named, conflicts with both dates."""

from __future__ import annotations

from techstance.db.store.read_models import DecisionEvent, EvidenceItem, SourceRef
from techstance.tui.formatting import condition_support, conflict_text, event_date, format_date


def _source(sid: str, published: str | None, precision: str, quality: str = "original") -> SourceRef:
    return SourceRef(id=sid, outlet=None, title=None, published=published, date_precision=precision,
                     date_inferred=precision != "day", quality=quality)


def _evidence(source: SourceRef, claim: str = "decision", role: str = "supports") -> EvidenceItem:
    return EvidenceItem(id=f"{source.id}-{claim}-{role}", claim_table="decisions", claim_id="d", claim_field=claim,
                        role=role, source=source, start=0, end=1, excerpt="x")


def _event(*evidence: EvidenceItem, date: str | None = None) -> DecisionEvent:
    return DecisionEvent(id="d", topic="t", country="NZ", stance="ban", status="reported", date=date,
                         date_precision="unknown" if date is None else "year", date_inferred=True, summary="s",
                         conditions=["c0", "c1"], evidence=list(evidence))


OLD = _source("old", "2019", "year")
NEW = _source("new", "2020-01", "month", "relayed")
PARAPHRASE = _source("par", "2020-01-31", "day", "paraphrase")


def test_a_condition_counts_only_the_sources_that_state_it_and_names_a_weaker_one() -> None:
    event = _event(_evidence(OLD), _evidence(NEW), _evidence(OLD, "condition:0"), _evidence(PARAPHRASE, "condition:1"))
    assert condition_support(event, 0) == "1 source"
    assert condition_support(event, 1) == "1 source: machine paraphrase"
    two_weaker = _event(_evidence(NEW, "condition:0"), _evidence(PARAPHRASE, "condition:0"))
    assert condition_support(two_weaker, 0) == "2 sources, none an original report"


def test_a_conflict_reads_with_the_dates_of_both_reports() -> None:
    event = _event(_evidence(OLD), _evidence(NEW, role="disputes"))
    assert conflict_text(event) == ("reported 2019 (inferred); a later report (Jan 2020 (inferred), unknown outlet) "
                                    "says otherwise")
    assert conflict_text(_event(_evidence(OLD))) is None


def test_an_undated_event_says_when_it_was_first_reported_and_a_year_reads_as_a_year() -> None:
    assert event_date(_event(_evidence(NEW), _evidence(OLD))) == "undated, reported 2019 (inferred)"
    assert format_date("2019", "year", True) == "2019 (inferred)"
