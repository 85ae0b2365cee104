"""Checks shared by the seed build and by edits in the app: the same rules, one wording."""

from __future__ import annotations

from collections import Counter

from techstance.db.store.records import Decision


def clip(text: str, limit: int = 40) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


def span_problem(text: str, source: str, start: int, end: int, expected: str, what: str) -> str | None:
    """Why `expected` is not the text of source[start:end], or None when it is."""
    if end > len(text):
        return f"span [{start}, {end}) lies outside source '{source}' ({len(text)} characters)"
    found = text[start:end]
    if found == expected:
        return None
    elsewhere = text.find(expected)
    hint = f"; the {what} is found at [{elsewhere}, {elsewhere + len(expected)})" \
        if elsewhere >= 0 else f"; the {what} is not found verbatim anywhere in the source"
    return (f"{what} does not match source '{source}' at [{start}, {end}): "
            f"source has {clip(found)}, {what} is {clip(expected)}{hint}")


def decision_claim_problems(dec: Decision) -> list[tuple[str, str]]:
    """(field, message) for each claim of a decision that has no supporting evidence."""
    problems: list[tuple[str, str]] = []
    claims = Counter(e.claim for e in dec.evidence if e.role == "supports")
    if not claims["decision"]:
        problems.append(("evidence", "decision has no evidence (needs a [[decision.evidence]] with "
                                     "claim = 'decision' and role = 'supports')"))
    if dec.date is not None and not claims["date"]:
        problems.append(("date", f"date {dec.date} has no evidence (claim = 'date')"))
    for i, condition in enumerate(dec.conditions):
        if not claims[f"condition:{i}"]:
            problems.append((f"conditions[{i}]", f"condition {condition!r} has no evidence (claim = 'condition:{i}')"))
    for i, item in enumerate(dec.evidence):
        if item.claim.startswith("condition:") and int(item.claim[10:]) >= len(dec.conditions):
            problems.append((f"evidence[{i}].claim",
                             f"'{item.claim}' but the decision has {len(dec.conditions)} condition(s)"))
    return problems
