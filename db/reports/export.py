"""Export: the current positions of one topic as CSV, JSON or a markdown table.

Reads the database only; never imports the UI. Every query has an ORDER BY, so the same database
always gives the same output. A file is written whole or not at all.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from techstance.db.store import row_checks as checks
from techstance.db.store.positions import LATEST_FIRST, ORDERED_ON, check_as_of, current_decisions_sql, known_by
from techstance.db.store.read_models import KIND_LABEL, QUALITY_LABEL, DamagedRecord
from techstance.db.store.row_values import conditions_of
from techstance.db.store.row_values import row_cursor as _cursor

Format = Literal["csv", "json", "markdown"]
FORMATS: tuple[str, ...] = ("csv", "json", "markdown")

UNKNOWN_OUTLET = "unknown outlet"
UNKNOWN_DATE = "date unknown"

# The meaning of an as-of date, partial dates included, is db/store/positions.py's (the dashboard's too).
_AS_OF = f"(:as_of IS NULL OR {known_by(':as_of')})"

# Whether the source says the excerpt at its span: 1, 0, or NULL where SQLite cannot tell (a text
# holding NUL, whose characters SQLite counts differently; the build checked such spans).
_EXCERPT_MATCHES = """CASE WHEN s.text IS NULL OR instr(CAST(s.text AS BLOB), x'00') > 0 THEN NULL
       ELSE substr(s.text, e.start + 1, e."end" - e.start) = e.excerpt END"""

_POSITIONS_SQL = f"""
WITH ranked AS ({current_decisions_sql(
    "d.id, d.topic, d.country, d.stance, d.status, d.date, d.date_precision, d.date_inferred, d.summary, "
    "d.conditions", where="d.topic = :topic AND " + _AS_OF, partition="d.country")})
SELECT r.id, r.topic, r.country, c.name AS country_name, r.stance, r.status, r.date, r.date_precision,
       r.date_inferred, r.summary, r.conditions,
       e.id AS e_id, e.role AS e_role, e.source AS e_source, e.start AS e_start, e."end" AS e_end,
       e.excerpt AS e_excerpt, {_EXCERPT_MATCHES} AS e_matches, s.outlet AS s_outlet,
       s.published AS s_published, s.date_precision AS s_date_precision, s.date_inferred AS s_date_inferred,
       s.quality AS s_quality
FROM ranked r
LEFT JOIN countries c ON c.code = r.country
LEFT JOIN evidence e ON e.claim_table = 'decisions' AND e.claim_id = r.id AND e.claim_field = 'decision'
LEFT JOIN sources s ON s.id = e.source
ORDER BY COALESCE(c.name, r.country), r.country, e.role DESC, s.published IS NULL, s.published, e.source,
         e.start, e."end", e.id
"""

# Sources stating each condition, per decision: the count a reader sees beside a condition.
_CONDITION_SOURCES_SQL = """
SELECT e.claim_id, e.claim_field, COUNT(DISTINCT e.source) AS n, COUNT(DISTINCT CASE WHEN s.quality = 'original'
       THEN e.source END) AS originals, MIN(s.quality) AS quality
FROM evidence e JOIN decisions d ON d.id = e.claim_id JOIN sources s ON s.id = e.source
WHERE e.claim_table = 'decisions' AND e.role = 'supports' AND e.claim_field LIKE 'condition:%' AND d.topic = :topic
GROUP BY e.claim_id, e.claim_field ORDER BY e.claim_id, e.claim_field
"""

# Every other event of the topic (earlier decisions, related actions, stated views), latest first,
# each with the sources disputing it, so a conflict reads "an earlier report said X, a later one Y".
_HISTORY_SQL = f"""
SELECT d.id, d.country, d.kind, d.stance, d.status, d.date, d.date_precision, d.date_inferred, d.summary,
       {ORDERED_ON} AS ordered_on,
       e.excerpt AS e_excerpt, {_EXCERPT_MATCHES} AS e_matches, s.outlet AS s_outlet, s.published AS s_published,
       s.date_precision AS s_date_precision, s.date_inferred AS s_date_inferred, s.quality AS s_quality,
       s.id AS e_source, e.start AS e_start,
       e."end" AS e_end
