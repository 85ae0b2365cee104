"""The search result list: what a row shows, how the keys and the mouse move through it."""

from __future__ import annotations

import re
import time
from pathlib import Path

from rich.cells import cell_len
from techstance.db.store.read_models import SearchHit
from techstance.db.store.reads import MATCH_END, MATCH_START
from techstance.tui.screens import search as search_module
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.search import SearchScreen
from techstance.tui.widgets.result_list import ResultGroup, ResultList
from techstance.tui.widgets.tile_map import TileMap
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input

from tests.helpers import make_app, press, settle, shown_text

WIDTH, HEIGHT = 40, 12


def hit(n: int, snippet: str = "", country: str | None = "GB") -> SearchHit:
    return SearchHit(kind="quote", id=f"q{n}", label=f"Speaker {n}",
                     snippet=snippet or f"said {MATCH_START}huawei{MATCH_END} {n}", country=country)


class ListApp(App[None]):
    CSS_PATH = str(Path(search_module.__file__).with_name("search.tcss"))  # styled as in the app

    def __init__(self, groups: list[ResultGroup]) -> None:
        super().__init__()
        self.groups = groups
        self.chosen: list[SearchHit] = []
        self.left_top = 0

    def compose(self) -> ComposeResult:
        yield ResultList(id="results")

    def on_mount(self) -> None:
        results = self.query_one(ResultList)
        results.show(self.groups)
        results.focus()

    def on_result_list_selected(self, event: ResultList.Selected) -> None:
        self.chosen.append(event.hit)

    def on_result_list_left_top(self) -> None:
        self.left_top += 1


def rows(app: App[None]) -> list[str]:
    """The list's rows without the one-cell left padding; the scroll column is the last cell."""
    return [line[1:] for line in shown_text(app.query_one(ResultList)).splitlines()]


async def test_rows_show_title_label_country_and_excerpt_cut_to_the_width() -> None:
    long = f"{MATCH_START}huawei{MATCH_END} " + "word " * 30 + "END"
    wide = "华为" * 30  # two cells a character: the cut must not split one
    app = ListApp([ResultGroup(title="Quotes (2)", hits=[hit(1, long), hit(2, wide, country=None)])])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        shown = rows(app)
        assert shown[0].strip() == "Quotes (2)"
        assert shown[1].strip() == "Speaker 1 · GB"
        assert shown[2].startswith("huawei word word") and shown[2].rstrip().endswith("…")
        assert "END" not in shown[2]
        assert shown[3].strip() == "Speaker 2"  # no country, no dangling separator
        assert shown[4].rstrip().endswith("…") and "华为华为" in shown[4]
        assert all(cell_len(line) == WIDTH - 1 for line in shown)


async def test_a_match_late_in_a_long_excerpt_is_brought_into_view() -> None:
    late = "word " * 20 + f"{MATCH_START}huawei{MATCH_END} tail"
    app = ListApp([ResultGroup(title="Quotes (1)", hits=[hit(1, late), hit(2, "line\r\nbreak\ttab")])])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        shown = rows(app)
        assert shown[2].startswith("…") and "huawei tail" in shown[2]
        assert shown[4].startswith("line break tab")  # one row: breaks and tabs are spaces


