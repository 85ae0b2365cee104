"""Find typed words in an article the way a person means them, and answer in exact offsets.

A user typing `don't` or a plain hyphen means the article's `don’t` or `–`, and may not
reproduce its spacing or case. The typed words become a pattern in which every quotation mark or
apostrophe matches any other, every dash any dash, an ellipsis three dots, any run of spaces any
run of white space; the match is made on the article itself, so its offsets are exact.
"""

from __future__ import annotations

import re

QUOTES = "'\"`´‘’‚‛“”„‟′″«»‹›"
DASHES = "-‐‑‒–—―−"
_QUOTE = f"[{re.escape(QUOTES)}]"
_DASH = f"[{re.escape(DASHES)}]"
_PIECE = re.compile(r"\s+|\.\.\.|…|.", re.DOTALL)


def loose_pattern(words: str) -> re.Pattern[str] | None:
    parts: list[str] = []
    for piece in _PIECE.finditer(words.strip()):
        p = piece.group()
        if p.isspace():
            parts.append(r"\s+")
        elif p in ("...", "…"):
            parts.append(r"(?:…|\.\.\.)")
        elif p in QUOTES:
            parts.append(_QUOTE)
        elif p in DASHES:
            parts.append(_DASH)
        else:
            parts.append(re.escape(p))
    return re.compile("".join(parts), re.IGNORECASE) if parts else None


def find_loosely(text: str, words: str, start: int = 0) -> tuple[int, int] | None:
    """(start, end) of the first loose match at or after `start`, or None."""
    pattern = loose_pattern(words)
    found = pattern.search(text, start) if pattern is not None else None
    return (found.start(), found.end()) if found else None
