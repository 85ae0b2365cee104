"""The decision, quotes and sources lists: the same keys as every list, titles that count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane, SourcesPane
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets._option_list import OptionListContent

from tests.helpers import app_for, press, settle, shown_quotes

PANES = {"decision": DecisionPane, "quotes": QuotesPane}


@pytest.mark.parametrize("pane", sorted(PANES))
async def test_j_k_g_and_G_move_in_every_list(seed_db: Path, pane: str) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        widget = app.screen.query_one(PANES[pane])
        widget.focus()
        await settle(pilot)
        first = widget.highlighted
        await press(pilot, "j")
        assert widget.highlighted is not None and first is not None and widget.highlighted > first
        await press(pilot, "k")
        assert widget.highlighted == first
        await press(pilot, "G")
        last = widget.highlighted
        assert last is not None and last > first
        await press(pilot, "g")
        assert widget.highlighted == first
        await press(pilot, "end")
        assert widget.highlighted == last


async def test_sources_list_takes_the_same_keys(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sources = app.screen.query_one(SourcesPane)
        sources.focus()
        await press(pilot, "j")
        assert sources.highlighted is not None and sources.highlighted > 0
        assert str(sources.border_title).startswith("Sources · 2/3 · ")
        await press(pilot, "g")
        assert sources.highlighted == 0
        assert str(sources.border_title).startswith("Sources · 1/3 · ")


async def test_titles_count_and_follow_the_highlight(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quotes = app.screen.query_one(QuotesPane)
        total = quotes.option_count
        assert total > 3 and str(quotes.border_title) == f"Quotes · United Kingdom · 1/{total}"
        quotes.focus()
        await press(pilot, "j", "j")
        assert str(quotes.border_title) == f"Quotes · United Kingdom · 3/{total}"
        decision = app.screen.query_one(DecisionPane)
        title = str(decision.border_title)
        assert title.startswith("Decision · United Kingdom · 1/")  # the current event first
        events = title.rsplit("/", 1)[1]
        decision.focus()
        await press(pilot, "G")
        assert str(decision.border_title) == f"Decision · United Kingdom · {events}/{events}"


async def test_a_key_right_after_a_country_is_shown_acts_on_all_its_quotes(seed_db: Path) -> None:
    # The quotes pane adds the quotes that can be on screen in the frame that shows a country
    # and the rest after it (docs/benchmarks.md); a key pressed in between must still see them all.
    from textual import events

    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quotes = app.screen.query_one(QuotesPane)
        page = list(quotes.quotes.values())
        assert len(page) > 12  # more than one screenful
        evidence = {q.id: list(quotes.claims[q.id].evidence) for q in page}
        quotes.focus()
        await settle(pilot)
        quotes.show(quotes.country_name, page, evidence)
        assert quotes.option_count < len(page)  # the rest comes after the frame
        # A key reaches the focused pane before its bindings run (Textual's order): G then goes
        # to the last quote of the page, not of the part added so far.
        await quotes.handle_key(events.Key("G", "G"))
        assert quotes.option_count == len(page)
        quotes.action_last()
        shown = quotes.highlighted_quote()
        assert shown is not None and shown.id == page[-1].id
        quotes.show(quotes.country_name, page, evidence)
        await settle(pilot)
        assert quotes.option_count == len(page)  # and without a key, once the frame is drawn


async def test_a_country_shown_again_reuses_its_options_and_looks_the_same(seed_db: Path) -> None:
    # Options built for a country's data are kept (docs/benchmarks.md, round two): a return visit
    # measures nothing again. A page added after them in between must not leave a rule behind.
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quotes, page, evidence = shown_quotes(app)
        quotes.show(quotes.country_name, page, evidence)
        quotes.add_rest()
        await settle(pilot)
        built, height = list(quotes.options), quotes.virtual_size.height
        following = [replace(q, id=f"{q.id}-next") for q in page[:2]]
        quotes.append(following, evidence)  # the next page, as if read: a rule now ends the first
        await settle(pilot)
        quotes.show("Elsewhere", page[2:4], evidence)
        await settle(pilot)
        quotes.show(quotes.country_name, page, evidence)
        quotes.add_rest()
        await settle(pilot)
        assert [o is b for o, b in zip(quotes.options, built, strict=True)] == [True] * len(built)
        assert quotes.virtual_size.height == height


async def test_a_map_move_fills_the_sources_pane_once(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sources = app.screen.query_one(SourcesPane)
        fills: list[object] = []
        original = sources.set_options

        def counted(options: Iterable[OptionListContent]) -> SourcesPane:
            fills.append(sources.claim)
            return original(options)

        sources.set_options = counted  # type: ignore[method-assign]
        await press(pilot, "down")
        await settle(pilot)
        assert len(fills) == 1


async def test_back_in_a_claim_pane_the_sources_start_at_the_first_again(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sources = app.screen.query_one(SourcesPane)
        sources.focus()
        await press(pilot, "j")
        assert sources.highlighted == 1
        app.screen.query_one(DecisionPane).focus()
        await settle(pilot)
        assert sources.highlighted == 0


async def test_a_country_first_shows_a_pane_full_of_quotes_and_no_more(seed_db: Path) -> None:
    # The frame that shows a country builds and measures only the quotes that fill the pane, and
    # one more (docs/benchmarks.md, round three): long quotes, fewer of them.
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quotes, page, evidence = shown_quotes(app)
        height = quotes.scrollable_content_region.height
        for length, most in ((20, height // 4 + 2), (300, 3)):  # 300 characters: 9 lines or more
            shown = [replace(q, text=("word " * length)[:length]) for q in page]
            quotes.show("Elsewhere", shown, evidence)  # data not shown before: built anew
            assert quotes.virtual_size.height >= height  # no gap at the bottom of the frame
            assert quotes.option_count <= most, length
            await settle(pilot)
            assert quotes.option_count == len(page)


async def test_work_left_for_after_the_frame_waits_for_a_frame_that_draws_the_pane(
        seed_db: Path) -> None:
    # The quotes below the fold and the read-ahead wait for the frame that shows the country
    # (docs/benchmarks.md, round three). Textual's call_after_refresh runs when the screen is
    # next idle, which can come before the panes have asked to be drawn: the quotes' measuring
    # (10-15 ms at full scale) then delayed the very frame it was left out of.
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        quotes = app.screen.query_one(QuotesPane)
        ran: list[int] = []
        drawn: list[int] = []
        original = quotes.render_lines

        def counted(crop: Region) -> list[Strip]:
            drawn.append(1)
            return original(crop)

        quotes.render_lines = counted  # type: ignore[method-assign]
        quotes.when_drawn(lambda: ran.append(len(drawn)))
        await settle(pilot)
        assert not ran  # the screen was idle, but the pane not drawn: not yet
        quotes.refresh()
        await settle(pilot)
        assert ran and ran[0] >= 1  # after a frame that drew it
        await settle(pilot)
        assert len(ran) == 1  # once