async def test_keys_move_the_highlight_keep_it_in_view_and_select() -> None:
    hits = [hit(n) for n in range(12)]
    app = ListApp([ResultGroup(title="Quotes (12)", hits=hits)])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        results = app.query_one(ResultList)
        assert results.highlighted_hit == hits[0]
        await press(pilot, "down", "j")
        assert results.highlighted_hit == hits[2]
        await press(pilot, "end")
        assert results.highlighted_hit == hits[11]
        assert "Speaker 11 · GB" in "\n".join(rows(app))  # scrolled into view
        assert "Quotes (12)" not in "\n".join(rows(app))
        await press(pilot, "pageup")
        assert results.highlighted_hit == hits[11 - HEIGHT // 2]  # a screenful of two-row hits
        await press(pilot, "home")
        assert results.highlighted_hit == hits[0]
        assert "Quotes (12)" in rows(app)[0]  # the group title comes back with its first hit
        await press(pilot, "up")
        assert app.left_top == 1 and results.highlighted_hit == hits[0]
        await press(pilot, "down", "enter")
        assert app.chosen == [hits[1]]


async def test_the_scroll_thumb_shows_where_the_view_is_and_only_when_needed() -> None:
    app = ListApp([ResultGroup(title="Quotes (12)", hits=[hit(n) for n in range(12)])])  # 25 rows
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        column = "".join(line[-1] for line in rows(app))
        assert column == "▐" * 6 + " " * 6  # 12 of 25 rows in view, at the top
        assert app.query_one(ResultList).allow_vertical_scroll  # the mouse wheel still scrolls
        await press(pilot, "end")
        column = "".join(line[-1] for line in rows(app))
        assert column == " " * 6 + "▐" * 6
        await pilot.click(ResultList, offset=(WIDTH - 1, 0))  # the scroll column scrolls, opens nothing
        await settle(pilot)
        assert app.chosen == [] and app.query_one(ResultList).scroll_offset.y == 0
        app.query_one(ResultList).show([ResultGroup(title="Quotes (1)", hits=[hit(1)])])
        await settle(pilot)
        assert "▐" not in "".join(rows(app))


async def test_a_click_on_either_row_of_a_hit_chooses_it() -> None:
    hits = [hit(n) for n in range(3)]
    app = ListApp([ResultGroup(title="Quotes (3)", hits=hits)])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        await pilot.click(ResultList, offset=(3, 4))  # the excerpt row of the second hit
        await settle(pilot)
        assert app.chosen == [hits[1]]
        await pilot.click(ResultList, offset=(3, 0))  # a group title chooses nothing
        await settle(pilot)
        assert app.chosen == [hits[1]]


async def test_new_results_start_again_at_the_top() -> None:
    app = ListApp([ResultGroup(title="Quotes (12)", hits=[hit(n) for n in range(12)])])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await settle(pilot)
        await press(pilot, "end")
        results = app.query_one(ResultList)
        results.show([ResultGroup(title="Sources (1)", hits=[hit(99)])])
        await settle(pilot)
        assert results.highlighted_hit is not None and results.highlighted_hit.id == "q99"
        assert rows(app)[0].strip() == "Sources (1)"
        results.show([])
        await settle(pilot)
        assert results.highlighted_hit is None
        await press(pilot, "enter", "down", "end")
        assert app.chosen == [] and app.is_running


async def searching(pilot: Pilot[None], text: str) -> SearchScreen:
    """The dashboard's search screen, `text` typed and its results shown."""
    await settle(pilot)
    await press(pilot, "slash", *text)
    search = pilot.app.screen
    assert isinstance(search, SearchScreen)
    return search


async def test_up_from_the_first_result_goes_back_to_typing(seed_db: Path) -> None:
    app = make_app(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        search = await searching(pilot, "huawei")
        await press(pilot, "down")
        assert isinstance(search.focused, ResultList)
        await press(pilot, "down", "up", "up")
        assert isinstance(search.focused, Input)
        await press(pilot, *"s")
        assert search.query_one(Input).value == "huaweis"


async def test_enter_before_the_results_opens_the_results_of_what_was_typed(seed_db: Path) -> None:
    app = make_app(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        search = await searching(pilot, "huawei")
        search_for = app.service.store.search

        def slow(text: str, *args: object, **kwargs: object) -> object:
            time.sleep(0.3)  # the results come after Enter
            return search_for(text, *args, **kwargs)

        app.service.store.search = slow  # type: ignore[method-assign]
        search.query_one(Input).value = "huawei zzz"  # pasted: no match
        await pilot.press("enter")  # the list still shows the results for "huawei"
        await settle(pilot)
        assert app.screen is search and not search.query_one(ResultList).hits
        search.query_one(Input).value = "sovereignty"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Dashboard)  # opened the match, once it came
        assert app.screen.query_one(TileMap).selected == "GB"


async def test_a_failed_search_says_so_and_leaves_nothing_to_open(seed_db: Path) -> None:
    app = make_app(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        search = await searching(pilot, "huawei")

        def broken(text: str, *args: object, **kwargs: object) -> object:
            raise ValueError("a bug")

        app.service.store.search = broken  # type: ignore[method-assign]
        await press(pilot, "s", "enter")
        assert app.is_running and app.screen is search
        assert "Search failed: ValueError: a bug" in shown_text(search.query_one("#search-status"))
        assert not search.query_one(ResultList).hits


async def test_results_read_as_written_for_people(seed_db: Path) -> None:
    """Issue 15: a decision read "GB restrict · GB" and its conditions came as a JSON array."""
    app = make_app(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"core")
        text = shown_text(app.screen.query_one(ResultList))
        assert "United Kingdom: restrict, announced" in text
        assert "GB restrict" not in text and "· GB" not in text
        assert "excluded from the core" in text  # conditions as text, joined by "; "
        assert '["' not in text and '", "' not in text


async def test_a_speakers_name_lists_their_quotes(seed_db: Path) -> None:
    app = make_app(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"Pompeo")
        text = shown_text(app.screen.query_one(ResultList))
        assert re.search(r"Quotes \((1[0-9]|[2-9][0-9])\)", text)  # his quotes; none were found before
        assert "Mike Pompeo · United Kingdom" in text or "Mike Pompeo · United States" in text
