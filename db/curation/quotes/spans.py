"""The spans the quote finder works with: quoted pieces, mentions, speech verbs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Piece:
    open: int  # index of the opening mark
    close: int  # index of the closing mark, or the end of the paragraph for a continued piece
    closed: bool
    start: int  # trimmed inner span
    end: int
    chain: int  # pieces of one quotation running over several paragraphs share a chain number


@dataclass(frozen=True)
class Mention:
    kind: str  # "name", "role", "pronoun", "possessor"
    start: int
    end: int
    appositive: bool = False


@dataclass(frozen=True)
class SpeakerSpan:
    start: int
    end: int
    via: str = ""  # how a pronoun or a coordinated verb led here: "he -> the last person named"


@dataclass(frozen=True)
class Verb:
    start: int
    end: int
    word: str


COORD = Mention("coord", -1, -1)  # marker: the verb takes the subject of its sentence
PASSIVE = Mention("passive", -1, -1)  # marker: a passive verb with no agent; the speaker is named later


@dataclass(frozen=True)
class Attribution:
    """Who said one quoted piece, and the evidence: the cue, why this speaker, how sure."""

    speaker: SpeakerSpan | None
    cue: str | None  # the cue as written: "said", "according to", ":"
    cue_start: int | None
    cue_end: int | None
    cued: bool  # a speech cue of the same sentence attributes it (or a colon right before it)
    reason: str  # "named after the quote", "he -> the last person named", ...
    confidence: float  # 0..1
