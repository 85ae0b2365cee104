"""Pydantic models of the curated seed records.

The same models validate the seed build and (later) every edit made in the app, so a record
that the build would refuse can never reach the database by another path.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]

Stance = Literal["ban", "restrict", "allow", "undecided"]
Status = Literal["enacted", "announced", "expected", "reported"]
DatePrecision = Literal["day", "month", "year", "unknown"]
# What a decision record is: a decision on the topic itself (the only kind that sets a country's
# current position), a related action (a trade blacklist, a procurement rule) or a stated view.
DecisionKind = Literal["decision", "related", "view"]
# What kind of text a source is. Anything but "original" is marked beside its excerpts.
SourceQuality = Literal["original", "relayed", "paraphrase", "opinion"]
# How a date is read from its excerpt (db/store/support.py applies each rule).
DateRule = Literal["stated", "weekday-before-published", "month-before-published", "last-year", "recent"]
ActorKind = Literal["person", "body", "company", "anonymous", "document"]
EvidenceRole = Literal["supports", "disputes"]
# A quotation the importer found: waiting for review, or what review made of it.
ProposalStatus = Literal["proposed", "accepted", "rejected"]

STANCES: tuple[str, ...] = ("ban", "restrict", "allow", "undecided")
STATUSES: tuple[str, ...] = ("enacted", "announced", "expected", "reported")
KINDS: tuple[str, ...] = ("decision", "related", "view")
QUALITIES: tuple[str, ...] = ("original", "relayed", "paraphrase", "opinion")
PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3}

_DATE_SHAPES = {"day": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$", "year": r"^\d{4}$"}
_SHAPE_NAMES = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}
# What a claim of evidence may point at: the record as a whole, its date, or one condition.
DECISION_FIELDS: tuple[str, ...] = ("decision", "date")
CONDITION_PREFIX = "condition:"  # followed by the condition's index, from 0
QUOTE_FIELDS: tuple[str, ...] = ("quote", "said_on")
DECISION_CLAIMS = re.compile(rf"^({'|'.join(DECISION_FIELDS)}|{CONDITION_PREFIX}\d+)$")
QUOTE_CLAIMS = re.compile(rf"^({'|'.join(QUOTE_FIELDS)})$")
# The tile map's grid: rows and columns 0..TILE_LIMIT. The schema refuses a tile outside it, so the
# map's work is bounded by the grid, not by whatever number a file holds.
TILE_LIMIT = 99


class FieldError(ValueError):
    """A check across fields that still belongs to one field, so errors can name it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_partial_date(value: str | None, precision: str, field: str = "date") -> None:
    """Raise FieldError unless `value` is a real date written to exactly `precision`."""
    if precision == "unknown":
        if value is not None:
            raise FieldError(field, "a date is given but its precision is 'unknown'")
        return
    if value is None:
        raise FieldError(field, f"precision is '{precision}' but no date is given")
    if not re.match(_DATE_SHAPES[precision], value):
        raise FieldError(field, f"malformed date {value!r}: precision '{precision}' needs {_SHAPE_NAMES[precision]}")
    try:
        dt.date.fromisoformat({"day": value, "month": value + "-01", "year": value + "-01-01"}[precision])
    except ValueError:
        raise FieldError(field, f"malformed date {value!r}: no such day") from None


class SeedModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Topic(SeedModel):
    id: Slug
    title: NonEmpty
    description: str = ""


class Country(SeedModel):
    """A country, or a body that takes decisions like one (the EU), placed on the tile map."""

    code: CountryCode
    name: NonEmpty
    region: NonEmpty
    tile_row: int = Field(ge=0, le=TILE_LIMIT)
    tile_col: int = Field(ge=0, le=TILE_LIMIT)


class Source(SeedModel):
    id: Slug
    seed_file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.txt$")]
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    date_precision: DatePrecision = "unknown"
    date_inferred: bool = False
    quality: SourceQuality = "original"
    sha256: Sha256
    notes: str = ""

    @model_validator(mode="after")
    def _date_matches_precision(self) -> Source:
        check_partial_date(self.published, self.date_precision, "published")
        if self.date_inferred and self.published is None:
            raise FieldError("date_inferred", "date_inferred is set but no date is given")
        return self


class Actor(SeedModel):
    id: Slug
    name: NonEmpty
    kind: ActorKind
    role: str | None = None
    affiliation: str | None = None
    country: CountryCode | None = None


class Evidence(SeedModel):
    """A character span [start, end) of a source that supports or disputes one claim."""

    claim: str = "decision"
    source: Slug
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    excerpt: NonEmpty
    role: EvidenceRole = "supports"
    # Only for a date claim: how the date is read from the excerpt (see DateRule).
    date_rule: DateRule | None = None

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Evidence:
        if self.end <= self.start:
            raise FieldError("end", f"span [{self.start}, {self.end}) is empty or reversed")
        if self.end - self.start != len(self.excerpt):
            raise FieldError("excerpt",
                f"span [{self.start}, {self.end}) is {self.end - self.start} characters "
                f"but the excerpt is {len(self.excerpt)}"
            )
        if self.date_rule is not None and self.claim not in ("date", "said_on"):
            raise FieldError("date_rule", f"a date_rule belongs to a date claim, not to {self.claim!r}")
        return self


class Decision(SeedModel):
    id: Slug
    topic: Slug
    country: CountryCode
    kind: DecisionKind = "decision"
    stance: Stance
    status: Status
    date: str | None = None
    date_precision: DatePrecision = "unknown"
    date_inferred: bool = False
    summary: NonEmpty
    conditions: list[NonEmpty] = []
    # Claim field ('decision', 'condition:N') -> the names, places, bodies and titles it asserts,
    # each written as it appears in the claim. Numbers, dates, months and weekdays are found
    # without being declared (db/store/support.py).
    specifics: dict[str, list[NonEmpty]] = {}
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _check(self) -> Decision:
        check_partial_date(self.date, self.date_precision)
        for claim in self.specifics:
            if not DECISION_CLAIMS.match(claim) or claim == "date":
                raise FieldError("specifics", f"specifics are declared for 'decision' or 'condition:N', not {claim!r}")
        for item in self.evidence:
            if not DECISION_CLAIMS.match(item.claim):
                raise FieldError("evidence",
                    f"evidence claim {item.claim!r} is not 'decision', 'date' or 'condition:N'"
                )
        return self


class Quote(SeedModel):
    """A direct quotation; its own span is its first piece of evidence."""

    id: Slug
    topic: Slug
    actor: Slug
    country: CountryCode | None = None
    text: NonEmpty
    said_on: str | None = None
    said_on_precision: DatePrecision = "unknown"
    source: Slug
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    # How the speaker was decided when the text does not say it next to the quotation
    # (a pull-quote without quotation marks, a partial quote attributed by its sentence).
    attribution: str = ""
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _check(self) -> Quote:
        check_partial_date(self.said_on, self.said_on_precision, "said_on")
        if self.end - self.start != len(self.text):
            raise FieldError("text",
                f"span [{self.start}, {self.end}) is {self.end - self.start} characters "
                f"but the text is {len(self.text)}"
            )
        for item in self.evidence:
            if not QUOTE_CLAIMS.match(item.claim):
                raise FieldError("evidence", f"evidence claim {item.claim!r} is not 'quote' or 'said_on'")
        return self
