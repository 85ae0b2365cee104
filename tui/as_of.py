"""The dashboard's as-of date: reading what was typed, stepping from event to event, saying it.

No widget here: the steps are plain data so a test (and the kiosk's timeline tour) can walk them.
What an as-of date means, partial dates included, is defined once in techstance.db.store.positions.
"""

from __future__ import annotations

from techstance.db.store.positions import check_as_of

# (date, country): the day an event counts from and whose event it is (Store.event_dates).
Step = tuple[str, str]

# A date typed (or given with --as-of) stands after every event of that day: as of the end of it.
_AFTER_THE_DAY = "\uffff"


def parse_as_of(text: str) -> str:
    """A date as typed, spaces around it ignored; ValueError (one line) when it is not YYYY-MM-DD."""
    return check_as_of(text.strip())


def where(as_of: str | None, country: str | None, today: str) -> Step:
    """The place among the steps of what is shown: a step reached by stepping is that step; a date
    typed or today stands after every event of its day."""
    if as_of is None:
        return today, _AFTER_THE_DAY
    return as_of, country if country is not None else _AFTER_THE_DAY


def previous_step(steps: list[Step], here: Step) -> Step | None:
    """The latest event before `here`; None when there is none."""
    earlier = [step for step in steps if step < here]
    return earlier[-1] if earlier else None


def next_step(steps: list[Step], here: Step) -> Step | None:
    """The first event after `here`; None when there is none (the next stop is today)."""
    return next((step for step in steps if step > here), None)


def as_of_label(as_of: str) -> str:
    return f"As of {as_of}"
