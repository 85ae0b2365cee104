"""Photo captions: lines the finder reads as no part of the story.

A caption names the people in a picture ("Ren Zhengfei speaks in Shenzhen"), so a pronoun after it would
otherwise find its antecedent there. A caption is recognised by its credit: a line with "Photo:",
"Photo /", "[Photo/...]" or "Name / Agency" (a photographer and an agency), or ending "via Getty Images";
the credit line and, when it holds no caption text of its own before the credit or ends with it, the
single-sentence line after it are captions. Lines with quote marks or a speech verb are never captions.
"""

from __future__ import annotations

import re

from techstance.db.curation.quotes.lexicon import SPEECH, TOKEN_RE

_CREDIT_RE = re.compile(
    r"\b(?:Photo(?:graph)?|Picture|Image|Illustration|Credit)s?\s*[:/|]\s*\S"  # "Photo: X", "Photo / X"
    r"|\[Photo\s*/"  # "[Photo/Xinhua]"
    r"|[A-Za-z.]\s+/\s*[A-Z][^/\n]{0,60}$"  # "Chris Ratcliffe / Bloomberg via Getty Images"
    r"|\S/\s*(?:The\s+)?[A-Z][\w ]{0,40}(?:Press|Images|News|AP|AFP|Reuters)\s*$"  # "Darryl Dyck/The Canadian Press"
    r"|\bvia\s+(?:Getty|AP|Reuters|AFP|Shutterstock)\b",
)
_HINT_RE = re.compile(r"/|Photo|Picture|Image|Illustration|Credit|via ")
_QUOTE_RE = re.compile("[\"\u201c\u201d]")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s+[A-Z]|\s*$)")
MAX_CAPTION_WORDS = 40


def _plain(line: str) -> bool:
    """No quotation and no speech verb: what a caption line looks like."""
    if _QUOTE_RE.search(line):
        return False
    return not any(m.group() in SPEECH for m in TOKEN_RE.finditer(line))


def caption_lines(text: str, line_starts: list[int]) -> set[int]:
    """The numbers of the lines that are photo captions or credits."""
    if "/" not in text and "Photo" not in text and "via " not in text:
        return set()  # most articles: nothing to look at
    ends = line_starts[1:] + [len(text)]
    lines = [text[a:b].strip() for a, b in zip(line_starts, ends, strict=True)]
    found: set[int] = set()
    for k, line in enumerate(lines):
        if not line or not _HINT_RE.search(line):
            continue  # most lines: no sign of a credit, no costly look
        if len(line.split()) > MAX_CAPTION_WORDS or not _CREDIT_RE.search(line) or not _plain(line):
            continue
        found.add(k)
        nxt = k + 1
        if nxt < len(lines) and lines[nxt] and _plain(lines[nxt]) and len(lines[nxt].split()) <= MAX_CAPTION_WORDS \
                and len(_SENTENCE_END_RE.findall(lines[nxt])) <= 1:
            found.add(nxt)
    return found
