"""The three looks: default, high contrast, and monochrome (for NO_COLOR and e-ink walls).

Stances map to $error (ban), $warning (restrict), $success (allow) and $secondary
(undecided), so each theme decides the colours and the symbols carry the meaning.
"""

from __future__ import annotations

import os

from textual.theme import Theme

DEFAULT = Theme(
    name="techstance",
    primary="#4F9BD9",
    secondary="#9A8FD1",
    accent="#E0A43A",
    warning="#E0A43A",
    error="#E5534B",
    success="#57AB5A",
    foreground="#D8DEE4",
    background="#161B22",
    surface="#1C222B",
    panel="#26303C",
    dark=True,
)

HIGH_CONTRAST = Theme(
    name="techstance-high-contrast",
    primary="#FFFFFF",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF5555",
    success="#55FF55",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#3A3A3A",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
)

MONOCHROME = Theme(
    name="techstance-mono",
    primary="#FFFFFF",
    secondary="#C0C0C0",
    accent="#FFFFFF",
    warning="#FFFFFF",
    error="#FFFFFF",
    success="#FFFFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#3A3A3A",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
)

THEMES = {"default": DEFAULT, "high-contrast": HIGH_CONTRAST, "mono": MONOCHROME}


def choose_theme(requested: str | None) -> Theme:
    """--theme wins; otherwise NO_COLOR (any non-empty value, per no-color.org) picks mono."""
    if requested:
        return THEMES[requested]
    if os.environ.get("NO_COLOR"):
        return MONOCHROME
    return DEFAULT
