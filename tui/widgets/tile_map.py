"""The map pane: a world-shaped grid of country tiles, or a region list when too narrow.

Each tile shows its stance by symbol and by colour, so it reads without colour too. The arrow
keys and hjkl move to the nearest tile in that direction, as one expects on a map.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from techstance.db.store.read_models import CountryTile
from techstance.tui.formatting import (
    DISPUTED_MARK,
    STANCE_LABEL,
    STANCE_SYMBOL,
    TENTATIVE_MARK,
    TENTATIVE_STATUSES,
)
from techstance.tui.literal import visible
from techstance.tui.themes import color_system, tile_backgrounds
from textual.binding import Binding
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

MIN_TILE_WIDTH = 7
MAX_TILE_WIDTH = 12
TILE_HEIGHT = 2  # symbol and code; stance label and marks

# For tiles too narrow for the full word; marks always keep their place.
SHORT_LABEL = {"restrict": "restr", "undecided": "undec"}

DIRECTIONS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


@dataclass(frozen=True)
class _Hit:
    """A clickable area of the last rendered frame."""

    y: int
    x0: int
    x1: int
    code: str


def marks(tile: CountryTile) -> str:
    out = TENTATIVE_MARK if tile.status in TENTATIVE_STATUSES else ""
    return out + (DISPUTED_MARK if tile.disputed else "")


def nearest(tiles: list[CountryTile], current: CountryTile, direction: str) -> CountryTile | None:
    """The tile a user means by 'the next one up/down/left/right' on a map.

    Only tiles strictly in that direction count; the distance along the direction weighs
    less than the drift across it, so 'right' stays on the same row when it can.
    """
    d_row, d_col = DIRECTIONS[direction]
    best: tuple[int, int, int, str] | None = None
    choice = None
    for tile in tiles:
        dr = tile.country.tile_row - current.country.tile_row
        dc = tile.country.tile_col - current.country.tile_col
        along = dr * d_row + dc * d_col
        if along <= 0:
            continue
        across = abs(dc) if d_row else abs(dr)
        # Tiles are wider than tall, so one row up is nearer than one column over.
        score = (along + 3 * across, across, along, tile.country.code)
        if best is None or score < best:
            best, choice = score, tile
    return choice


class TileMap(Widget, can_focus=True):
    """Country tiles; posts TileMap.Selected when the selected country changes."""

    BINDINGS = [
        Binding("up,k", "move('up')", "Up", show=False),
        Binding("down,j", "move('down')", "Down", show=False),
        Binding("left,h", "move('left')", "Left", show=False),
        Binding("right,l", "move('right')", "Right", show=False),
        Binding("home,g", "first", "First country", show=False),
        Binding("end,G", "last", "Last country", show=False),
        Binding("enter", "screen.open_country", "Decision", show=False),
    ]
    COMPONENT_CLASSES = {
        "tile--selected", "tile--filtered", "map--region", "map--legend",
    }

    selected: reactive[str | None] = reactive(None)
    stance_filter: reactive[str | None] = reactive(None)

    class Selected(Message):
        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tiles: list[CountryTile] = []
        self._hits: list[_Hit] = []
        self._tile_styles: tuple[object, dict[str | None, Style]] | None = None

    # ----- data -----
    def set_tiles(self, tiles: Iterable[CountryTile], select: str | None = None) -> None:
        self.tiles = sorted(tiles, key=lambda t: (t.country.tile_row, t.country.tile_col))
        codes = [t.country.code for t in self.tiles]
        wanted = select if select in codes else self.selected
        if wanted not in codes:
            wanted = codes[0] if codes else None
        if wanted == self.selected and wanted is not None:
            self.post_message(self.Selected(wanted))  # data changed under the same country
        self.selected = wanted
        self.refresh(layout=True)

    def tile(self, code: str | None) -> CountryTile | None:
        return next((t for t in self.tiles if t.country.code == code), None)

    def shown(self, tile: CountryTile) -> bool:
        return self.stance_filter is None or tile.stance == self.stance_filter

    def _navigable(self) -> list[CountryTile]:
        return [t for t in self.tiles if self.shown(t)]

    def watch_selected(self, old: str | None, new: str | None) -> None:
        if new is not None and new != old:
            self.post_message(self.Selected(new))
        self.refresh()

    def watch_stance_filter(self) -> None:
        current = self.tile(self.selected)
        if current is not None and not self.shown(current):
            candidates = self._navigable()
            if candidates:
                self.selected = candidates[0].country.code
        self.refresh(layout=True)

    # ----- navigation -----
    @property
    def list_mode(self) -> bool:
        if not self.tiles:
            return False
        cols = max(t.country.tile_col for t in self.tiles) + 1
        return self.content_region.width < cols * MIN_TILE_WIDTH

    def _list_order(self) -> list[CountryTile]:
        return sorted(self._navigable(), key=lambda t: (t.country.region, t.country.name))

    def action_move(self, direction: str) -> None:
        current = self.tile(self.selected)
        if current is None:
            self.action_first()
            return
        if self.list_mode:
            order = self._list_order()
            if current not in order:
                return
            step = -1 if direction in ("up", "left") else 1
            index = order.index(current) + step
            if 0 <= index < len(order):
                self.selected = order[index].country.code
            return
        target = nearest(self._navigable(), current, direction)
        if target is not None:
            self.selected = target.country.code

    def action_first(self) -> None:
        order = self._list_order() if self.list_mode else self._navigable()
        if order:
            self.selected = order[0].country.code

    def action_last(self) -> None:
        order = self._list_order() if self.list_mode else self._navigable()
        if order:
            self.selected = order[-1].country.code

    def on_click(self, event: Click) -> None:
        for hit in self._hits:
            if hit.y == event.y and hit.x0 <= event.x < hit.x1:
                self.selected = hit.code
                self.focus()
                return

    # ----- rendering -----
    def tile_styles(self) -> dict[str | None, Style]:
        """Each stance's tile colours for this theme and this terminal's colour system: faint
        where the terminal shows a faint tint apart, stronger where it would not (tui/themes.py)."""
        system = color_system(self.app.console.color_system)
        base = self.background_colors[1]
        key = (self.app.theme, system, base)
        if self._tile_styles is None or self._tile_styles[0] != key:
            backgrounds = tile_backgrounds(self.app.theme, self.app.get_css_variables(), base, system)
            if backgrounds is None:  # a theme the palette does not offer, set by hand: stay readable
                backgrounds = tile_backgrounds(self.app.theme, self.app.get_css_variables(), base, None)
            assert backgrounds is not None
            styles = {}
            for stance, background in backgrounds.items():
                # As `color: auto 90%` would: black or white, whichever reads on this background.
                text = background + background.get_contrast_text(0.9 if stance else 0.6)
                styles[stance] = Style(color=text.rich_color, bgcolor=background.rich_color)
            self._tile_styles = (key, styles)
        return self._tile_styles[1]

    def notify_style_update(self) -> None:
        self._tile_styles = None  # a theme change
        super().notify_style_update()

    def _style(self, tile: CountryTile, selected: bool) -> Style:
        style = self.tile_styles()[tile.stance]
        if not self.shown(tile):
            style = self.get_component_rich_style("tile--filtered")
        if selected:
            style += self.get_component_rich_style("tile--selected", partial=True)
        return style

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[override]
        return len(self._lines(width))

    def get_content_width(self, container, viewport) -> int:  # type: ignore[override]
        cols = max((t.country.tile_col for t in self.tiles), default=0) + 1
        return cols * MAX_TILE_WIDTH

    def render(self) -> Text:
        lines = self._lines(self.content_region.width)
        height = self.content_region.height
        if len(lines) > height > 0 and self.list_mode:
            # Keep the selected country in view when the list is taller than the pane.
            index = next((i for i, (_, code) in enumerate(lines) if code == self.selected), 0)
            top = min(max(0, index - height // 2), len(lines) - height)
            lines = lines[top: top + height]
            self._hits = [
                _Hit(h.y - top, h.x0, h.x1, h.code) for h in self._hits if top <= h.y < top + height
            ]
        return Text("\n").join(text for text, _ in lines)

    def _lines(self, width: int) -> list[tuple[Text, str | None]]:
        self._hits = []
        if not self.tiles:
            return [(Text("No countries in this database."), None)]
        cols = max(t.country.tile_col for t in self.tiles) + 1
        if width < cols * MIN_TILE_WIDTH:
            return self._list_lines(width) + self._legend(width)
        return self._grid_lines(width, cols) + self._legend(width)

    def _grid_lines(self, width: int, cols: int) -> list[tuple[Text, str | None]]:
        tile_w = max(MIN_TILE_WIDTH, min(MAX_TILE_WIDTH, width // cols))
        rows = max(t.country.tile_row for t in self.tiles) + 1
        by_place = {(t.country.tile_row, t.country.tile_col): t for t in self.tiles}
        out: list[tuple[Text, str | None]] = []
        for row in range(rows):
            upper, lower = Text(), Text()
            for col in range(cols):
                tile = by_place.get((row, col))
                if tile is None:
                    upper.append(" " * tile_w)
                    lower.append(" " * tile_w)
                    continue
                selected = tile.country.code == self.selected
                style = self._style(tile, selected)
                inner = tile_w - 1  # one column of gap between tiles
                head = f"{STANCE_SYMBOL[tile.stance]} {visible(tile.country.code)}"
                tail = marks(tile)
                label = STANCE_LABEL[tile.stance] if tile.stance else "—"
                if len(label) + len(tail) > inner - 1:
                    label = SHORT_LABEL.get(tile.stance, label)
                label = label[: max(1, inner - 1 - len(tail))] + tail
                x0 = col * tile_w
                for y_off in range(TILE_HEIGHT):
                    self._hits.append(_Hit(len(out) + y_off, x0, x0 + inner, tile.country.code))
                upper.append(head.center(inner)[:inner], style)
                upper.append(" ")
                lower.append(label.center(inner)[:inner], style)
                lower.append(" ")
            out.append((upper, None))
            out.append((lower, None))
        return out

    def _list_lines(self, width: int) -> list[tuple[Text, str | None]]:
        out: list[tuple[Text, str | None]] = []
        region = None
        for tile in sorted(self.tiles, key=lambda t: (t.country.region, t.country.name)):
            if tile.country.region != region:
                region = tile.country.region
                out.append((Text(visible(region), self.get_component_rich_style("map--region")),
                            None))
            selected = tile.country.code == self.selected
            style = self._style(tile, selected)
            line = Text(" ")
            body = f"{STANCE_SYMBOL[tile.stance]} {visible(tile.country.name)}"
            detail = f"{STANCE_LABEL[tile.stance]}{marks(tile)}"
            if tile.status and len(body) + len(detail) + len(tile.status) + 5 <= width:
                detail = f"{STANCE_LABEL[tile.stance]} · {tile.status}{marks(tile)}"
            gap = max(1, width - 1 - len(body) - len(detail))
            line.append(f"{body}{' ' * gap}{detail}"[: max(0, width - 1)], style)
            self._hits.append(_Hit(len(out), 0, width, tile.country.code))
            out.append((line, tile.country.code))
        return out

    def _legend(self, width: int) -> list[tuple[Text, str | None]]:
        style = self.get_component_rich_style("map--legend")
        parts = [f"{STANCE_SYMBOL[s]} {s}" for s in ("ban", "restrict", "allow", "undecided")]
        parts += [f"{STANCE_SYMBOL[None]} none", f"{TENTATIVE_MARK} expected or reported",
                  f"{DISPUTED_MARK} disputed"]
        lines: list[tuple[Text, str | None]] = [(Text(""), None)]
        current = ""
        for part in parts:
            candidate = f"{current}  {part}" if current else part
            if len(candidate) > width and current:
                lines.append((Text(current, style), None))
                current = part
            else:
                current = candidate
        lines.append((Text(current, style), None))
        return lines
