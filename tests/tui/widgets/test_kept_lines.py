"""The claim panes draw each option once and keep it: what they draw is what Textual draws."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane, SourcesPane
from techstance.tui.widgets.kept_lines import DISABLED, HIGHLIGHTED, HOVER, NORMAL, KeptLinesOptionList
from textual.content import Content
from textual.strip import Strip
from textual.widgets import OptionList

from tests.helpers import app_for, press, settle


def looks(strips: list[Strip]) -> list[list[tuple[str, object, object, tuple[bool | None, ...], object]]]:
    """Every piece of every line as it looks (text, colours, attributes) and the option it
    belongs to for the mouse; the boundaries between pieces are kept."""
    def piece(segment: Segment) -> tuple[str, object, object, tuple[bool | None, ...], object]:
        style = segment.style
        assert style is not None
        attributes = (style.bold, style.dim, style.italic, style.underline, style.reverse, style.strike)
        return segment.text, style.color, style.bgcolor, attributes, style.meta.get("option")
    return [[piece(segment) for segment in strip] for strip in strips]


async def test_every_option_is_drawn_as_textual_draws_it_in_every_state(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        compared = 0
        # The United Kingdom, New Zealand (a disputed decision), the United States (a ban).
        for keys in ((), ("end",), ("home", "left", "down")):
            await settle(pilot)
            await press(pilot, *keys)
            await settle(pilot)
            compared += await _compare(app.screen)
        assert compared > 200


async def _compare(screen: object) -> int:
    compared = 0
    for pane_type in (DecisionPane, QuotesPane, SourcesPane):
            pane = screen.query_one(pane_type)  # type: ignore[attr-defined]
            for option in pane.options:
                for component in (NORMAL, DISABLED, HIGHLIGHTED, HOVER):
                    style = (pane.get_visual_style("option-list--option", component) if component
                             else pane.get_visual_style("option-list--option"))
                    pane._kept.clear()
                    ours = pane._get_option_render(option, style)
                    pane._option_render_cache.clear()
                    textual = OptionList._get_option_render(pane, option, style)
                    assert looks(ours) == looks(textual), (pane_type.__name__, option.prompt)
                    assert [strip.cell_length for strip in ours] == [strip.cell_length for strip in textual]
                    compared += 1
    return compared


async def test_a_country_shown_again_is_not_drawn_again(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        drawn: list[object] = []
        original = KeptLinesOptionList._draw

        def counted(self: KeptLinesOptionList, content: Content, *args: object) -> list[Strip]:
            drawn.append(content)
            return original(self, content, *args)  # type: ignore[arg-type]

        KeptLinesOptionList._draw = counted  # type: ignore[method-assign, assignment]
        try:
            await press(pilot, "left", "down")  # the United States, not shown before
            await settle(pilot)
            assert drawn
            await press(pilot, "up")
            await settle(pilot)
            drawn.clear()
            await press(pilot, "right")  # back to the United Kingdom, shown at start
            await settle(pilot)
            assert "Quotes · United Kingdom" in str(app.screen.query_one(QuotesPane).border_title)
            assert drawn == []
        finally:
            KeptLinesOptionList._draw = original  # type: ignore[method-assign]


async def test_a_new_theme_redraws_the_kept_lines_in_its_colours(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(QuotesPane)
        before = looks([pane.render_line(0)])
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await settle(pilot)
        after = looks([pane.render_line(0)])
        assert [p[0] for p in after[0]] == [p[0] for p in before[0]]  # the same text
        assert [p[1:3] for p in after[0]] != [p[1:3] for p in before[0]]  # other colours
        pane._kept.clear()
        assert looks([pane.render_line(0)]) == after  # as drawn from scratch
