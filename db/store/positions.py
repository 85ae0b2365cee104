"""A country's current position on a topic, defined once.

The latest *decision on the topic* (kind 'decision') stands; related actions (a trade blacklist, a
procurement rule) and stated views stay in the country's history but never set its position.
The `current_positions` view, the map's tiles and the export all build their SQL from here.
"""

from __future__ import annotations

import datetime as dt
import re

# The date an event is ordered by: its own date, or for an undated event the earliest date a
# supporting source reports it (it had happened by then). Partial dates compare as their start
# as plain strings: "2019" <= "2019-05" <= "2019-05-01".
ORDERED_ON = """COALESCE(d.date, (
                SELECT MIN(s.published) FROM evidence e JOIN sources s ON s.id = e.source
                WHERE e.claim_table = 'decisions' AND e.claim_id = d.id AND e.role = 'supports'
            ))"""

# Latest first; ties go to the larger id so the choice is stable.
LATEST_FIRST = f"{ORDERED_ON} DESC, d.id DESC"

# Only these records can be a country's position.
ON_TOPIC = "d.kind = 'decision'"


def current_decisions_sql(columns: str, where: str = "", partition: str = "d.topic, d.country",
                          outer: str = "*", as_of: str | None = None) -> str:
    """SELECT `columns` (over `decisions d`) of each partition's current decision, plus `rank`.

    `where` narrows the decisions first (a topic, an as-of date); `partition` is what one position
    belongs to: topic and country in the view, the country alone when the topic is fixed; `outer`
    what the caller selects of them; `as_of` (a SQL placeholder) gives the position as it stood at
    the end of that day (`known_by`).
    """
    narrowed = f" AND ({where})" if where else ""
    if as_of is not None:
        narrowed += f" AND {known_by(as_of)}"
    return f"""SELECT {outer} FROM (
        SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {LATEST_FIRST}) AS rank
        FROM decisions d WHERE {ON_TOPIC}{narrowed}
    ) WHERE rank = 1"""


# ----- as of a date -----
# An as-of date means the end of that day. An event known only to the year or the month is not
# placed on the period's first day (nobody knows it had happened by then): it counts once its
# whole period has passed, from the period's last day on. Within the period it has *begun* and is
# shown as uncertain ("uncertain: 2019"), never as the position. The export and the dashboard use
# these, so `export --as-of` and `techstance --as-of` always agree.


def period_end(expr: str) -> str:
    """SQL: the last day of the period a date written 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' names
    (NULL stays NULL)."""
    return (f"(CASE length({expr}) WHEN 4 THEN {expr} || '-12-31' "
            f"WHEN 7 THEN date({expr} || '-01', '+1 month', '-1 day') ELSE {expr} END)")


def known_by(as_of: str, expr: str = ORDERED_ON) -> str:
    """SQL: the event (or `expr`, any partial date) had certainly happened by the end of the day
    `as_of` (a SQL placeholder or expression). An event on no date is known on no date."""
    return f"{period_end(expr)} <= {as_of}"


def begun_by(as_of: str, expr: str = ORDERED_ON) -> str:
    """SQL: the event's period had begun by `as_of`: known, or uncertain (its period under way)."""
    return f"{expr} <= {as_of}"


def check_as_of(value: str) -> str:
    """`value` when it is a real date written YYYY-MM-DD; else ValueError, one line for a person."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"an as-of date is written YYYY-MM-DD, not {value!r}")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return value
