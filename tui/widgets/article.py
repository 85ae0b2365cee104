"""An article's text with its cited spans marked: shared by the source reader and the review screen."""

from __future__ import annotations

from techstance.db.store.read_models import Excerpt
from techstance.tui.literal import visible
from textual.content import Content

CURRENT_STYLE = "bold reverse"
CITED_STYLE = "underline"


def paragraph_content(text: str, offset: int, excerpts: list[Excerpt],
                      current: Excerpt | None) -> Content:
    """One line of the article with cited spans marked; offsets are into the whole article.

    The text is cut at every span boundary and each piece made visible on its own, so an
    escape character turned into a visible `\\x1b` never shifts the spans after it.
    """
    end = offset + len(text)
    cuts = {offset, end}
    for ex in excerpts:
        for point in (ex.start, ex.end):
            if offset < point < end:
                cuts.add(point)
    points = sorted(cuts)
    parts: list[tuple[str, str] | str] = []
    for a, b in zip(points, points[1:], strict=False):
        piece = visible(text[a - offset: b - offset])
        style = ""
        if current is not None and current.start <= a and b <= current.end:
            style = CURRENT_STYLE
        elif any(ex.start <= a and b <= ex.end for ex in excerpts):
            style = CITED_STYLE
        parts.append((piece, style) if style else piece)
    return Content.assemble(*parts) if parts else Content("")
