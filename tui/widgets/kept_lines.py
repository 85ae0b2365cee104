"""An OptionList that keeps each option's drawn lines across fills of the list.

Textual's OptionList draws an option by wrapping its text and styling every piece of it, and
forgets the result whenever the options are replaced: a country shown again was drawn again from
scratch. Here the drawn lines are kept per option (the panes keep their options per country,
tui/widgets/built.py), and a first drawing skips work Textual does for text selection, which
option lists do not allow: each piece's style carries its own (x, y) offset, so no two pieces
share a style and each is made anew. A frame also looks up its styles and
lines once, not once a line. What is drawn is what Textual draws (tests/tui/widgets/
test_kept_lines.py compares them piece by piece); anything this does not handle (padding
inside options, alignment, text that does not wrap) goes through Textual's own drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Self, cast

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.cache import LRUCache
from textual.content import Content, _FormattedLine
from textual.css.styles import RulesMap
from textual.css.types import TextOverflow
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import OptionList, _option_list
from textual.widgets.option_list import Option

KEPT_OPTIONS = 1024  # drawn options per list, each under one style at one width
KEPT_WRAPS = 256  # wrapped texts per list: the options of a fill, until drawn

NORMAL, DISABLED, HIGHLIGHTED, HOVER = "", "option-list--option-disabled", \
    "option-list--option-highlighted", "option-list--option-hover"


class _Frame:
    """What every line of one frame shares, looked up once for the frame."""

    __slots__ = ("scroll_y", "width", "plain", "overflow", "styles", "blank")

    def __init__(self, widget: KeptLinesOptionList) -> None:
        self.scroll_y = widget.scroll_offset.y
        self.width = widget.scrollable_content_region.width
        # Textual's options carry no padding and wrap from the left: anything else is drawn
        # by Textual itself (`plain` is False).
        rules = widget.styles
        self.plain = (not widget.get_component_styles("option-list--option").padding
                      and rules.get("text_align", "left") in ("left", "start")
                      and rules.get("text_wrap", "wrap") != "nowrap"
                      and not rules.get("line_pad", 0)
                      and tuple(rules.content_align) == ("left", "top")
                      and widget.text_selection is None)
        self.overflow = cast(TextOverflow, rules.get("text_overflow", "fold"))
        self.styles: dict[str, Style] = {}
        self.blank: Strip | None = None


class KeptLinesOptionList(OptionList):
    """OptionList drawing each option once per style and width, kept until the theme changes."""

    # Textual's lays out the whole screen again when a list's virtual size changes: every fill
    # of a pane, two or three times a map move. The panes' own sizes never follow their content
    # (tui/screens/dashboard.tcss: `height: 1fr`): a new virtual size repaints the pane, and its
    # scroll bar (Widget._scroll_update); a scroll bar shown or hidden still lays out the screen.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self._kept: LRUCache[tuple[Option, int, Style, int, bool], list[Strip]] = LRUCache(KEPT_OPTIONS)
        self._wraps: LRUCache[tuple[int, int, str], tuple[Content, list[_FormattedLine]]] = LRUCache(KEPT_WRAPS)
        self._frame: _Frame | None = None

    def add_options(self, new_options: Iterable[_option_list.OptionListContent]) -> Self:
        # Textual measures each new option by wrapping its text, and wraps it again to draw it:
        # the options a fill shows first are wrapped once, here, for both.
        new_options = list(new_options)
        region = self.scrollable_content_region
        if self.is_mounted and region:
            frame = _Frame(self)
            if frame.plain:
                width = frame.width - self._get_left_gutter_width()
                lines = len(self._line_cache.lines)  # none after set_options: the top is shown
                for option in new_options:
                    if lines >= region.height:
                        break
                    if isinstance(option, Option) and isinstance(visual := self._get_visual(option), Content):
                        lines += len(self._wrapped(visual, width, frame.overflow))
        return super().add_options(new_options)

    def _wrapped(self, content: Content, width: int, overflow: TextOverflow) -> list[_FormattedLine]:
        """The text wrapped with its styles at this width, once: its lines for drawing, and
        their count kept where Content.get_height keeps the height it measures (same breaks:
        both divide the plain text), so Textual's measuring does not wrap it again."""
        key = (id(content), width, overflow)
        kept = self._wraps.get(key)
        if kept is not None and kept[0] is content:
            return kept[1]
        lines = content._wrap_and_format(width, overflow=overflow, get_style=self._get_style)
        self._wraps[key] = (content, lines)
        content._height_cache = ((width, overflow, False), len(lines))
        return lines

    def notify_style_update(self) -> None:
        # A theme or focus change: kept lines may hold old colours.
        self._kept.clear()
        super().notify_style_update()

    def _on_resize(self) -> None:
        self._kept.clear()  # drawn for another width
        super()._on_resize()  # type: ignore[no-untyped-call]

    def render_lines(self, crop: Region) -> list[Strip]:
        self._update_lines()
        self._frame = _Frame(self)
        try:
            return Widget.render_lines(self, crop)  # OptionList's own only updated the lines
        finally:
            self._frame = None

    def _style(self, frame: _Frame, component: str) -> Style:
        style = frame.styles.get(component)
        if style is None:
            style = (self.get_visual_style("option-list--option", component) if component
                     else self.get_visual_style("option-list--option"))
            frame.styles[component] = style
        return style

    def render_line(self, y: int) -> Strip:
        frame = self._frame
        if frame is None:
            return super().render_line(y)
        lines = self._line_cache.lines
        number = frame.scroll_y + y
        if 0 <= number < len(lines):
            index, offset = lines[number]
            option = self._options[index]
            if option.disabled:
                component = DISABLED
            elif self.highlighted == index:
                component = HIGHLIGHTED
            elif self._mouse_hovering_over == index:
                component = HOVER
            else:
                component = NORMAL
            strips = self._get_option_render(option, self._style(frame, component))
            if offset < len(strips):
                return strips[offset]
        if frame.blank is None:
            frame.blank = Strip.blank(frame.width, self._style(frame, NORMAL).rich_style)
        return frame.blank

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        frame = self._frame or _Frame(self)
        width = frame.width - self._get_left_gutter_width()
        index = self._option_to_index[option]
        key = (option, index, style, width, option._divider)
        strips = self._kept.get(key)
        if strips is None:
            visual = self._get_visual(option)
            if frame.plain and isinstance(visual, Content):
                strips = self._draw(visual, style, width, index, option._divider, frame.overflow)
            else:
                self._option_render_cache.clear()
                strips = super()._get_option_render(option, style)
            self._kept[key] = strips
        return strips

    def draw_ahead(self, options: Sequence[Option | None]) -> None:
        """Draw now, before they are shown, the lines a fill with these options (None: a rule
        after the option before) would show first, highlighted as `set_options` leaves them
        (the first enabled option): filling the list with them later draws nothing.
        Their heights are measured too (Textual keeps a text's height in the text)."""
        region = self.scrollable_content_region
        if not self.is_mounted or not region:
            return
        frame = _Frame(self)
        if not frame.plain:
            return
        width = frame.width - self._get_left_gutter_width()
        placed = [(option, index + 1 < len(options) and options[index + 1] is None)
                  for index, option in enumerate(options) if option is not None]
        first = next((index for index, (option, _) in enumerate(placed) if not option.disabled), None)
        lines = 0
        for index, (option, divider) in enumerate(placed):
            visual = self._get_visual(option)
            if not isinstance(visual, Content):
                return
            if lines >= region.height:
                visual.get_height(cast(RulesMap, self.styles), width)  # as Textual passes it
                continue  # measured, not drawn: below the fold
            self._wrapped(visual, width, frame.overflow)
            component = DISABLED if option.disabled else HIGHLIGHTED if index == first else NORMAL
            style = self._style(frame, component)
            key = (option, index, style, width, divider)
            strips = self._kept.get(key)
            if strips is None:
                strips = self._kept[key] = self._draw(visual, style, width, index, divider, frame.overflow)
            lines += len(strips)

    def _draw(self, content: Content, style: Style, width: int, index: int, divider: bool,
              overflow: TextOverflow) -> list[Strip]:
        """Textual's drawing of an option (Visual.to_strips, then OptionList's padding, meta
        and rule) with one rich style per distinct piece style.

        Textual gives each piece its own (x, y) in its meta, so no two pieces of a line are ever
        one: an export (the snapshots' SVG) keeps each piece and the padding apart. Two styles per
        piece style, alternating along the line, keep them apart the same way."""
        get_style = self._get_style
        metas = (RichStyle.from_meta({"option": index, "piece": 0}),
                 RichStyle.from_meta({"option": index, "piece": 1}))
        pieces: dict[tuple[Style, int], RichStyle] = {}
        base = style.rich_style + RichStyle.from_meta({"option": index})
        strips: list[Strip] = []
        for line in self._wrapped(content, width, overflow):
            segments: list[Segment] = []
            for text, text_style in line.content.render(style, end="", parse_style=get_style):
                key = (text_style, len(segments) % 2)
                rich = pieces.get(key)
                if rich is None:
                    rich = pieces[key] = (style + text_style).rich_style + metas[key[1]]
                segments.append(Segment(text, rich))
            length = line.content.cell_length
            if length < width:
                segments.append(Segment(" " * (width - length), base))
                length = width
            strips.append(Strip(segments, length))
        if divider:
            rule = self.get_visual_style("option-list--separator").rich_style
            strips.append(Strip([Segment("─" * width, rule)], width))
        return strips
