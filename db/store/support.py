"""Support checks: does each cited excerpt say what it is cited for?

Shared by the seed build (`techstance check`, `build`) and by edits, so both refuse the same
records with the same words. Each problem is (field, message); the caller adds file and record.

- Specifics: every number, percentage, year, month and weekday in a claim's text, and every name
  the curator declares in `specifics`, must appear in every excerpt counted as supporting it.
- Dates: each date excerpt states the date, or names something a recorded rule (`date_rule`)
  turns into a date from the source's own date; the claimed precision is never finer.
- Disputes: a source cannot dispute a claim that postdates what it reports.
- Quotes: a quotation is corroborated only by another article, in words of the quotation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from techstance.db.store.records import PRECISION_RANK, Decision, Evidence, Quote

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Numbers (with a thousands separator or decimals) and percentages, as written in a claim; not a
# digit that is part of a name such as 5G.
_NUMBER = re.compile(r"(?<![A-Za-z])\d+(?:[.,]\d+)*%?(?![A-Za-z\d])")
_RECENT = re.compile(r"\b(today|yesterday|this week|last week|recently|now)\b|\b(" + "|".join(WEEKDAYS) + r")\b",
                     re.IGNORECASE)
# Quotation marks and the punctuation around a quoted fragment, dropped before comparing it to a quote.
_QUOTE_MARKS = "\"'“”‘’ .,;:…"


@dataclass(frozen=True)
class SourceDate:
    """What the checks need to know of a source: its date and how it was found."""

    published: str | None
    precision: str
    inferred: bool


def claim_text(dec: Decision, claim: str) -> str | None:
    if claim == "decision":
        return dec.summary
    if claim.startswith("condition:"):
        index = int(claim.split(":", 1)[1])
        return dec.conditions[index] if index < len(dec.conditions) else None
    return None


def field_name(claim: str) -> str:
    """The field a curator edits for a claim: 'summary', 'date', 'conditions[1]'."""
    if claim == "decision":
        return "summary"
    if claim.startswith("condition:"):
        return f"conditions[{claim.split(':', 1)[1]}]"
    return claim


def found_specifics(text: str) -> list[str]:
    """The specifics found in a claim without being declared: numbers, percentages, months, weekdays."""
    found = _NUMBER.findall(text)
    words = re.findall(r"[A-Za-z]+", text)
    found += [w for w in words if w.lower() in MONTHS[:4] + MONTHS[5:] + WEEKDAYS]
    # "May" is also a name (Theresa May) and a verb: declare it when it is the month.
    return list(dict.fromkeys(found))


def _contains(excerpt: str, specific: str) -> bool:
    if _NUMBER.fullmatch(specific):
        # 35 must not match 350 or 1935.
        return re.search(rf"(?<![\d.,]){re.escape(specific)}(?![\d%]|[.,]\d)", excerpt) is not None
    return re.search(rf"(?<!\w){re.escape(specific)}(?!\w)", excerpt, re.IGNORECASE) is not None


def specifics_problems(dec: Decision) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for claim, declared in dec.specifics.items():
        text = claim_text(dec, claim)
        if text is None:
            continue  # reported by decision_claim_problems
        for specific in declared:
            if not _contains(text, specific):
                problems.append((f"specifics.{claim}",
                                 f"{specific!r} is declared but the {field_name(claim)} does not say it"))
    for i, item in enumerate(dec.evidence):
        if item.role != "supports":
            continue
        text = claim_text(dec, item.claim)
        if text is None:
            continue
        wanted = list(dict.fromkeys(found_specifics(text) + dec.specifics.get(item.claim, [])))
        missing = [s for s in wanted if not _contains(item.excerpt, s)]
        if missing:
            shown = ", ".join(repr(s) for s in missing)
            problems.append((field_name(item.claim),
                             f"evidence[{i}] from '{item.source}' does not state {shown}: it cannot support "
                             f"{text!r} (cite an excerpt that says it, or drop it from the claim)"))
    return problems


def _month_index(excerpt: str) -> list[int]:
    return [MONTHS.index(w.lower()) + 1 for w in re.findall(r"[A-Za-z]+", excerpt) if w.lower() in MONTHS]


def derive_date(rule: str, excerpt: str, source: SourceDate) -> tuple[str, str] | str:
    """(date, precision) the excerpt supports under `rule`, or why it supports none."""
    if rule == "stated":
        iso = set(re.findall(r"(?<!\d)(\d{4}-[01]\d(?:-[0-3]\d)?)(?![\d-])", excerpt))
        if len(iso) == 1:
            value = iso.pop()
            return value, "day" if len(value) == 10 else "month"
        years = re.findall(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)", excerpt)
        if len(set(years)) != 1:
            return "states no single year (use a date_rule to read a date relative to the source's date)"
        months = _month_index(excerpt)
        if len(set(months)) != 1:
            return years[0], "year"
        days = re.findall(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b", excerpt)
        month = f"{years[0]}-{months[0]:02d}"
        if len(set(days)) == 1 and 1 <= int(days[0]) <= 31:
            return f"{month}-{int(days[0]):02d}", "day"
        return month, "month"
    published, have = source.published, PRECISION_RANK[source.precision]
    if published is None:
        return "the source has no date to read it from"
    if rule == "weekday-before-published":
        weekdays = {w.lower() for w in re.findall(r"[A-Za-z]+", excerpt)} & set(WEEKDAYS)
        if len(weekdays) != 1:
            return "names no single weekday"
        if have < PRECISION_RANK["day"]:
            return f"a weekday gives a day only from a source dated to the day (this one: {published})"
        day = dt.date.fromisoformat(published)
        back = (day.weekday() - WEEKDAYS.index(weekdays.pop())) % 7
        if back == 0:
            return "names the weekday the source was published on: today or a week earlier?"
        return (day - dt.timedelta(days=back)).isoformat(), "day"
    if rule == "month-before-published":
        named_months = set(_month_index(excerpt))
        if len(named_months) != 1:
            return "names no single month"
        if have < PRECISION_RANK["month"]:
            return f"a month is placed in a year only from a source dated to the month (this one: {published})"
        year, current = int(published[:4]), int(published[5:7])
        named = named_months.pop()
        if named == current:
            return "names the month the source was published in: this year or last?"
        return f"{year if named < current else year - 1}-{named:02d}", "month"
    if rule == "last-year":
        if not re.search(r"\blast year\b", excerpt, re.IGNORECASE):
            return "does not say 'last year'"
        return str(int(published[:4]) - 1), "year"
    if rule == "recent":
        if not _RECENT.search(excerpt):
            return "does not say today, yesterday, this or last week, recently, now or a weekday"
        # Within the week before publication: the same month only if the source is dated to a day
        # past the 7th; otherwise the same year at most (a source dated 2019 could be 2 January).
        if have == PRECISION_RANK["day"] and int(published[8:10]) > 7:
            return published[:7], "month"
        return published[:4], "year"
    return f"unknown date_rule {rule!r}"


def date_problems(date: str | None, precision: str, inferred: bool, items: list[Evidence],
                  sources: dict[str, SourceDate], field: str = "date") -> list[tuple[str, str]]:
    """Each excerpt cited for the date supports it at its precision (or finer)."""
    if date is None:
        return []
    problems: list[tuple[str, str]] = []
    needs_inferred = False
    for i, item in enumerate(items):
        if item.claim != field or item.role != "supports":
            continue
        source = sources.get(item.source)
        if source is None:
            continue  # an unknown source is reported on its own
        rule = item.date_rule or "stated"
        derived = derive_date(rule, item.excerpt, source)
        where = f"evidence[{i}] from '{item.source}' ({rule})"
        if isinstance(derived, str):
            problems.append((field, f"{where} {derived}"))
            continue
        value, got = derived
        needs_inferred |= rule != "stated" or source.inferred
        if PRECISION_RANK[got] < PRECISION_RANK[precision]:
            problems.append((f"{field}_precision" if field == "date" else field,
                             f"{where} supports only {value} ({got}); {date} claims a finer '{precision}'"))
        elif value[:len(date)] != date:
            problems.append((field, f"{where} gives {value}, not {date}"))
    if needs_inferred and not inferred:
        problems.append((f"{field}_inferred" if field == "date" else field,
                         f"{date} is read by a date_rule or from an inferred source date: set {field}_inferred = true"
                         if field == "date" else f"{date} is read by a date_rule or from an inferred source date"))
    return problems


def earlier(a: str, b: str) -> bool:
    """a is before b at the precision both have ('2019' is not before '2019-05')."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def dispute_problems(dec: Decision, sources: dict[str, SourceDate]) -> list[tuple[str, str]]:
    """A source reports what stood when it was written: it cannot dispute a later claim."""
    supporting = [sources[e.source].published for e in dec.evidence
                  if e.claim == "decision" and e.role == "supports" and e.source in sources]
    dated = [p for p in supporting if p is not None]
    claimed = dec.date or (min(dated) if dated else None)
    if claimed is None:
        return []
    problems: list[tuple[str, str]] = []
    for i, item in enumerate(dec.evidence):
        source = sources.get(item.source)
        if item.role != "disputes" or source is None or source.published is None:
            continue
        if earlier(source.published, claimed):
            problems.append((f"evidence[{i}]", f"'{item.source}' ({source.published}) cannot dispute a claim of "
                                               f"{claimed}: it was written before; record the earlier report as an "
                                               f"event of its own disputed by the later one"))
    return problems


def decision_support_problems(dec: Decision, sources: dict[str, SourceDate]) -> list[tuple[str, str]]:
    return (specifics_problems(dec)
            + date_problems(dec.date, dec.date_precision, dec.date_inferred, dec.evidence, sources)
            + dispute_problems(dec, sources))


def _fragment(excerpt: str) -> str:
    return excerpt.strip(_QUOTE_MARKS)


def quote_support_problems(quote: Quote, sources: dict[str, SourceDate]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for i, item in enumerate(quote.evidence):
        if item.claim != "quote":
            continue
        if item.source == quote.source:
            problems.append((f"evidence[{i}]", f"'{item.source}' is the quote's own article: an article cannot "
                                               "corroborate itself (its paraphrase of the same remark is not a "
                                               "second source)"))
        elif item.role == "supports" and _fragment(item.excerpt).lower() not in quote.text.lower():
            problems.append((f"evidence[{i}]", f"{_fragment(item.excerpt)!r} is not words of the quotation: "
                                               "only a quotation of the same words corroborates it"))
    problems += date_problems(quote.said_on, quote.said_on_precision, True, quote.evidence, sources, "said_on")
    return problems
