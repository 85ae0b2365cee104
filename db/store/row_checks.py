"""The read boundary: every row is checked on its way into the read models.

A file may hold anything: CHECK constraints can be switched off (`PRAGMA ignore_check_constraints`),
and another tool may have written the file with a looser declaration. A row that fails here becomes
a placeholder model carrying a DamagedRecord (table, id, field, what is wrong), one record at a time,
so one bad decision never hides the others and one bad country never hides the map.

No pydantic here: the models in records.py would cost ~100 ms at every dashboard start; these checks
are the same vocabularies (tests/hardening/test_read_boundary.py holds them equal).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable, Collection
from typing import NoReturn, TypeVar

from techstance.db.store.read_models import (
    ActorInfo,
    CountryInfo,
    DamagedRecord,
    DecisionEvent,
    EvidenceItem,
    Excerpt,
    QuoteItem,
    SearchHit,
    SourceDoc,
    SourceRef,
    TimelineEvent,
    TopicInfo,
)
from techstance.db.store.row_values import conditions_of

STANCES = ("ban", "restrict", "allow", "undecided")
STATUSES = ("enacted", "announced", "expected", "reported")
KINDS = ("decision", "related", "view")
QUALITIES = ("original", "relayed", "paraphrase", "opinion")
PRECISIONS = ("day", "month", "year", "unknown")
ACTOR_KINDS = ("person", "body", "company", "anonymous", "document")
ROLES = ("supports", "disputes")
# The map's bounds, as the seed records have them (records.Country: 0..99).
TILE_LIMIT = 99
# Spans are offsets into a source's text; the importer refuses articles far below this.
SPAN_LIMIT = 2**31
CLAIM_FIELDS = {"decisions": re.compile(r"^(decision|date|condition:\d{1,6})$"),
                "quotes": re.compile(r"^(quote|said_on)$")}
_DATE_SHAPES = {"day": re.compile(r"^\d{4}-\d{2}-\d{2}$"), "month": re.compile(r"^\d{4}-\d{2}$"),
                "year": re.compile(r"^\d{4}$")}
SHOWN_VALUE = 60  # characters of a bad value quoted in its damage line

_Model = TypeVar("_Model")


class Damaged(Exception):
    def __init__(self, record: DamagedRecord) -> None:
        super().__init__(record.line)
        self.record = record


def shown(value: object) -> str:
    """A stored value as a damage line quotes it: repr (controls escaped), cut short."""
    text = repr(value)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


def key_text(value: object) -> str:
    """A row's key as text, for a damage line and for a placeholder's id."""
    return value if isinstance(value, str) and value else f"⚠ {shown(value)}"


class Checked:
    """One row of one table, read field by field; the first bad field raises Damaged."""

    def __init__(self, row: sqlite3.Row, table: str, key: str = "id", prefix: str = "",
                 key_prefix: str | None = None) -> None:
        self.row, self.table, self.prefix = row, table, prefix
        self.key = key_text(row[(prefix if key_prefix is None else key_prefix) + key])

    def raw(self, column: str) -> object:
        return self.row[self.prefix + column]

    def fail(self, column: str, problem: str) -> NoReturn:
        raise Damaged(DamagedRecord(table=self.table, id=self.key, field=column, problem=problem))

    def text(self, column: str) -> str:
        value = self.raw(column)
        if not isinstance(value, str):
            self.fail(column, f"{shown(value)} is not text")
        if isinstance(value, LenientText):
            self.fail(column, f"{shown(str(value))} is not UTF-8 text")
        return value

    def name(self, column: str) -> str:
        """Text that identifies or labels something: never empty."""
        value = self.text(column)
        if not value:
            self.fail(column, "is empty")
        return value

    def optional(self, column: str) -> str | None:
        return None if self.raw(column) is None else self.text(column)

    def choice(self, column: str, allowed: Collection[str], what: str) -> str:
        value = self.raw(column)
        if value not in allowed:
            self.fail(column, f"{shown(value)} is not {what}")
        assert isinstance(value, str)
        return value

    def integer(self, column: str, low: int, high: int) -> int:
        value = self.raw(column)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(column, f"{shown(value)} is not a whole number")
        if not low <= value <= high:
            self.fail(column, f"{shown(value)} is outside {low}..{high}")
        return value

    def flag(self, column: str) -> bool:
        return bool(self.integer(column, 0, 1))

    def date(self, column: str, precision: str) -> str | None:
        """A date written to exactly its precision (the build's rule, records.check_partial_date)."""
        value = self.optional(column)
        if precision == "unknown" or value is None:
            return None if precision == "unknown" else value
        if not _DATE_SHAPES[precision].match(value):
            self.fail(column, f"{shown(value)} is not a date of precision {precision}")
        try:
            dt.date.fromisoformat({"day": value, "month": value + "-01", "year": value + "-01-01"}[precision])
        except ValueError:
            self.fail(column, f"{shown(value)} is no such day")
        return value

    def span(self, start: str = "start", end: str = "end") -> tuple[int, int]:
        first, last = self.integer(start, 0, SPAN_LIMIT), self.integer(end, 0, SPAN_LIMIT)
        if last < first:
            self.fail(end, f"{last} is before its start {first}")
        return first, last


def checked(build: Callable[[], _Model], placeholder: Callable[[DamagedRecord], _Model]) -> _Model:
    """The model a row makes, or its placeholder naming what is wrong."""
    try:
        return build()
    except Damaged as damage:
        return placeholder(damage.record)


def _str_or(value: object, fallback: str) -> str:
    return value if isinstance(value, str) else fallback


# ----- one builder per read model: the checks, then the placeholder -----
def topic(row: sqlite3.Row) -> TopicInfo:
    c = Checked(row, "topics")

    def build() -> TopicInfo:
        return TopicInfo(id=c.name("id"), title=c.name("title"), description=c.text("description"))

    return checked(build, lambda d: TopicInfo(id=c.key, title=d.line, description="", damage=d))


def country(row: sqlite3.Row, prefix: str = "") -> CountryInfo:
    c = Checked(row, "countries", key="code", prefix=prefix)

    def build() -> CountryInfo:
        return CountryInfo(code=c.name("code"), name=c.name("name"), region=c.name("region"),
                           tile_row=c.integer("tile_row", 0, TILE_LIMIT), tile_col=c.integer("tile_col", 0, TILE_LIMIT))

    def placeholder(d: DamagedRecord) -> CountryInfo:
        # Off the map (-1): the map lists it as damaged instead of placing it.
        return CountryInfo(code=c.key, name=d.line, region="⚠ damaged records", tile_row=-1, tile_col=-1, damage=d)

    return checked(build, placeholder)


def source_ref(row: sqlite3.Row) -> SourceRef:
    """A source's reference (columns under s_); raises Damaged, as the item citing it is damaged too."""
    c = Checked(row, "sources", prefix="s_")
    precision = c.choice("date_precision", PRECISIONS, "a date precision")
    return SourceRef(id=c.name("id"), outlet=c.optional("outlet"), title=c.optional("title"),
                     published=c.date("published", precision), date_precision=precision,
                     date_inferred=c.flag("date_inferred"), quality=c.choice("quality", QUALITIES, "a source quality"))


def _placeholder_source(row: sqlite3.Row) -> SourceRef:
    return SourceRef(id=_str_or(row["s_id"], ""), outlet=None, title=None, published=None,
                     date_precision="unknown", date_inferred=False)


def actor(row: sqlite3.Row, prefix: str = "") -> ActorInfo:
    c = Checked(row, "actors", prefix=prefix)

    def build() -> ActorInfo:
        return ActorInfo(id=c.name("id"), name=c.name("name"), kind=c.choice("kind", ACTOR_KINDS, "a kind of actor"),
                         role=c.optional("role"), affiliation=c.optional("affiliation"), country=c.optional("country"))

    return checked(build, lambda d: ActorInfo(id=c.key, name=d.line, kind="anonymous", role=None, affiliation=None,
                                              country=None, damage=d))


def evidence_item(row: sqlite3.Row) -> EvidenceItem:
    c = Checked(row, "evidence")

    def build() -> EvidenceItem:
        table = c.choice("claim_table", CLAIM_FIELDS, "a table evidence can support")
        field = c.text("claim_field")
        if not CLAIM_FIELDS[table].match(field):
            c.fail("claim_field", f"{shown(field)} is not a claim of {table}")
        start, end = c.span()
        return EvidenceItem(id=c.name("id"), claim_table=table, claim_id=c.name("claim_id"), claim_field=field,
                            role=c.choice("role", ROLES, "supports or disputes"), start=start, end=end,
                            excerpt=c.name("excerpt"), source=source_ref(row))

    def placeholder(d: DamagedRecord) -> EvidenceItem:
        # Listed under its claim when that can be read; its role "damaged" is counted by no one.
        field = row["claim_field"]
        table = row["claim_table"]
        claim = field if isinstance(field, str) and table in CLAIM_FIELDS and CLAIM_FIELDS[table].match(field) \
            else "decision"
        return EvidenceItem(id=c.key, claim_table=_str_or(table, ""), claim_id=_str_or(row["claim_id"], ""),
                            claim_field=claim, role="damaged", start=0, end=0, excerpt=d.line,
                            source=_placeholder_source(row), damage=d)

    return checked(build, placeholder)


def decision_event(row: sqlite3.Row, evidence: list[EvidenceItem], uncertain: bool = False) -> DecisionEvent:
    c = Checked(row, "decisions")

    def build() -> DecisionEvent:
        precision = c.choice("date_precision", PRECISIONS, "a date precision")
        try:
            conditions = conditions_of(c.key, row["conditions"])
        except ValueError:
            c.fail("conditions", f"{shown(row['conditions'])} is not a JSON list of strings")
        return DecisionEvent(id=c.name("id"), topic=c.name("topic"), country=c.name("country"),
                             kind=c.choice("kind", KINDS, "a kind of record"),
                             stance=c.choice("stance", STANCES, "a stance"),
                             status=c.choice("status", STATUSES, "a status"), date=c.date("date", precision),
                             date_precision=precision, date_inferred=c.flag("date_inferred"),
                             summary=c.name("summary"), conditions=conditions, evidence=evidence,
                             uncertain=uncertain)

    def placeholder(d: DamagedRecord) -> DecisionEvent:
        # Its kind kept when readable: a damaged latest decision stays the current one, shown as damaged,
        # rather than an older decision being presented as the position.
        return DecisionEvent(id=c.key, topic=_str_or(row["topic"], ""), country=_str_or(row["country"], ""),
                             kind=row["kind"] if row["kind"] in KINDS else "related", stance="undecided",
                             status="reported", date=None, date_precision="unknown", date_inferred=False,
                             summary=d.line, conditions=[], evidence=[e for e in evidence if e.damage], damage=d)

    return checked(build, placeholder)


def timeline_event(row: sqlite3.Row) -> TimelineEvent:
    c = Checked(row, "decisions")

    def build() -> TimelineEvent:
        precision = c.choice("date_precision", PRECISIONS, "a date precision")
        return TimelineEvent(id=c.name("id"), kind=c.choice("kind", KINDS, "a kind of record"),
                             stance=c.choice("stance", STANCES, "a stance"),
                             status=c.choice("status", STATUSES, "a status"),
                             date=c.date("date", precision), date_precision=precision,
                             date_inferred=c.flag("date_inferred"), placed_on=c.optional("placed_on"),
                             summary=c.name("summary"), disputed=bool(row["disputed"]),
                             uncertain=bool(row["uncertain"]))

    def placeholder(d: DamagedRecord) -> TimelineEvent:
        return TimelineEvent(id=c.key, kind=row["kind"] if row["kind"] in KINDS else "related", stance="undecided",
                             status="reported", date=None, date_precision="unknown", date_inferred=False,
                             placed_on=row["placed_on"] if isinstance(row["placed_on"], str) else None, summary=d.line,
                             disputed=bool(row["disputed"]), damage=d)

    return checked(build, placeholder)


def quote_item(row: sqlite3.Row) -> QuoteItem:
    c = Checked(row, "quotes")

    def build() -> QuoteItem:
        start, end = c.span()
        speaker = actor(row, prefix="a_")
        if speaker.damage is not None:
            raise Damaged(speaker.damage)
        return QuoteItem(id=c.name("id"), topic=c.name("topic"), country=c.optional("country"), text=c.name("text"),
                         said_on=c.optional("said_on"), start=start, end=end, attribution=c.text("attribution"),
                         actor=speaker, source=source_ref(row))

    def placeholder(d: DamagedRecord) -> QuoteItem:
        # The keys the next page is read after are kept as stored when they can be, so paging goes on.
        start = row["start"]
        published = row["s_published"]
        source = SourceRef(id=_str_or(row["s_id"], ""), outlet=None, title=None,
                           published=published if isinstance(published, str) else None,
                           date_precision="unknown", date_inferred=False)
        return QuoteItem(id=c.key, topic=_str_or(row["topic"], ""), country=None, text=d.line, said_on=None,
                         start=start if isinstance(start, int) else 0, end=0, attribution="",
                         actor=ActorInfo(id="", name="⚠ damaged record", kind="anonymous", role=None,
                                         affiliation=None, country=None),
                         source=source, damage=d)

    return checked(build, placeholder)


def source_doc(row: sqlite3.Row) -> SourceDoc:
    c = Checked(row, "sources", prefix="s_")

    def build() -> SourceDoc:
        return SourceDoc(ref=source_ref(row), seed_file=c.optional("seed_file"), notes=c.text("notes"),
                         sha256=c.text("sha256"), text=c.text("text"))

    def placeholder(d: DamagedRecord) -> SourceDoc:
        # The reader shows the damage line as the article: literal, and the reader stays usable.
        return SourceDoc(ref=_placeholder_source(row), seed_file=None, notes="", sha256="", text=d.line, damage=d)

    return checked(build, placeholder)


def excerpt(row: sqlite3.Row) -> Excerpt:
    c = Checked(row, "evidence", key="start")

    def build() -> Excerpt:
        start, end = c.span()
        return Excerpt(start=start, end=end, claims=row["claims"])

    return checked(build, lambda d: Excerpt(start=0, end=0, claims=0, damage=d))


_HIT_TABLES = {"quote": "quotes", "decision": "decisions", "actor": "actors", "source": "sources"}


def search_hit(kind: str, row: sqlite3.Row) -> SearchHit:
    c = Checked(row, _HIT_TABLES.get(kind, kind))

    def build() -> SearchHit:
        return SearchHit(kind=kind, id=c.name("id"), label=c.text("label"), snippet=c.text("snippet"),
                         country=c.optional("country"), topic=c.optional("topic"),
                         country_name=c.optional("country_name"))

    return checked(build, lambda d: SearchHit(kind=kind, id=c.key, label="⚠ damaged record", snippet=d.line,
                                              damage=d))


class LenientText(str):
    """Text read leniently: it was not UTF-8, so its record is damaged (a key read this way would not
    find its row again)."""


def tolerant_text(data: bytes) -> str:
    """Text that is not UTF-8 (possible with checks off): read with U+FFFD and marked, never a failed read."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return LenientText(data.decode("utf-8", "replace"))
