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
DatePrecision = Literal["day", "month", "unknown"]
ActorKind = Literal["person", "body", "company", "anonymous", "document"]
EvidenceRole = Literal["supports", "disputes"]

STANCES: tuple[str, ...] = ("ban", "restrict", "allow", "undecided")
STATUSES: tuple[str, ...] = ("enacted", "announced", "expected", "reported")

_DATE_SHAPES = {"day": r"^\d{4}-\d{2}-\d{2}$", "month": r"^\d{4}-\d{2}$"}
# What a claim of evidence may point at: the record as a whole, its date, or one condition.
DECISION_CLAIMS = re.compile(r"^(decision|date|condition:\d+)$")
QUOTE_CLAIMS = re.compile(r"^(quote|said_on)$")


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
        shape = "YYYY-MM-DD" if precision == "day" else "YYYY-MM"
        raise FieldError(field, f"malformed date {value!r}: precision '{precision}' needs {shape}")
    try:
        dt.date.fromisoformat(value if precision == "day" else value + "-01")
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
    tile_row: int = Field(ge=0, le=99)
    tile_col: int = Field(ge=0, le=99)


class Source(SeedModel):
    id: Slug
    seed_file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+\.txt$")]
    outlet: str | None = None
    title: str | None = None
    published: str | None = None
    date_precision: DatePrecision = "unknown"
    date_inferred: bool = False
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

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Evidence:
        if self.end <= self.start:
            raise FieldError("end", f"span [{self.start}, {self.end}) is empty or reversed")
        if self.end - self.start != len(self.excerpt):
            raise FieldError("excerpt",
                f"span [{self.start}, {self.end}) is {self.end - self.start} characters "
                f"but the excerpt is {len(self.excerpt)}"
            )
        return self


class Decision(SeedModel):
    id: Slug
    topic: Slug
    country: CountryCode
    stance: Stance
    status: Status
    date: str | None = None
    date_precision: DatePrecision = "unknown"
    date_inferred: bool = False
    summary: NonEmpty
    conditions: list[NonEmpty] = []
    evidence: list[Evidence] = []

    @model_validator(mode="after")
    def _check(self) -> Decision:
        check_partial_date(self.date, self.date_precision)
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
