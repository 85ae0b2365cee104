"""The decision, quotes and sources lists: the same keys as every list, titles that count."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane, SourcesPane

from tests.helpers import app_for, press, settle

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
