"""Text made safe for a terminal without dropping anything: control characters (ESC, BEL, ...)
would reach the terminal as commands, so they become visible escapes such as `\\x1b`.

No Textual import here: the command line uses it too, and must start quickly.
"""

from __future__ import annotations

import re

# C0 and C1 controls except newline and tab, which carry layout, plus DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Replace terminal control characters by a printable escape, keeping everything else."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
