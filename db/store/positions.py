"""A country's current position on a topic, defined once.

The latest *decision on the topic* (kind 'decision') stands; related actions (a trade blacklist, a
procurement rule) and stated views stay in the country's history but never set its position.
The `current_positions` view, the map's tiles and the export all build their SQL from here.
"""

from __future__ import annotations

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
                          outer: str = "*") -> str:
    """SELECT `columns` (over `decisions d`) of each partition's current decision, plus `rank`.

    `where` narrows the decisions first (a topic, an as-of date); `partition` is what one position
    belongs to: topic and country in the view, the country alone when the topic is fixed; `outer`
    what the caller selects of them.
    """
    narrowed = f" AND ({where})" if where else ""
    return f"""SELECT {outer} FROM (
        SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY {LATEST_FIRST}) AS rank
        FROM decisions d WHERE {ON_TOPIC}{narrowed}
    ) WHERE rank = 1"""
