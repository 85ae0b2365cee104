"""The three looks: default, high contrast, and monochrome (for NO_COLOR and e-ink walls).

Stances map to $error (ban), $warning (restrict), $success (allow) and $secondary
(undecided), so each theme decides the colours and the symbols carry the meaning.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Mapping
from colorsys import rgb_to_hls

from rich._palettes import STANDARD_PALETTE  # the sixteen colours Rich reduces to
from rich.color import ColorSystem
from textual.color import Color
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


# ----- stance tiles that stay apart in every terminal -----
# Tiles are tinted with the theme's stance colour over the pane. In truecolor a 40% tint is
# enough; without COLORTERM (tmux's default) Rich reduces colours to the 256-colour cube, whose
# levels are 0, 95, 135, ...: every dark tint lands on the same grey (59). So the tint grows, per
# colour system, until no two stances (nor "no decision") share a background.
STANCE_VARIABLES: dict[str | None, str] = {"ban": "error", "restrict": "warning", "allow": "success",
                                           "undecided": "secondary"}
TINTS = (0.4, 0.55, 0.7, 0.85, 1.0)
COLOR_SYSTEMS = (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT, ColorSystem.STANDARD)
_SYSTEM_NAMES = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT,
                 "standard": ColorSystem.STANDARD, "windows": ColorSystem.WINDOWS}
# Monochrome has one colour for everything; its tiles are greys a grey ramp keeps apart
# (truecolor and 256 colours; the 16 colours have only four greys for five kinds of tile).
MONO_TILES: dict[str | None, str] = {"ban": "#FFFFFF", "restrict": "#B2B2B2", "allow": "#767676",
                                     "undecided": "#4E4E4E", None: "#262626"}
MONO_SYSTEMS = (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT)


def color_system(name: str | None) -> ColorSystem | None:
    """Rich's colour system for Console.color_system ('truecolor', '256', ...); None: no colour."""
    return _SYSTEM_NAMES.get(name or "")


def as_terminal_shows(color: Color, system: ColorSystem) -> tuple[object, ...]:
    """What a terminal of this colour system is sent for this colour."""
    reduced = color.rich_color.downgrade(system)
    return reduced.type, reduced.number, reduced.triplet


def apart(colors: Iterable[Color], system: ColorSystem) -> bool:
    shown = [as_terminal_shows(c, system) for c in colors]
    return len(set(shown)) == len(shown)


def tile_backgrounds(theme_name: str, variables: Mapping[str, str], base: Color,
                     system: ColorSystem | None) -> dict[str | None, Color] | None:
    """The background of each kind of tile (None: no decision), as faint as this colour system
    allows while keeping them apart; None when no tint does (the theme is not offered)."""
    if theme_name == MONOCHROME.name:
        return {stance: Color.parse(value) for stance, value in MONO_TILES.items()}
    none = Color.parse(variables["panel"])
    colours = {stance: Color.parse(variables[name]) for stance, name in STANCE_VARIABLES.items()}
    if system in (ColorSystem.STANDARD, ColorSystem.WINDOWS):
        return _sixteen(colours, none)
    for tint in TINTS:
        tiles: dict[str | None, Color] = {s: base.blend(c, tint) for s, c in colours.items()}
        tiles[None] = none
        if system is None or apart(tiles.values(), system):
            return tiles
    return None


# The sixteen colours' chromatic entries (not the greys): red, green, yellow, blue, magenta, cyan
# and their bright forms. A tint of a muted theme colour matches no hue among sixteen (most land on
# grey), so each stance takes the entry nearest its full colour that no other stance has taken.
_CHROMATIC = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14)


def _sixteen(colours: Mapping[str | None, Color], none: Color) -> dict[str | None, Color]:
    taken = {STANDARD_PALETTE.match(none.rgb)}
    tiles: dict[str | None, Color] = {}
    for stance, colour in colours.items():
        choice = min((i for i in _CHROMATIC if i not in taken),
                     key=lambda i: _distance(colour.rgb, STANDARD_PALETTE[i]))
        taken.add(choice)
        tiles[stance] = Color(*STANDARD_PALETTE[choice])
    tiles[None] = none
    return tiles


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Hue first: a stance colour goes to the entry of its hue, not to the one of its lightness."""
    ha, la, sa = rgb_to_hls(*(v / 255 for v in a))
    hb, lb, sb = rgb_to_hls(*(v / 255 for v in b))
    dh = min(abs(ha - hb), 1 - abs(ha - hb))
    return 4 * dh + abs(la - lb) + abs(sa - sb) / 2


# Every app start asks this of every theme (each kiosk session, each test): 0.1-0.15 s of colour
# conversions with the same answer each time. Keyed by the theme's repr, which names every field.
_APART: dict[str, bool] = {}


def keeps_stances_apart(theme: Theme) -> bool:
    """Whether this theme's tiles stay distinct in truecolor, 256 and 16 colours."""
    key = repr(theme)
    if key not in _APART:
        _APART[key] = _keeps_stances_apart(theme)
    return _APART[key]


def _keeps_stances_apart(theme: Theme) -> bool:
    variables = theme.to_color_system().generate()
    base = Color.parse(variables["surface"])
    systems = MONO_SYSTEMS if theme.name == MONOCHROME.name else COLOR_SYSTEMS
    for system in systems:
        tiles = tile_backgrounds(theme.name, variables, base, system)
        if tiles is None or not apart(tiles.values(), system):
            return False
    return True


def unoffered_themes(themes: Mapping[str, Theme]) -> list[str]:
    """Themes (Textual's own among them) whose stance tiles would run together somewhere: the
    app unregisters these so the palette's "Change theme" never offers them."""
    return sorted(name for name, theme in themes.items() if not keeps_stances_apart(theme))


# unoffered_themes generates a colour system for each of some two dozen themes: 60 ms, a sixth
# of a start. Its answer for the themes the app registers (Textual's and ours) is kept here with
# their fingerprint; any other set (another Textual version, a changed theme) is checked as
# before. tests/tui/widgets/test_tile_colours.py fails when the kept answer is out of date.
KNOWN_UNOFFERED: tuple[str, tuple[str, ...]] = ("d20e80a3c85740c1", ("monokai",))


def themes_fingerprint(themes: Mapping[str, Theme]) -> str:
    """Every field of every theme, in a few characters (0.3 ms). Two checksums, not a hash from
    hashlib: importing hashlib loads OpenSSL, 22 M instructions (4 ms) of every start."""
    text = repr(sorted(themes.items())).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}"


def unoffered_at_start(themes: Mapping[str, Theme]) -> list[str]:
    """unoffered_themes(themes), without its cost when the themes are the ones checked already."""
    fingerprint, names = KNOWN_UNOFFERED
    if themes_fingerprint(themes) == fingerprint:
        return list(names)
    return unoffered_themes(themes)
