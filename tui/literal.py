"""Text from the database, made safe to display: shown exactly as stored, never as markup.

Textual reads a plain str given to most widgets as markup: `[x]` vanishes, `[/]` crashes the
app and `[@click=app.quit]` becomes an action. Every widget gets data through these helpers.
Control characters (ESC, BEL, ...) would reach the terminal as commands, so they are shown as
visible escapes such as `\\x1b` instead, and never dropped.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

# C0 and C1 controls except newline and tab, which carry layout, plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Replace terminal control characters by a printable escape, keeping everything else."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def literal(text: str, style: str = "") -> Content:
    """For Static, Label and anything that takes Content: the text as it is."""
    return Content.styled(visible(text), style) if style else Content(visible(text))


def literal_rich(text: str, style: str = "") -> Text:
    """For DataTable cells, Tree labels and OptionList prompts (Rich renderables)."""
    return Text(visible(text), style=style)
