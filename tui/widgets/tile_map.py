"""The map pane: a world-shaped grid of country tiles, or a region list when too narrow.

Each tile shows its stance by symbol and by colour, so it reads without colour too. The arrow
keys and hjkl move to the nearest tile in that direction, as one expects on a map.

Its cost depends on the tiles, never on their coordinates: only the rows and columns that hold a
tile are walked, and a run of empty ones between them is drawn as a few narrow gaps however long
it is. A country whose record is damaged, or whose place is off the map, is listed under the grid
as a damaged record, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.style import Style
from rich.text import Text
from techstance.db.store.read_models import CountryTile, read_model
from techstance.tui.formatting import (
    DAMAGED_MARK,
    DISPUTED_MARK,
    STANCE_LABEL,
    STANCE_SYMBOL,
    TENTATIVE_MARK,
    TENTATIVE_STATUSES,
    UNCERTAIN_MARK,
)
from techstance.tui.literal import visible
from techstance.tui.themes import color_system, tile_backgrounds
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

MIN_TILE_WIDTH = 7
MAX_TILE_WIDTH = 20
TILE_TEXT_LINES = 2  # symbol, code and marks; the stance word
MIN_TILE_HEIGHT = 2
MAX_TILE_HEIGHT = 5
# Columns and rows of the world with no country keep a narrow gap, so the map keeps its shape
# without spending a whole tile's width on the sea.
EMPTY_COLUMN = 2
EMPTY_ROW = 1
# A longer run of empty columns or rows is drawn as this many: the shape of the world stays, and a
# stray position far away cannot stretch the grid past the screen.
MAX_EMPTY_RUN = 3
# Positions a tile may have (records.Country: 0..99); outside them it is listed as damaged.
TILE_LIMIT = 99
DAMAGED_SHOWN = 3  # damaged countries listed under the map at most; then a count of the rest
MAP_SHARE = 0.6  # of its column at most: TileMap's max-height in dashboard.tcss

DIRECTIONS = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}


@read_model  # (made when first built: db/store/model_class.py)
class _Grid:
    """Where each column and row of the world starts on screen, and the tiles' size."""

    col_x: dict[int, int]
    row_y: dict[int, int]
    tile_w: int
    tile_h: int
    width: int
    height: int
    left: int  # the grid is centred in the pane


@read_model
class _Hit:
    """A clickable area of the last rendered frame."""

    y: int
    x0: int
    x1: int
    code: str


def marks(tile: CountryTile) -> str:
    out = TENTATIVE_MARK if tile.status in TENTATIVE_STATUSES else ""
    return ((UNCERTAIN_MARK if tile.uncertain else "") + out + (DISPUTED_MARK if tile.disputed else "")
            + (DAMAGED_MARK if tile.damage else ""))




def on_map(tile: CountryTile) -> bool:
    """A tile the grid can place: its country readable and its position within the map."""
    country = tile.country
    return (country.damage is None and 0 <= country.tile_row <= TILE_LIMIT
            and 0 <= country.tile_col <= TILE_LIMIT)


def damaged_line(tile: CountryTile) -> str:
    country = tile.country
    if country.damage is not None:
        return country.damage.line
    return (f"⚠ damaged record · countries · {country.code} · tile position: "
            f"({country.tile_row}, {country.tile_col}) is off the map (0..{TILE_LIMIT})")


def _axis(used: list[int], size: int, gap: int) -> tuple[dict[int, int], int]:
    """Where each used position starts on screen, and the total length: a run of unused positions
    between two used ones is at most MAX_EMPTY_RUN gaps, so the walk is over `used` only."""
    start: dict[int, int] = {}
    x = 0
    for before, position in zip([None, *used], used, strict=False):
        if before is not None:
            x += min(position - before - 1, MAX_EMPTY_RUN) * gap
        start[position] = x
        x += size
    return start, x