FROM decisions d
LEFT JOIN evidence e ON e.claim_table = 'decisions' AND e.claim_id = d.id AND e.role = 'disputes'
     AND e.claim_field = 'decision'
LEFT JOIN sources s ON s.id = e.source
WHERE d.topic = :topic AND {_AS_OF}
ORDER BY d.country, {LATEST_FIRST}, s.published, e.source, e.start
"""

CSV_COLUMNS: tuple[str, ...] = (
    "topic", "country", "country_name", "decision", "stance", "status", "date", "date_precision",
    "date_inferred", "summary", "conditions", "citations", "earlier_events",
)
MARKDOWN_COLUMNS: tuple[str, ...] = (
    "Country", "Stance", "Status", "Date", "Summary", "Conditions", "Citations", "Earlier events",
)


@dataclass(frozen=True)
class Citation:
    """One excerpt cited for a decision claim."""

    source: str
    outlet: str | None
    published: str | None
    published_precision: str
    published_inferred: bool
    excerpt: str
    role: str
    start: int
    end: int
    quality: str = "original"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "outlet": self.outlet or UNKNOWN_OUTLET,
            "quality": self.quality,
            "published": self.published,
            "published_precision": self.published_precision,
            "published_inferred": self.published_inferred,
            "excerpt": self.excerpt,
            "role": self.role,
            "start": self.start,
            "end": self.end,
        }

    def text(self) -> str:
        """`outlet, date: "excerpt"`, prefixed with `disputes: ` when the source says otherwise, the
        source's quality in brackets after the outlet when it is not an original report."""
        when = self.published or UNKNOWN_DATE
        if self.published and self.published_inferred:
            when += " (inferred)"
        prefix = "disputes: " if self.role == "disputes" else ""
        quality = f" [{QUALITY_LABEL.get(self.quality, self.quality)}]" if self.quality != "original" else ""
        return f'{prefix}{self.outlet or UNKNOWN_OUTLET}{quality}, {when}: "{self.excerpt}"'


def _date_text(date: str | None, precision: str, inferred: bool) -> str:
    """`2020-01-28 (day, inferred)`, `2019 (year)`, or `unknown`."""
    if date is None:
        return "unknown"
    notes = [precision] + (["inferred"] if inferred else [])
    return f"{date} ({', '.join(notes)})"


@dataclass
class Event:
    """Another event of the country on the topic: an earlier decision, a related action or a stated view."""

    decision: str
    kind: str
    stance: str
    status: str
    date: str | None
    date_precision: str
    date_inferred: bool
    summary: str
    first_reported: str | None  # the ordering date: its own, or when a source first reported it
    disputes: list[Citation] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"decision": self.decision, "kind": self.kind, "stance": self.stance, "status": self.status,
                "date": self.date, "date_precision": self.date_precision, "date_inferred": self.date_inferred,
                "summary": self.summary, "first_reported": self.first_reported,
                "disputes": [c.as_dict() for c in self.disputes]}

    def text(self) -> str:
        """`2019 (year, inferred), related action: ban, enacted: summary`; a dispute with its own date."""
        when = _date_text(self.date, self.date_precision, self.date_inferred)
        if self.date is None and self.first_reported:
            when = f"undated, reported by {self.first_reported}"
        out = f"{when}, {KIND_LABEL.get(self.kind, self.kind)}: {self.stance}, {self.status}: {self.summary}"
        for c in self.disputes:
            out += f" — disputed by a later report: {c.text().removeprefix('disputes: ')}"
        return out


