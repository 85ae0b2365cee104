"""The claim panes draw each option once and keep it: what they draw is what Textual draws."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane, SourcesPane
from techstance.tui.widgets.kept_lines import DISABLED, HIGHLIGHTED, HOVER, NORMAL, KeptLinesOptionList
from textual.content import Content
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tests.helpers import app_for, press, settle, shown_quotes


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


async def test_a_map_move_does_not_lay_out_the_screen_again(seed_db: Path) -> None:
    # Filling a pane changes its virtual size; Textual laid out the whole screen for that, and
    # drew every widget again, on every map move (docs/benchmarks.md, round four). A scroll bar
    # shown or hidden still does.
    from textual.screen import Screen

    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        layouts: list[object] = []
        original = Screen._refresh_layout

        def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
            layouts.append(self)
            original(self, *args, **kwargs)  # type: ignore[arg-type]

        def bars() -> list[bool]:
            return [pane.show_vertical_scrollbar for pane in app.screen.query(KeptLinesOptionList)]

        Screen._refresh_layout = counted  # type: ignore[method-assign, assignment]
        steady = 0
        try:
            for key in ("down", "down", "down", "up", "left", "end", "home", "right", "up"):
                before = bars()
                layouts.clear()
                await press(pilot, key)
                await settle(pilot)
                if bars() == before:
                    steady += 1
                    assert layouts == [], key
        finally:
            Screen._refresh_layout = original  # type: ignore[method-assign]
        assert steady >= 3


async def test_after_map_moves_the_screen_is_what_a_fresh_layout_draws(seed_db: Path) -> None:
    # Scroll bars come and go and change their thumbs with the panes' content without a layout
    # of the screen; laying it out again must change nothing on it.
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        seen = set()
        for key in ("down", "down", "down", "up", "left", "end", "home", "right"):
            await press(pilot, key)
            await settle(pilot)
            shown = app.export_screenshot()
            app.screen.refresh(layout=True)
            await settle(pilot)
            assert app.export_screenshot() == shown, key
            seen.add(tuple(pane.show_vertical_scrollbar for pane in app.screen.query(KeptLinesOptionList)))
        assert len(seen) > 1  # the scroll bars changed along the way


async def test_a_move_to_a_neighbour_read_ahead_draws_nothing_new(seed_db: Path) -> None:
    # While the user reads a country, the panes of the countries a move key leads to are built
    # and drawn (Dashboard._draw_ahead): the move shows them without drawing (round four).
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        drawn: list[str] = []
        ahead: list[bool] = []
        original, original_ahead = KeptLinesOptionList._draw, KeptLinesOptionList.draw_ahead

        def counted(self: KeptLinesOptionList, content: Content, *args: object) -> list[Strip]:
            if not ahead:  # drawn for the move, not ahead of the next one
                drawn.append(content.plain)
            return original(self, content, *args)  # type: ignore[arg-type]

        def drawing_ahead(self: KeptLinesOptionList, options: list[Option | None]) -> None:
            ahead.append(True)
            try:
                original_ahead(self, options)
            finally:
                ahead.pop()

        KeptLinesOptionList._draw = counted  # type: ignore[method-assign, assignment]
        KeptLinesOptionList.draw_ahead = drawing_ahead  # type: ignore[method-assign]
        try:
            moves = 0
            for key in ("down", "down", "left", "up", "right", "right"):
                await press(pilot, key)
                await settle(pilot)
                drawn.clear()
                await press(pilot, key)  # a neighbour drawn ahead in the pause
                await settle(pilot)
                # Only the placeholders of an empty pane are made anew for each showing.
                assert [text for text in drawn if not text.startswith(("No ", "Nothing selected"))] == [], key
                moves += 1
            assert moves == 6
        finally:
            KeptLinesOptionList._draw = original  # type: ignore[method-assign]
            KeptLinesOptionList.draw_ahead = original_ahead  # type: ignore[method-assign]


async def test_the_pause_after_a_move_collects_the_young_objects(seed_db: Path, monkeypatch: object) -> None:
    # A generation-1 collection inside a move cost 2-7 ms of its frame; the pause after the
    # read-ahead collects them instead.
    import gc

    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        collected: list[int] = []
        original = gc.collect

        def counted(generation: int = 2) -> int:
            collected.append(generation)
            return original(generation)

        gc.collect = counted  # type: ignore[assignment]
        try:
            await press(pilot, "down")
            await settle(pilot)
        finally:
            gc.collect = original
        assert 1 in collected


async def test_a_fill_wraps_each_text_it_shows_once(seed_db: Path) -> None:
    # Textual wrapped an option's text to measure it and again to draw it (round four).
    from dataclasses import replace

    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quotes, page, evidence = shown_quotes(app)
        wrapped: list[str] = []
        original = Content._wrap_and_format

        def counted(self: Content, *args: object, **kwargs: object) -> object:
            wrapped.append(self.plain)
            return original(self, *args, **kwargs)  # type: ignore[arg-type]

        Content._wrap_and_format = counted  # type: ignore[method-assign, assignment]
        try:
            quotes.show("Elsewhere", [replace(q, text=f"{q.text} again") for q in page], evidence)
            await pilot.pause()  # the frame that shows them
        finally:
            Content._wrap_and_format = original  # type: ignore[method-assign]
        shown = [text for text in wrapped if " again”" in text]
        assert shown and len(shown) == len(set(shown))
