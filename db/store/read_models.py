"""Typed models the query module hands to the UI: widgets never see SQL rows.

Frozen dataclasses, not pydantic: these rows come from our own validated database, so there is
nothing to validate, and importing pydantic would add ~100 ms to every dashboard start. Each is
made a dataclass when its first instance is built (db/store/model_class.py).
"""

from __future__ import annotations

from dataclasses import field

# The models' decorator, re-exported for the other modules' models (edits, forms, opening).
from techstance.db.store.model_class import read_model as read_model

# How a source that is not an outlet's own report is marked beside its excerpts (UI and export).
QUALITY_LABEL = {"original": "original report", "relayed": "relayed report",
                 "paraphrase": "machine paraphrase", "opinion": "opinion"}
KIND_LABEL = {"decision": "decision", "related": "related action", "view": "stated view"}


@read_model
class DamagedRecord:
    """A row that failed the read boundary's checks (db/store/row_checks.py): shown as a marked
    line naming its table, id and field, in place of the record, so the rest of the screen works."""

    table: str
    id: str  # the row's key as text (repr() when the stored key is not text)
    field: str
    problem: str

    @property
    def line(self) -> str:
        return f"⚠ damaged record · {self.table} · {self.id} · {self.field}: {self.problem}"


@read_model
class TopicInfo:
    id: str
    title: str
    description: str
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class CountryInfo:
    code: str
    name: str
    region: str
    tile_row: int
    tile_col: int
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class CountryTile:
    """A country on the map with its current position on one topic (None: no decision)."""

    country: CountryInfo
    stance: str | None = None
    status: str | None = None
    date: str | None = None
    decision: str | None = None
    disputed: bool = False
    # As of a date: this decision's period (a year, a month) is under way, so it may or may not
    # have happened yet (db/store/positions.py); it is shown marked, never as certain.
    uncertain: bool = False
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class SourceRef:
    id: str
    outlet: str | None
    title: str | None
    published: str | None
    date_precision: str
    date_inferred: bool
    quality: str = "original"  # original, relayed, paraphrase or opinion

    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong
    @property
    def weaker(self) -> bool:
        """Not the outlet's own report: its wording (or more) is not to be taken as the event's."""
        return self.quality != "original"


@read_model
class EvidenceItem:
    id: str
    claim_table: str
    claim_id: str
    claim_field: str
    role: str
    source: SourceRef
    start: int
    end: int
    excerpt: str
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class DecisionEvent:
    id: str
    topic: str
    country: str
    stance: str
    status: str
    date: str | None
    date_precision: str
    date_inferred: bool
    summary: str
    conditions: list[str]
    evidence: list[EvidenceItem]
    kind: str = "decision"  # decision (on the topic), related (another action) or view (a stated position)
    uncertain: bool = False  # as of a date within the event's period (a year, a month): not yet certain
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong

    def supporting_sources(self, claim: str = "decision") -> int:
        """How many distinct sources state one claim field of this event ('decision', 'date',
        'condition:N'): the build refuses an excerpt that does not state what it is cited for."""
        return len({e.source.id for e in self.evidence if e.claim_field == claim
                    and e.role == "supports"})

    def disputes(self) -> list[EvidenceItem]:
        return [e for e in self.evidence if e.role == "disputes"]

    def first_reported(self) -> SourceRef | None:
        """The earliest dated source that reports this event: the date of 'an earlier report said'."""
        dated = [e.source for e in self.evidence
                 if e.claim_field == "decision" and e.role == "supports" and e.source.published]
        return min(dated, key=lambda s: (s.published or "", s.id)) if dated else None


@read_model
class CountryDetail:
    """Everything the decision pane shows: the current position (the latest decision on the topic;
    None when there is none), then every other event latest first, related actions and views included."""

    country: CountryInfo
    current: DecisionEvent | None
    timeline: list[DecisionEvent]
    as_of: str | None = None  # as it stood at the end of this day (YYYY-MM-DD); None: today


@read_model
class ActorInfo:
    id: str
    name: str
    kind: str
    role: str | None
    affiliation: str | None
    country: str | None
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class QuoteItem:
    id: str
    topic: str
    country: str | None
    text: str
    said_on: str | None
    actor: ActorInfo
    source: SourceRef
    start: int
    end: int
    attribution: str = ""  # how the speaker was decided, when the text does not say it beside the quote
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class SourceDoc:
    ref: SourceRef
    seed_file: str | None
    notes: str
    sha256: str
    text: str
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class SearchHit:
    """One full-text match; `kind` is quote, source, decision or actor."""

    kind: str
    id: str
    label: str
    snippet: str
    country: str | None = None
    topic: str | None = None
    country_name: str | None = None  # the country's name, for people to read (country is its code)
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class Excerpt:
    """A span of a source that evidence cites, with how many claims cite it."""

    start: int
    end: int
    claims: int
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong


@read_model
class SearchResults:
    """Hits grouped by kind. `counts`: matches per kind, counted up to RANK_LIMIT + 1 (more than
    RANK_LIMIT are shown unranked, in stored order); `slow`: kinds whose search ran out of its
    time budget and was cut short."""

    hits: list[SearchHit]
    counts: dict[str, int] = field(default_factory=dict)
    slow: list[str] = field(default_factory=list)

    @property
    def more(self) -> list[str]:
        return [kind for kind, n in self.counts.items() if n > len([h for h in self.hits if h.kind == kind])]


# ----- the analyst's views (issue 15): people, positions, disputes, timeline -----
@read_model
class PersonView:
    """One speaker (a person, a body or a company) and every quote of theirs, newest first."""

    actor: ActorInfo
    affiliation_country: CountryInfo | None
    quotes: list[QuoteItem]
    country_names: dict[str, str]  # code -> name, for the quotes' countries
    more: bool  # more quotes than the limit read


@read_model
class Speaker:
    """A person, body or company in the list of people, with how many quotes of theirs are held."""

    actor: ActorInfo
    quotes: int


@read_model
class TimelineEvent:
    """One dated (or undated) event in a country's history; `placed_on` is the date it is ordered
    by: its own, or for an undated event the earliest date a supporting source reports it."""

    id: str
    stance: str
    status: str
    date: str | None
    date_precision: str
    date_inferred: bool
    placed_on: str | None
    summary: str
    disputed: bool
    kind: str = "decision"  # decision on the topic, related action or stated view (only decisions set a position)
    damage: DamagedRecord | None = None  # set: a placeholder; damage.line says what is wrong
    uncertain: bool = False  # read as of a date within the event's period (a year, a month): not yet certain


@read_model
class CountryTimeline:
    country: CountryInfo
    events: list[TimelineEvent]  # oldest first


@read_model
class Position:
    """A country's current position: its latest event, since when it has held that stance (the
    first of the latest run of events with this stance), how many sources back it, disputed."""

    country: CountryInfo
    current: TimelineEvent
    since: TimelineEvent
    sources: int
    disputed: bool


@read_model
class Dispute:
    """A decision some sources dispute: both sides, each excerpt with its source and date."""

    country: CountryInfo
    event: TimelineEvent
    supports: list[EvidenceItem]
    disputes: list[EvidenceItem]
