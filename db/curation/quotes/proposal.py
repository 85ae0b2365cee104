"""What the quote finder proposes: one quotation, its speaker and the evidence for the attribution."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProposedQuote:
    start: int  # span [start, end) in the article text (Python str indices), the quotation WITHOUT its marks
    end: int
    text: str  # == article[start:end]
    speaker: str | None  # the speaker's name as written in the article, None if unknown
    speaker_start: int | None  # span of the speaker mention used (the name, or the pronoun's antecedent)
    speaker_end: int | None
    cue: str | None  # the verb or cue, e.g. "said", "told", "announced", "tweeted", ":"
    # The evidence of the attribution, for the curator: where the cue is (so the review marks quote and cue
    # together), how sure the finder is (0..1, to order proposals) and why it chose this speaker.
    cue_start: int | None = None
    cue_end: int | None = None
    confidence: float = 0.0
    reason: str = ""
