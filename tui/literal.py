"""Text from the database, made safe to display: shown exactly as stored, never as markup.

Textual reads a plain str given to most widgets as markup: `[x]` vanishes, `[/]` crashes the
app and `[@click=app.quit]` becomes an action. Every widget gets data through these helpers.
Control characters (ESC, BEL, ...) would reach the terminal as commands, so they are shown as
visible escapes such as `\\x1b` instead, and never dropped.
"""

from __future__ import annotations

from rich.text import Text
from techstance.tui.visible import visible
from textual.content import Content
from textual.dom import DOMNode
from textual.notifications import SeverityLevel

__all__ = ["literal", "literal_rich", "toast", "visible"]


def literal(text: str, style: str = "") -> Content:
    """For Static, Label and anything that takes Content: the text as it is."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def literal_rich(text: str, style: str = "") -> Text:
    """For DataTable cells, Tree labels and OptionList prompts (Rich renderables)."""
    return Text(visible(text), style=style)


def toast(node: DOMNode, text: str, *, severity: SeverityLevel = "information", timeout: float = 5) -> None:
    """A notification whose words are shown as they are: never markup, controls made visible."""
    node.app.notify(visible(text), severity=severity, timeout=timeout, markup=False)
