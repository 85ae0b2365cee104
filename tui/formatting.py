"""How stances, statuses, dates and citations read on screen (no widgets, no I/O)."""

from __future__ import annotations

import datetime as dt

from techstance.db.store.read_models import EvidenceItem, QuoteItem, SourceRef

# A symbol for every stance, so a stance never depends on colour alone.
STANCE_SYMBOL = {"ban": "✕", "restrict": "◐", "allow": "✓", "undecided": "○", None: "·"}
STANCE_LABEL = {"ban": "ban", "restrict": "restrict", "allow": "allow", "undecided": "undecided",
                None: "no decision"}
STANCE_ORDER = ("ban", "restrict", "allow", "undecided")
# Statuses that are not yet firm get a mark on the map.
TENTATIVE_STATUSES = ("expected", "reported")
TENTATIVE_MARK = "~"
DISPUTED_MARK = "!"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value: str | None, precision: str = "day", inferred: bool = False) -> str:
    """'28 Jan 2020', 'Apr 2019', 'date unknown'; '(inferred)' when worked out, not stated."""
    if not value or precision == "unknown":
        return "date unknown"
    try:
        if precision == "month" or len(value) == 7:
            year, month = value.split("-")
            text = f"{_MONTHS[int(month) - 1]} {year}"
        else:
            day = dt.date.fromisoformat(value)
            text = f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    except (ValueError, IndexError):
        text = value  # shown as stored rather than hidden
    return f"{text} (inferred)" if inferred else text


def source_date(ref: SourceRef) -> str:
    return format_date(ref.published, ref.date_precision, ref.date_inferred)


def source_name(ref: SourceRef) -> str:
    """The outlet when known; otherwise say so rather than guess."""
    return ref.outlet or "unknown outlet"


def source_title(ref: SourceRef, fallback: str = "") -> str:
    return ref.title or fallback or f"untitled ({ref.id})"


def claim_label(evidence: EvidenceItem, conditions: list[str] | None = None) -> str:
    field = evidence.claim_field
    if field.startswith("condition:") and conditions is not None:
        index = int(field.split(":", 1)[1])
        if index < len(conditions):
            return f"condition: {conditions[index]}"
    return {"decision": "the decision", "date": "the date", "quote": "the quotation",
            "said_on": "when it was said"}.get(field, field)


def quote_citation(quote: QuoteItem) -> str:
    """A quote as a reader would paste it into a report: text, speaker, outlet, date."""
    speaker = quote.actor.name
    if quote.actor.role:
        speaker += f", {quote.actor.role}"
    if quote.actor.affiliation and quote.actor.affiliation not in speaker:
        speaker += f" ({quote.actor.affiliation})"
    when = format_date(quote.said_on, "day" if quote.said_on and len(quote.said_on) == 10 else "month") \
        if quote.said_on else f"reported {source_date(quote.source)}"
    return f"“{quote.text}” — {speaker}. Source: {source_name(quote.source)}, {when}."
