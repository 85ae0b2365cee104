"""The top line of every screen."""

from __future__ import annotations

from techstance.tui.literal import literal
from textual.content import Content


def title_bar(subtitle: str) -> Content:
    """The top line of every screen (Textual's Header races its own updates at exit)."""
    return Content.assemble(("◐ techstance", "bold"), "  ", literal(subtitle, "$text-muted"))
