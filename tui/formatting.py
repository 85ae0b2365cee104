"""How stances, statuses, dates and citations read on screen (no widgets, no I/O)."""

from __future__ import annotations

import datetime as dt
import textwrap

from techstance.db.store.read_models import (
    KIND_LABEL,
    QUALITY_LABEL,
    DecisionEvent,
    EvidenceItem,
    QuoteItem,
    SourceRef,
    TimelineEvent,
)

# A symbol for every stance, so a stance never depends on colour alone.
STANCE_SYMBOL = {"ban": "✕", "restrict": "◐", "allow": "✓", "undecided": "○", None: "·"}
STANCE_LABEL = {"ban": "ban", "restrict": "restrict", "allow": "allow", "undecided": "undecided",
                None: "no decision"}
STANCE_ORDER = ("ban", "restrict", "allow", "undecided")
# Statuses that are not yet firm get a mark on the map.
TENTATIVE_STATUSES = ("expected", "reported")
TENTATIVE_MARK = "~"
DISPUTED_MARK = "!"
DAMAGED_MARK = "⚠"  # a record that failed the read checks (db/store/row_checks.py)
UNCERTAIN_MARK = "?"  # as of a date inside the event's year or month: it may not have happened yet

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value: str | None, precision: str = "day", inferred: bool = False) -> str:
    """'28 Jan 2020', 'Apr 2019', '2019', 'date unknown'; '(inferred)' when worked out, not stated."""
    if not value or precision == "unknown":
        return "date unknown"
    try:
        if precision == "year" or len(value) == 4:
            text = str(int(value))
        elif precision == "month" or len(value) == 7:
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


def quality_mark(ref: SourceRef) -> str:
    """'machine paraphrase', 'relayed report', 'opinion'; '' for an outlet's own report."""
    return QUALITY_LABEL.get(ref.quality, ref.quality) if ref.weaker else ""


def kind_mark(kind: str) -> str:
    """'related action', 'stated view'; '' for a decision on the topic."""
    return "" if kind == "decision" else KIND_LABEL.get(kind, kind)


def condition_support(event: DecisionEvent, index: int) -> str:
    """'2 sources'; '1 source: machine paraphrase' or '2 sources, none an original report' when every
    source stating it is weaker."""
    sources = {e.source.id: e.source for e in event.evidence
               if e.claim_field == f"condition:{index}" and e.role == "supports"}
    n = len(sources)
    text = f"{n} source{'s' if n != 1 else ''}"
    marks = sorted({quality_mark(s) for s in sources.values()})
    if sources and all(marks):
        text += f": {marks[0]}" if n == 1 else ", none an original report"
    return text


def event_date(event: DecisionEvent) -> str:
    """The event's own date; for an undated event, when a source first reported it. As of a date
    inside the event's year or month: 'uncertain: 2019' (it may not have happened yet)."""
    text = format_date(event.date, event.date_precision, event.date_inferred)
    if event.date is None:
        reported = event.first_reported()
        if reported is not None:
            text = f"undated, reported {source_date(reported)}"
    return f"uncertain: {text}" if event.uncertain else text


def conflict_text(event: DecisionEvent) -> str | None:
    """How a disputed event reads: 'reported 2019; a later report (Jan 2020 (inferred)) says otherwise'.

    Each side carries its date, so an earlier report is never read as answering a later one.
    """
    disputes = event.disputes()
    if not disputes:
        return None
    reported = event.first_reported()
    said = f"reported {source_date(reported)}" if reported else "reported, date unknown"
    others = []
    for ref in sorted({d.source.id: d.source for d in disputes}.values(), key=lambda r: (r.published or "", r.id)):
        when = "a report"
        if reported and reported.published and ref.published:
            n = min(len(reported.published), len(ref.published))
            later, same = ref.published[:n] > reported.published[:n], ref.published[:n] == reported.published[:n]
            when = "a later report" if later else ("a report of the same time" if same else "an earlier report")
        others.append(f"{when} ({source_date(ref)}, {source_name(ref)}) says otherwise")
    return f"{said}; " + "; ".join(others)


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
    quality = f" ({quality_mark(quote.source)})" if quote.source.weaker else ""
    return f"“{quote.text}” — {speaker}. Source: {source_name(quote.source)}{quality}, {when}."


OPENING_QUOTES = "\"'“‘„‚«‹"
CLOSING_QUOTES = "\"'”’‟‛»›"


def quoted(text: str) -> str:
    """Text in quotation marks, adding none on a side that already has one: an excerpt that begins
    or ends with the article's own mark would otherwise read “„like this"”."""
    opening = "" if text and text[0] in OPENING_QUOTES else "“"
    closing = "" if text and text[-1] in CLOSING_QUOTES else "”"
    return f"{opening}{text}{closing}"


def cut_to_lines(text: str, width: int, rows: int) -> str:
    """Text that fits `rows` rows of `width` cells; when cut, it ends with an ellipsis."""
    width = max(8, width)
    lines = textwrap.wrap(text, width, replace_whitespace=True, drop_whitespace=True)
    if len(lines) <= rows:
        return text
    kept = lines[:rows]
    kept[-1] = kept[-1][: width - 1].rstrip() + "…"
    return "\n".join(kept)


def placed_date(event: TimelineEvent, short: bool = False) -> str:
    """When an event of a timeline happened, at its precision ('2019', 'Apr 2019', '28 Jan 2020');
    an undated one by when it was first reported. `short`: the year alone."""
    if event.date is not None:
        text = format_date(event.date, event.date_precision, event.date_inferred and not short)
        return text.rsplit(" ", 1)[-1] if short and text != "date unknown" else text
    if event.placed_on:
        day = format_date(event.placed_on, "day" if len(event.placed_on) == 10 else "month")
        return f"by {day.rsplit(' ', 1)[-1]}" if short else f"undated, reported {day}"
    return "?" if short else "date unknown"


def placed_by(event: TimelineEvent) -> str:
    """As placed_date, shorter for a table: an undated event reads 'by Jan 2020' (it had happened
    by its first report)."""
    if event.date is None and event.placed_on:
        return "by " + format_date(event.placed_on, "day" if len(event.placed_on) == 10 else "month")
    return placed_date(event)