@dataclass
class Position:
    """A country's current position on a topic, with the citations for the decision claim."""

    topic: str
    country: str
    country_name: str
    decision: str
    stance: str
    status: str
    date: str | None
    date_precision: str
    date_inferred: bool
    summary: str
    conditions: list[str]
    citations: list[Citation] = field(default_factory=list)
    condition_sources: list[int] = field(default_factory=list)  # sources stating each condition
    condition_weaker: list[str] = field(default_factory=list)  # "" or why no original report states it
    earlier: list[Event] = field(default_factory=list)

    def conditions_text(self) -> list[str]:
        """Each condition with the number of sources that state it, and the quality of a weaker one."""
        return [f"{c} ({n} source{'s' if n != 1 else ''}{w})"
                for c, n, w in zip(self.conditions, self.condition_sources, self.condition_weaker, strict=True)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "country": self.country,
            "country_name": self.country_name,
            "decision": self.decision,
            "stance": self.stance,
            "status": self.status,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_inferred": self.date_inferred,
            "summary": self.summary,
            "conditions": list(self.conditions),
            "condition_sources": list(self.condition_sources),
            "citations": [c.as_dict() for c in self.citations],
            "earlier_events": [e.as_dict() for e in self.earlier],
        }

    def date_text(self) -> str:
        """`2020-01-28 (day, inferred)`, `2019-05 (month)`, `2019 (year)`, or `unknown`."""
        return _date_text(self.date, self.date_precision, self.date_inferred)


def _check_as_of(as_of: str | None) -> None:
    if as_of is not None:
        check_as_of(as_of)


def _resolve_topic(conn: sqlite3.Connection, topic: str | None) -> str:
    if topic is None:
        # The first topic whose id is text: a damaged id (checks off) could not name its rows.
        ids = [r["id"] for r in _rows(conn, "SELECT id FROM topics ORDER BY id LIMIT 1000", {})]
        readable = [i for i in ids if isinstance(i, str) and i and not isinstance(i, checks.LenientText)]
        if not readable:
            raise ValueError("the database has no topics" if not ids else "the database has no readable topic id")
        return readable[0]
    if _cursor(conn).execute("SELECT 1 FROM topics WHERE id = ? ORDER BY id LIMIT 1", (topic,)).fetchone() is None:
        raise ValueError(f"unknown topic '{topic}'")
    return topic


