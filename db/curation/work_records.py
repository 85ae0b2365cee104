"""The curators' work that seed files carry besides the curated records: quotations proposed for
review (`proposals/<source id>.toml`) and the log of every change made after a build
(`history/<UTC second>-<digest>.toml`).

Both folders are optional (the bundled seeds have neither). With them an exported tracker rebuilds
into the same database, work in progress and audit trail included, instead of losing them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator
from techstance.db.store.records import FieldError, ProposalStatus, SeedModel, Slug

NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class ProposalRecord(SeedModel):
    """A quotation the importer found in a source, as the `proposed_quotes` table holds it."""

    id: NonEmpty
    source: Slug
    topic: Slug | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: NonEmpty
    speaker: str | None = None
    speaker_start: int | None = Field(default=None, ge=0)
    speaker_end: int | None = Field(default=None, ge=0)
    cue: str | None = None
    # The evidence of the attribution (issue 16): where the cue is, how sure, and why.
    cue_start: int | None = Field(default=None, ge=0)
    cue_end: int | None = Field(default=None, ge=0)
    confidence: float | None = Field(default=None, ge=0, le=1)
    reason: str | None = None
    status: ProposalStatus = "proposed"
    quote: Slug | None = None  # the quote an accepted proposal became

    @model_validator(mode="after")
    def _check(self) -> ProposalRecord:
        if self.end - self.start != len(self.text):
            raise FieldError("text", f"span [{self.start}, {self.end}) is {self.end - self.start} characters "
                                     f"but the text is {len(self.text)}")
        if (self.speaker_start is None) != (self.speaker_end is None):
            raise FieldError("speaker_end", "speaker_start and speaker_end go together")
        if self.speaker_start is not None and self.speaker_end is not None and self.speaker_end <= self.speaker_start:
            raise FieldError("speaker_end", f"speaker span [{self.speaker_start}, {self.speaker_end}) is empty")
        if self.status == "accepted" and self.quote is None:
            raise FieldError("quote", "an accepted proposal names the quote it became")
        if self.status != "accepted" and self.quote is not None:
            raise FieldError("quote", f"a {self.status} proposal became no quote")
        return self


def _json_or_none(value: str | None, field: str) -> None:
    if value is None:
        return
    try:
        json.loads(value)
    except json.JSONDecodeError as err:
        raise FieldError(field, f"not JSON: {err.msg} at character {err.pos}") from None


class EditEntry(SeedModel):
    """One row of the `edits` audit log. `before` and `after` are kept as the JSON text the database
    holds, character for character, so a rebuild gives back the same rows. Its number is not kept: a
    build numbers the entries in time order (two analysts' logs merged interleave by time)."""

    at: NonEmpty
    action: NonEmpty
    record_table: NonEmpty
    record_id: NonEmpty
    before: str | None = None
    after: str | None = None
    note: str | None = None

    @field_validator("at")
    @classmethod
    def _timestamp(cls, value: str) -> str:
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 timestamp: {value!r}") from None
        return value

    @model_validator(mode="after")
    def _check(self) -> EditEntry:
        _json_or_none(self.before, "before")
        _json_or_none(self.after, "after")
        return self

    def key(self) -> tuple[str, str, str, str, str | None, str | None, str | None]:
        """What makes two entries the same change (their numbers may differ between databases)."""
        return (self.at, self.action, self.record_table, self.record_id, self.before, self.after, self.note)