def _empty_runs(used: list[int]) -> int:
    return sum(min(b - a - 1, MAX_EMPTY_RUN) for a, b in zip(used, used[1:], strict=False))


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
        "tile--selected", "tile--filtered", "map--region", "map--legend", "map--cue", "map--notice",
    }

    # A new selection redraws only the lines it changed (watch_selected), not the whole map.
    selected: reactive[str | None] = reactive(None, repaint=False)
    stance_filter: reactive[str | None] = reactive(None)

    class Selected(Message):
        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tiles: list[CountryTile] = []
        self._hits: list[_Hit] = []
        self._list_top = 0  # the first line of the narrow list on screen
        self._tile_styles: tuple[object, dict[str | None, Style]] | None = None
        self._facts: _Facts | None = None  # what the tiles alone decide, worked out once per set
        self._drawn: tuple[Size, list[Text]] | None = None  # the lines of the last full drawing
        self._patched: set[Region] = set()  # regions dirty only for lines redrawn here

    # ----- data -----
    def set_tiles(self, tiles: Iterable[CountryTile], select: str | None = None) -> None:
        self.tiles = sorted(tiles, key=lambda t: (t.country.tile_row, t.country.tile_col))
        self._facts = None
        codes = [t.country.code for t in self.tiles]
        wanted = select if select in codes else self.selected
        if wanted not in codes:
            wanted = codes[0] if codes else None
        if wanted == self.selected and wanted is not None:
            self.post_message(self.Selected(wanted))  # data changed under the same country
        self.selected = wanted
        self.refresh(layout=True)

    def facts(self) -> _Facts:
        if self._facts is None or self._facts.tiles is not self.tiles:
            self._facts = _Facts.of(self.tiles)
        return self._facts

    def tile(self, code: str | None) -> CountryTile | None:
        return self.facts().by_code.get(code) if code is not None else None

    def shown(self, tile: CountryTile) -> bool:
        return self.stance_filter is None or tile.stance == self.stance_filter

    def _navigable(self) -> list[CountryTile]:
        return [t for t in self.facts().placed if self.shown(t)]

    def _off_map(self) -> list[CountryTile]:
        return [t for t in self.tiles if not on_map(t)]

    def watch_selected(self, old: str | None, new: str | None) -> None:
        if new is not None and new != old:
            self.post_message(self.Selected(new))
        self._redraw_changed()

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
        return self._grid(self.content_region.width, self.content_region.height) is None

    def _list_order(self) -> list[CountryTile]:
        return [t for t in self.facts().by_region if self.shown(t)]

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

    def reachable(self, code: str) -> list[str]:
        """The countries one move key leads to from `code`, nearest first: what to read ahead."""
        current = self.tile(code)
        if current is None:
            return []
        if self.list_mode:
            order = self._list_order()
            if current not in order:
                return []
            index = order.index(current)
            around = [order[i] for i in (index + 1, index - 1, index + 2, index - 2) if 0 <= i < len(order)]
            return [t.country.code for t in around]
        found: list[str] = []
        for direction in ("right", "left", "down", "up"):
            target = nearest(self._navigable(), current, direction)
            if target is not None and target.country.code not in found:
                found.append(target.country.code)
        return found

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

    def _styler(self) -> Callable[[CountryTile, bool], Style]:
        """Each tile's style, with the theme's styles looked up once per render, not once per
        tile: each lookup walks the widget's ancestors for its background (250 tiles in the
        narrow list cost 12 ms of every map move at full scale)."""
        stances = self.tile_styles()
        filtered = self.get_component_rich_style("tile--filtered")
        selected_style = self.get_component_rich_style("tile--selected", partial=True)

        def style(tile: CountryTile, selected: bool) -> Style:
            chosen = stances[tile.stance] if self.shown(tile) else filtered
            return chosen + selected_style if selected else chosen

        return style

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # What the map would like: tiles as tall as its share of the column allows (the stylesheet
        # caps it at the same share); render() then fits them to the height it was given.
        budget = max(1, int(container.height * MAP_SHARE) - int(self.styles.gutter.height))
        return len(self._lines(width, budget))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(1, container.width - int(self.styles.gutter.width))

    def render(self) -> Text:
        region = self.content_region
        texts = [text for text, _ in self._lines(region.width, region.height)]
        self._drawn = (self.size, texts)
        return Text("\n").join(texts)

    # ----- redrawing only what a move changed -----
    def _redraw_changed(self) -> None:
        """A new selection changes a few lines (the tiles left and reached; the whole window
        when the narrow list scrolls): only those are drawn again and sent to the screen. The
        whole map drawn again cost 4 ms of every move at full scale, most of it lines that had
        not changed."""
        drawn, cache = self._drawn, self._render_cache
        if (drawn is None or not self.is_mounted or drawn[0] != self.size or cache.size != self.size
                or len(cache.lines) != self.size.height or self.text_selection is not None
                or (self._dirty_regions and not self._dirty_regions <= self._patched)):
            self.refresh()  # nothing drawn yet, or a whole drawing is due anyway
            return
        width, height = self.size
        texts = [text for text, _ in self._lines(self.content_region.width, self.content_region.height)]
        if len(texts) != len(drawn[1]) or len(texts) > height or any(t.cell_len > width for t in texts):
            self.refresh()  # a line wraps or the lines moved: only a whole drawing is right
            return
        changed = [y for y, (was, now) in enumerate(zip(drawn[1], texts, strict=True)) if not _same(was, now)]
        self._drawn = (self.size, texts)
        if len(changed) > 2 * MAX_TILE_HEIGHT:  # the narrow list scrolled: draw it whole, once
            cache.lines[:] = Visual.to_strips(self, visualize(self, Text("\n").join(texts), markup=False),
                                              width, height, self.visual_style)
        for y in changed if len(changed) <= 2 * MAX_TILE_HEIGHT else ():
            # Drawn below y empty lines, as in the whole drawing: each cell's style carries its
            # line and column (Textual's text selection reads them).
            alone = Text("\n").join([*(Text() for _ in range(y)), texts[y]])
            cache.lines[y] = Visual.to_strips(self, visualize(self, alone, markup=False), width, y + 1,
                                              self.visual_style)[y]
        if changed:
            self.refresh(*(Region(0, y, width, 1) for y in changed))
            self._patched = set(self._dirty_regions)

    def render_line(self, y: int) -> Strip:
        if self._dirty_regions and self._dirty_regions <= self._patched:
            # Only lines redrawn by _redraw_changed are dirty, and their strips are in place.
            self._dirty_regions.clear()
            self._patched.clear()
        return super().render_line(y)

    def _lines(self, width: int, height: int) -> list[tuple[Text, str | None]]:
        self._hits = []
        if not self.tiles:
            return [(Text("No countries in this database."), None)]
        notice = self._filter_notice()
        legend = self._legend(width, full=True)
        damaged = self._damaged_lines(width, height)
        grid = self._grid(width, height - len(notice) - len(legend) - len(damaged))
        if grid is None:
            legend = self._legend(width, full=False)  # the list writes each stance out
            body = self._window(self._list_rows(), height - len(notice) - len(legend) - len(damaged), width,
                                self._list_line(width))
        else:
            body = self._grid_lines(grid)
        if notice:
            self._hits = [_Hit(y=h.y + len(notice), x0=h.x0, x1=h.x1, code=h.code) for h in self._hits]
        top = len(notice) + len(body)
        self._hits += [_Hit(y=top + y, x0=0, x1=width, code=code)
                       for y, (_, code) in enumerate(damaged) if code is not None]
        return notice + body + damaged + legend

    def _damaged_lines(self, width: int, height: int) -> list[tuple[Text, str | None]]:
        """Countries the grid cannot place, each a marked line wrapped to the pane (cut, at 80
        columns it lost what was damaged), in at most half of the pane's rows; then how many
        more. Every row of a country's line selects it when clicked."""
        off = self._off_map()
        if not off:
            return []
        style = self.get_component_rich_style("map--notice")
        width = max(1, width)
        budget = max(2, height // 2)
        lines: list[tuple[Text, str | None]] = []
        listed = 0
        for n, tile in enumerate(off[:DAMAGED_SHOWN]):
            rows = list(Text(visible(damaged_line(tile)), style).wrap(self.app.console, width, overflow="fold"))
            room = budget - len(lines) - (1 if n + 1 < len(off) else 0)  # a row kept for "more"
            if len(rows) > room:
                if lines:
                    break
                rows = rows[: max(1, room)]  # the first in part rather than none of them
            lines += [(row, tile.country.code) for row in rows]
            listed += 1
        if len(off) > listed:
            more = f"⚠ {len(off) - listed} more damaged countr{'ies' if len(off) - listed != 1 else 'y'}"
            lines.append((Text(more[:width], style), None))
        return lines

    def _filter_notice(self) -> list[tuple[Text, str | None]]:
        if self.stance_filter is None or self._navigable():
            return []
        # One line, cut to the width: the pane's title already names the filter.
        text = "No country matches this filter. Esc shows all."
        width = self.content_region.width
        if len(text) > width:
            text = text[: max(0, width - 1)] + "…"
        return [(Text(text, self.get_component_rich_style("map--notice")), None)]

    # ----- the grid -----
    def _grid(self, width: int, height: int) -> _Grid | None:
        """Tiles as wide and tall as the space allows; None when the full stance words do not fit."""
        facts = self.facts()
        if not facts.placed:
            return _Grid(col_x={}, row_y={}, tile_w=MIN_TILE_WIDTH, tile_h=MIN_TILE_HEIGHT, width=0, height=0, left=0)
        cols, rows, need = facts.cols, facts.rows, facts.need
        tile_w = min(MAX_TILE_WIDTH, (width - _empty_runs(cols) * EMPTY_COLUMN) // len(cols))
        if tile_w < need:
            return None
        spare = height - _empty_runs(rows) * EMPTY_ROW
        tile_h = max(MIN_TILE_HEIGHT, min(MAX_TILE_HEIGHT, spare // len(rows)))
        col_x, x = _axis(cols, tile_w, EMPTY_COLUMN)
        row_y, y = _axis(rows, tile_h, EMPTY_ROW)
        return _Grid(col_x=col_x, row_y=row_y, tile_w=tile_w, tile_h=tile_h, width=x, height=y,
                     left=max(0, (width - x) // 2))

    def _grid_lines(self, grid: _Grid) -> list[tuple[Text, str | None]]:
        lines = [Text(" " * grid.left) for _ in range(grid.height)]
        inner = grid.tile_w - 1  # one column of gap between tiles
        top = (grid.tile_h - TILE_TEXT_LINES) // 2
        by_place = self.facts().placed  # in the order of their places, as self.tiles
        tile_style = self._styler()
        for tile in by_place:
            x0 = grid.left + grid.col_x[tile.country.tile_col]
            y0 = grid.row_y[tile.country.tile_row]
            style = tile_style(tile, tile.country.code == self.selected)
            texts = [""] * grid.tile_h
            texts[top], texts[top + 1] = _head(tile), _label(tile)
            for dy, text in enumerate(texts):
                line = lines[y0 + dy]
                line.append(" " * (x0 - line.cell_len))
                line.append(text.center(inner)[:inner], style)
                self._hits.append(_Hit(y=y0 + dy, x0=x0, x1=x0 + inner, code=tile.country.code))
        return [(line, None) for line in lines]

    # ----- the narrow list -----
    def _list_rows(self) -> list[tuple[CountryTile | str, str | None]]:
        """The narrow list's rows, each a region's title (no code) or a tile: only the rows that
        fit the window are drawn (250 lines at full scale, of which about 20 are seen)."""
        return self.facts().list_rows

    def _list_line(self, width: int) -> Callable[[CountryTile | str], Text]:
        tile_style = self._styler()
        region_style = self.get_component_rich_style("map--region")

        def draw(row: CountryTile | str) -> Text:
            if isinstance(row, str):
                return Text(visible(row), region_style)
            return self._list_tile(row, width, tile_style)

        return draw

    def _list_tile(self, tile: CountryTile, width: int, tile_style: Callable[[CountryTile, bool], Style]) -> Text:
        selected = tile.country.code == self.selected
        style = tile_style(tile, selected)
        line = Text(" ")
        body = f"{STANCE_SYMBOL[tile.stance]} {visible(tile.country.name)}"
        detail = f"{_label(tile) if tile.damage else STANCE_LABEL[tile.stance]}{marks(tile)}"
        if tile.status and len(body) + len(detail) + len(tile.status) + 5 <= width:
            detail = f"{STANCE_LABEL[tile.stance]} · {tile.status}{marks(tile)}"
        gap = max(1, width - 1 - len(body) - len(detail))
        line.append(f"{body}{' ' * gap}{detail}"[: max(0, width - 1)], style)
        return line

    def _window(self, lines: list[tuple[CountryTile | str, str | None]], height: int,
                width: int, draw: Callable[[CountryTile | str], Text]) -> list[tuple[Text, str | None]]:
        """The part of the list that fits, from the top, moved only as far as keeps the selected
        country in view; a cue line says how many more are above or below."""
        if len(lines) <= height or height < 3:
            top, count, up, down = 0, min(len(lines), max(height, 1)), 0, 0
        else:
            selected = self.facts().list_row.get(self.selected or "", 0) if lines is self.facts().list_rows \
                else next((i for i, (_, code) in enumerate(lines) if code == self.selected), 0)
            top = min(self._list_top, len(lines) - 1)
            for _ in range(len(lines) + 2):
                up = 1 if top > 0 else 0
                count = height - up
                down = 1 if top + count < len(lines) else 0
                count -= down
                if selected < top:
                    # Up to the selected country, and its region's title if that is just above.
                    top = selected - 1 if selected > 0 and lines[selected - 1][1] is None else selected
                elif selected >= top + count:
                    top += selected - (top + count) + 1
                else:
                    break
            self._list_top = top
        style = self.get_component_rich_style("map--cue")
        out: list[tuple[Text, str | None]] = []
        if up:
            out.append((Text(f"▲ {top} more above"[:width], style), None))
        for (row, code) in lines[top: top + count]:
            if code is not None:
                self._hits.append(_Hit(y=len(out), x0=0, x1=width, code=code))
            out.append((draw(row), code))
        if down:
            out.append((Text(f"▼ {len(lines) - top - count} more below"[:width], style), None))
        return out

    def _legend(self, width: int, *, full: bool) -> list[tuple[Text, str | None]]:
        style = self.get_component_rich_style("map--legend")
        parts = [f"{STANCE_SYMBOL[s]} {s}" for s in ("ban", "restrict", "allow", "undecided")]
        parts = [*parts, f"{STANCE_SYMBOL[None]} none"] if full else []
        parts += [f"{TENTATIVE_MARK} expected or reported", f"{DISPUTED_MARK} disputed"]
        if any(t.uncertain for t in self.tiles):  # only as of a date, so the map of today is unchanged
            parts.append(f"{UNCERTAIN_MARK} uncertain: period not over")
        lines: list[tuple[Text, str | None]] = [(Text(""), None)] if full else []
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


def _same(a: Text, b: Text) -> bool:
    return a.plain == b.plain and a.style == b.style and a.spans == b.spans


@read_model
class _Facts:
    """What depends on the tiles alone (not on the selection, the filter or the size)."""

    tiles: list[CountryTile]
    placed: list[CountryTile]  # on the map, in the order of their places
    by_code: dict[str, CountryTile]
    cols: list[int]
    rows: list[int]
    need: int  # the narrowest tile that shows every tile's text
    by_region: list[CountryTile]  # the narrow list's order
    list_rows: list[tuple[CountryTile | str, str | None]]
    list_row: dict[str, int]  # each country's row in list_rows

    @classmethod
    def of(cls, tiles: list[CountryTile]) -> _Facts:
        placed = [t for t in tiles if on_map(t)]
        by_region = sorted(placed, key=lambda t: (t.country.region, t.country.name))
        rows: list[tuple[CountryTile | str, str | None]] = []
        region = None
        for tile in by_region:
            if tile.country.region != region:
                region = tile.country.region
                rows.append((region, None))
            rows.append((tile, tile.country.code))
        return cls(
            tiles=tiles, placed=placed,
            by_code={t.country.code: t for t in reversed(tiles)},  # the first of a code, as before
            cols=sorted({t.country.tile_col for t in placed}),
            rows=sorted({t.country.tile_row for t in placed}),
            need=max(MIN_TILE_WIDTH, *(max(len(_head(t)), len(_label(t))) + 1 for t in placed)) if placed else 0,
            by_region=by_region, list_rows=rows,
            list_row={code: i for i, (_, code) in reversed(list(enumerate(rows))) if code is not None},
        )


def _head(tile: CountryTile) -> str:
    """A tile's first line: symbol, code, and its marks (~ tentative, ! disputed)."""
    mark = marks(tile)
    return f"{STANCE_SYMBOL[tile.stance]} {visible(tile.country.code)}" + (f" {mark}" if mark else "")


def _label(tile: CountryTile) -> str:
    if tile.damage is not None:
        return "damaged"
    return STANCE_LABEL[tile.stance] if tile.stance else "—"