def _printable(text: str) -> str:
    """Control characters written out as escapes: a damage line goes to a terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def say_damaged(record: DamagedRecord) -> None:
    print(f"techstance: warning: {_printable(record.line)} (left out of the export)", file=sys.stderr)


def _position(r: sqlite3.Row) -> Position:
    """A current decision as the read boundary checks it (db/store/row_checks.py); raises Damaged."""
    c = checks.Checked(r, "decisions")
    precision = c.choice("date_precision", checks.PRECISIONS, "a date precision")
    try:
        conditions = conditions_of(c.key, r["conditions"])
    except ValueError:
        c.fail("conditions", f"{checks.shown(r['conditions'])} is not a JSON list of strings")
    country = c.name("country")
    name = checks.Checked(r, "countries", key="country", key_prefix="").optional("country_name")
    return Position(topic=c.name("topic"), country=country, country_name=name or country, decision=c.name("id"),
                    stance=c.choice("stance", checks.STANCES, "a stance"),
                    status=c.choice("status", checks.STATUSES, "a status"), date=c.date("date", precision),
                    date_precision=precision, date_inferred=c.flag("date_inferred"), summary=c.text("summary"),
                    conditions=conditions)


def _citation(r: sqlite3.Row, role: str | None = None) -> Citation:
    """One excerpt with its source, checked; raises Damaged naming the evidence or the source."""
    e = checks.Checked(r, "evidence", key="id" if role is None else "source", prefix="e_")
    s = checks.Checked(r, "sources", key="source", prefix="s_", key_prefix="e_")
    start, end = e.span()
    if r["e_matches"] == 0:
        e.fail("excerpt", f"is not what source '{r['e_source']}' says at [{start}, {end})")
    precision = "unknown" if r["s_date_precision"] is None else s.choice("date_precision", checks.PRECISIONS,
                                                                           "a date precision")
    return Citation(source=e.name("source"), outlet=s.optional("outlet"), published=s.date("published", precision),
                    published_precision=precision, published_inferred=bool(s.integer("date_inferred", 0, 1))
                    if r["s_date_inferred"] is not None else False, excerpt=e.text("excerpt"),
                    role=role or e.choice("role", checks.ROLES, "supports or disputes"), start=start, end=end,
                    quality=s.choice("quality", checks.QUALITIES, "a source quality"))


def _event(r: sqlite3.Row) -> Event:
    c = checks.Checked(r, "decisions")
    precision = c.choice("date_precision", checks.PRECISIONS, "a date precision")
    return Event(decision=c.name("id"), kind=c.choice("kind", checks.KINDS, "a kind of record"),
                 stance=c.choice("stance", checks.STANCES, "a stance"),
                 status=c.choice("status", checks.STATUSES, "a status"), date=c.date("date", precision),
                 date_precision=precision, date_inferred=c.flag("date_inferred"), summary=c.text("summary"),
                 first_reported=c.optional("ordered_on"))


def current_positions(conn: sqlite3.Connection, topic: str | None = None,
                      as_of: str | None = None,
                      on_damaged: Callable[[DamagedRecord], None] = say_damaged) -> list[Position]:
    """The positions export_positions writes out, ordered by country name then code. A record the read
    boundary refuses is left out, one record at a time, and `on_damaged` is told (by default: a line on
    stderr), so one bad value never costs the whole export."""
    _check_as_of(as_of)
    said: set[tuple[str, str, str]] = set()

    def damaged(record: DamagedRecord) -> None:
        if (record.table, record.id, record.field) not in said:
            said.add((record.table, record.id, record.field))
            on_damaged(record)

    topic = _resolve_topic(conn, topic)
    positions: list[Position] = []
    by_id: dict[str, Position] = {}
    params = {"topic": topic, "as_of": as_of}
    refused: set[object] = set()
    for r in _rows(conn, _POSITIONS_SQL, params):
        if r["id"] in refused:
            continue
        position = by_id.get(r["id"])
        if position is None:
            try:
                position = _position(r)
            except checks.Damaged as damage:
                refused.add(r["id"])
                damaged(damage.record)
                continue
            by_id[position.decision] = position
            positions.append(position)
        if r["e_id"] is not None:
            try:
                position.citations.append(_citation(r))
            except checks.Damaged as damage:
                damaged(damage.record)
    counts: dict[tuple[str, str], tuple[int, str]] = {}
    for r in _rows(conn, _CONDITION_SOURCES_SQL, params):
        weaker = ""
        if r["n"] and not r["originals"]:
            label = QUALITY_LABEL.get(r["quality"], r["quality"])
            weaker = f": {label}" if r["n"] == 1 else ", none an original report"
        counts[(r["claim_id"], r["claim_field"])] = (r["n"], _printable(str(weaker)))
    by_country = {p.country: p for p in positions}
    events: dict[str, Event] = {}
    for r in _rows(conn, _HISTORY_SQL, params):
        position = by_country.get(r["country"])
        if position is None or r["id"] == position.decision or r["id"] in refused:
            continue
        event = events.get(r["id"])
        if event is None:
            try:
                event = events[r["id"]] = _event(r)
            except checks.Damaged as damage:
                refused.add(r["id"])
                damaged(damage.record)
                continue
            position.earlier.append(event)
        if r["e_excerpt"] is not None:
            try:
                event.disputes.append(_citation(r, role="disputes"))
            except checks.Damaged as damage:
                damaged(damage.record)
    for p in positions:
        stated = [counts.get((p.decision, f"condition:{i}"), (0, "")) for i in range(len(p.conditions))]
        p.condition_sources = [n for n, _ in stated]
        p.condition_weaker = [w for _, w in stated]
    return positions


def _rows(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[sqlite3.Row]:
    """All rows of a query; text that is not UTF-8 (checks off) read leniently, not a failed export."""
    try:
        return _cursor(conn).execute(sql, params).fetchall()
    except sqlite3.OperationalError as err:
        if not str(err).startswith("Could not decode to UTF-8"):
            raise
    saved = conn.text_factory
    conn.text_factory = checks.tolerant_text
    try:
        return _cursor(conn).execute(sql, params).fetchall()
    finally:
        conn.text_factory = saved


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def markdown_cell(text: str) -> str:
    """Text made safe for one cell of a markdown table: `|` escaped, line breaks as `<br>`.
    Everything else (markup characters included) is left exactly as it is."""
    return _LINE_BREAK.sub("<br>", text.replace("|", "\\|"))


def _markdown(positions: list[Position]) -> str:
    lines = ["| " + " | ".join(MARKDOWN_COLUMNS) + " |", "|" + " --- |" * len(MARKDOWN_COLUMNS)]
    for p in positions:
        cells = [
            f"{p.country_name} ({p.country})", p.stance, p.status, p.date_text(), p.summary,
            "<br>".join(markdown_cell(c) for c in p.conditions_text()),
            "<br>".join(markdown_cell(c.text()) for c in p.citations),
            "<br>".join(markdown_cell(e.text()) for e in p.earlier),
        ]
        escaped = [markdown_cell(c) for c in cells[:5]] + cells[5:]
        lines.append("| " + " | ".join(escaped) + " |")
    return "\n".join(lines) + "\n"


# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...), +cmd|...).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a formula-leading cell gets a leading
    single quote (OWASP's advice on CSV injection); every other cell is left as it is."""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def _csv(positions: list[Position]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in positions:
        writer.writerow([csv_cell(cell) for cell in (
            p.topic, p.country, p.country_name, p.decision, p.stance, p.status, p.date or "",
            p.date_precision, "true" if p.date_inferred else "false", p.summary,
            "\n".join(p.conditions_text()), "\n".join(c.text() for c in p.citations),
            "\n".join(e.text() for e in p.earlier),
        )])
    return out.getvalue()


def write_export(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: into a temporary file beside it, flushed to disk,
    then renamed over it, so a full disk or a kill midway leaves the old file as it was."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        else:  # as open() would have made it: 0o666 less the umask (mkstemp makes 0o600)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_positions(conn: sqlite3.Connection, fmt: Literal["csv", "json", "markdown"], topic: str | None = None,
                     as_of: str | None = None, on_damaged: Callable[[DamagedRecord], None] = say_damaged) -> str:
    """The current positions (one row per country with a decision on the topic; default topic: the first by id)
    with stance, status, date (and precision, 'inferred' when inferred), summary, conditions, and citations
    (outlet or 'unknown outlet', source date, excerpt) for the decision claim; `as_of` (YYYY-MM-DD) gives the
    positions as they stood on that date: only events whose ordering date (see db/store/schema.py LATEST_FIRST: the
    event's date, or for an undated event the earliest published date of a source supporting it) is on or before
    it; partial dates compare as their start (2019-05 is on or before 2019-05-31). Markdown is a table ready for a
    report (escape | and newlines in cells; text from sources is emitted literally otherwise); CSV via the csv
    module with a header row; JSON a list of objects, deterministic key order, ensure_ascii=False.

    Rows are ordered by country name, then code; citations supporting the claim come before those disputing
    it (prefixed `disputes: ` in CSV and markdown, `"role": "disputes"` in JSON). An event with no ordering
    date (undated, and no dated source supports it) stands in the positions without `as_of`, but on no date.
    In CSV, conditions and citations are one per line within their cell; in markdown, one per `<br>`.
    Raises ValueError (one line) for an unknown format or topic, a malformed `as_of`, or a database without
    topics. A damaged record is left out and `on_damaged` told (by default, a line on stderr).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    positions = current_positions(conn, topic, as_of, on_damaged)
    if fmt == "json":
        return json.dumps([p.as_dict() for p in positions], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(positions)
    return _markdown(positions)
