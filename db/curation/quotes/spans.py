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


@dataclass(frozen=True)
class Verb:
    start: int
    end: int
    word: str


COORD = Mention("coord", -1, -1)  # marker: the verb takes the subject of its sentence
