"""The analyst's views driven from the keyboard (issue 15): people, positions, disputes, timeline.
Each test presses what a user would and reads what the screen shows."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.disputes import DisputesScreen
from techstance.tui.screens.people import PeopleScreen, PersonScreen
from techstance.tui.screens.positions import PositionsScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.screens.timeline import TimelineScreen
from techstance.tui.widgets.claim_panes import QuotesPane
from techstance.tui.widgets.tile_map import TileMap
from textual.pilot import Pilot

from tests.helpers import app_for, press, settle, wait_until

SIZE = (120, 36)


def screen_text(app: TechstanceApp) -> str:
    """Every character on the screen now, row by row."""
    # Textual has no public way to read the composed screen as text (export_screenshot gives SVG
    # with the characters split into spans), so this reads the compositor's strips.
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def started(pilot: Pilot[None]) -> None:
    await settle(pilot)


def table_countries(app: TechstanceApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, PositionsScreen)
    return [p.country.name for p in screen.shown]


# ----- one key from the dashboard, and the palette by name -----
@pytest.mark.parametrize(("key", "view"), [("P", PeopleScreen), ("o", PositionsScreen),
                                           ("D", DisputesScreen), ("T", TimelineScreen)])
async def test_each_view_opens_with_one_key_and_escape_comes_back(seed_db: Path, key: str, view: type) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, key)
        assert isinstance(app.screen, view)
        await press(pilot, "escape")
        assert isinstance(app.screen, Dashboard)


async def test_a_view_opened_from_a_view_replaces_it(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o", "D", "T")
        assert isinstance(app.screen, TimelineScreen) and len(app.screen_stack) == 2
        await press(pilot, "escape")
        assert isinstance(app.screen, Dashboard)


async def test_palette_offers_each_view_by_its_name_once(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for name in ("People", "Positions", "Disputes", "Timeline"):
            assert titles.count(name) == 1, titles
        await press(pilot, "ctrl+p", *"Timeline", "enter")
        assert isinstance(app.screen, TimelineScreen)


async def test_help_lists_the_views_keys(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "question_mark")
        text = screen_text(app)
        for key, name in (("P", "People"), ("o", "Positions"), ("D", "Disputes"), ("T", "Timeline")):
            assert re.search(rf"\b{key}\s+{name}\b", text), text


# ----- positions -----
async def test_positions_list_every_country_with_stance_status_since_sources_disputed(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o")
        text = screen_text(app)
        assert table_countries(app) == ["Australia", "Canada", "Japan", "New Zealand", "United Kingdom",
                                        "United States"]
        row = next(line for line in text.splitlines() if "United Kingdom" in line)
        assert "restrict" in row and "announced" in row and "2020" in row and "3" in row
        nz = next(line for line in text.splitlines() if "New Zealand" in line)
        assert "! yes" in nz
        assert "sorted by Country, ascending" in text


async def test_who_bans_and_since_when_is_o_then_b(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o", "b")
        assert table_countries(app) == ["Australia", "Japan", "United States"]
        text = screen_text(app)
        assert "3 of 6 countries" in text and "only ban" in text
        assert all("by 2019" in line for line in text.splitlines()
                   if any(c in line for c in ("Australia", "Japan", "United States")) and "ban" in line)


async def test_sorting_by_each_column_and_back(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o", "s")  # by stance: ban, restrict, allow, undecided
        assert "sorted by Stance, ascending" in screen_text(app)
        assert table_countries(app)[:3] == ["Australia", "Japan", "United States"]
        await press(pilot, "s", "s")  # by since
        assert "Since ▲" in screen_text(app)
        await press(pilot, "s")  # by number of sources
        assert table_countries(app)[-1] == "United Kingdom"
        await press(pilot, "v")
        assert table_countries(app)[0] == "United Kingdom"
        assert "Sources ▼" in screen_text(app) and "descending" in screen_text(app)


async def test_clicking_a_header_sorts_by_it(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o")
        screen = app.screen
        assert isinstance(screen, PositionsScreen)
        from techstance.tui.widgets.key_table import KeyTable

        # The click needs the filled table: in one CI-like run at load 2 the view still waited
        # for its read when the click came, and the screen showed nothing but its title.
        assert await wait_until(pilot, lambda: screen.filled, 5)
        # And laid out: the columns' widths, which aim the click, are measured when the table is
        # drawn (a click aimed before that missed the Disputed header under load).
        await settle(pilot)
        table = screen.query_one(KeyTable)
        x = sum(c.get_render_width(table) for c in list(table.columns.values())[:5]) + 2
        await pilot.click(KeyTable, offset=(x, 0))
        await settle(pilot)
        assert "sorted by Disputed" in screen_text(app)


async def test_disputed_filter_and_an_empty_filter_says_so(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o", "exclamation_mark")
        assert table_countries(app) == ["New Zealand"]
        await press(pilot, "b")  # banned and disputed: nobody, and the screen says so
        assert table_countries(app) == []
        text = screen_text(app)
        assert "No country matches: only ban and only disputed" in text and "c to clear" in text
        await press(pilot, "c")
        assert len(table_countries(app)) == 6
        assert "No country matches" not in screen_text(app)


async def test_enter_on_a_position_selects_the_country_on_the_dashboard(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "o", "j", "j", "enter")  # Japan
        assert isinstance(app.screen, Dashboard)
        assert app.screen.query_one(TileMap).selected == "JP"
        assert "Decision · Japan" in screen_text(app)


# ----- disputes -----
async def test_disputes_show_both_sides_with_dates_and_open_a_source(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "D")
        text = screen_text(app)
        assert "New Zealand" in text and "1 for, 2 against" in text
        assert "says so" in text and "says otherwise" in text
        assert "2019 (inferred)" in text and "Jan 2020 (inferred)" in text
        await press(pilot, "j", "enter")
        assert isinstance(app.screen, SourceReader)
        await press(pilot, "escape", "k", "enter")
        assert isinstance(app.screen, Dashboard)
        assert app.screen.query_one(TileMap).selected == "NZ"


# ----- people -----
async def test_search_for_a_name_then_enter_opens_the_person_with_every_quote(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"Pompeo", "enter")
        assert isinstance(app.screen, PersonScreen)
        text = screen_text(app)
        assert "Mike Pompeo" in text and "Secretary of State" in text
        assert "Quotes · Mike Pompeo · 1/18" in text
        assert app.screen.person is not None and len(app.screen.person.quotes) == 18


async def test_enter_on_a_quote_opens_its_source_at_the_quote(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "slash", *"Pompeo", "enter")
        screen = app.screen
        assert isinstance(screen, PersonScreen) and screen.person is not None
        quote = screen.person.quotes[1]
        await press(pilot, "j", "enter")
        reader = app.screen
        assert isinstance(reader, SourceReader)
        assert reader.source_id == quote.source.id and reader.start_at == (quote.start, quote.end)


async def test_speaker_key_in_the_quotes_pane_opens_the_speaker(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        quotes = app.screen.query_one(QuotesPane)
        quotes.focus()
        await settle(pilot)
        speaker = quotes.highlighted_quote()
        assert speaker is not None
        await press(pilot, "p")
        assert isinstance(app.screen, PersonScreen) and app.screen.actor_id == speaker.actor.id


async def test_people_list_filters_as_you_type_and_says_when_nobody_matches(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "P")
        assert "quotes" in screen_text(app)
        await press(pilot, *"pomp")
        text = screen_text(app)
        assert "1 of " in text and "Mike Pompeo" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, PersonScreen)
        await press(pilot, "P", *"zzzz")
        assert "Nobody matches “zzzz”." in screen_text(app)
        await press(pilot, "escape")  # from the box being typed in
        assert isinstance(app.screen, Dashboard)


def test_a_typed_name_puts_that_person_before_quotes_that_mention_nobody_by_name() -> None:
    from techstance.db.store.read_models import SearchHit
    from techstance.tui.screens.search import kind_order

    hits = [SearchHit(kind="quote", id="q", label="Mike Pompeo", snippet="…"),
            SearchHit(kind="actor", id="mike-pompeo", label="Mike Pompeo", snippet="…")]
    assert kind_order("pompeo", hits)[0][0] == "actor"
    assert kind_order("disappointing", hits)[0][0] == "quote"  # a word, not a name: quotes first


# ----- timeline -----
async def test_timeline_moves_between_stretches_and_countries_and_opens_a_source(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "T")
        text = screen_text(app)
        assert "Timeline · Australia · 1/8" in text
        uk = next(line for line in text.splitlines() if "United Kingdom" in line)
        assert "2019" in uk and "2020" in uk and "◐" in uk and "○" in uk
        nz = next(line for line in text.splitlines() if "New Zealand" in line)
        assert "!" in nz  # the disputed stretch is marked
        await press(pilot, "down", "down", "down", "down", "down")  # New Zealand
        assert "Timeline · New Zealand" in screen_text(app)
        await press(pilot, "left")
        assert "disputed by a source" in screen_text(app)
        await press(pilot, "enter")
        assert isinstance(app.screen, SourceReader)


async def test_timeline_keeps_year_precision(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "T")
        uk = next(line for line in screen_text(app).splitlines() if "United Kingdom" in line)
        assert "2019-01-01" not in uk and "Jan 2019" not in uk and " 2019 " in uk


# ----- literal text in every view -----
MARKUP_NAME = "[b]New[/] Zealand [/]"
MARKUP_SPEAKER = "[b]Mike[/b] [/]Pompeo"


@pytest.fixture
def markup_db(seed_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "markup.db"
    db.write_bytes(seed_db.read_bytes())
    conn = sqlite3.connect(db)
    conn.execute("UPDATE countries SET name = ? WHERE code = 'NZ'", (MARKUP_NAME,))
    conn.execute("UPDATE actors SET name = ? WHERE id = 'mike-pompeo'", (MARKUP_SPEAKER,))
    conn.commit()
    conn.close()
    return db


@pytest.mark.parametrize("keys", [("o",), ("D",), ("T",), ("P",)], ids=["positions", "disputes", "timeline",
                                                                     "people"])
async def test_names_holding_markup_show_literally_in_each_view(markup_db: Path, keys: tuple[str, ...]) -> None:
    app = app_for(markup_db)
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        await press(pilot, *keys)
        text = screen_text(app)
        wanted = MARKUP_SPEAKER if keys == ("P",) else MARKUP_NAME
        assert wanted in text, text


async def test_a_speaker_name_holding_markup_shows_literally_in_the_person_view(markup_db: Path) -> None:
    app = app_for(markup_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "P", *"pompeo", "enter")
        assert isinstance(app.screen, PersonScreen)
        assert MARKUP_SPEAKER in screen_text(app)
        assert f"Quotes · {MARKUP_SPEAKER} · 1/18" in screen_text(app)


@pytest.mark.parametrize("keys", [("o",), ("D",), ("T",), ("P",), ("slash", *"Pompeo", "enter")],
                         ids=["positions", "disputes", "timeline", "people", "person"])
async def test_help_on_a_view_names_its_sections_in_words(seed_db: Path, keys: tuple[str, ...]) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, *keys)
        await press(pilot, "f1")
        text = screen_text(app)
        assert "Everywhere" in text
        for internal in ("KeyTable", "ViewList", "DisputeList", "TimelineChart", "Input", "Vertical"):
            assert internal not in text, text


@pytest.mark.parametrize(("key", "ending"), [("T", "not a decision on the topic"),
                                            ("o", "first reported then")])
async def test_a_views_status_line_is_read_whole_in_80_columns(seed_db: Path, key: str, ending: str) -> None:
    # Before: cut with an ellipsis at 80 columns, so what `*` and "by" mean in the rows was hidden.
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await press(pilot, key)
        shown = " ".join(line.strip("│ ") for line in screen_text(app).splitlines())
        assert ending in shown, shown


def _damaged(seed_db: Path, tmp_path: Path) -> Path:
    """Australia's only decision with a stance the schema refuses, written with checks off; New
    Zealand's tile far off the map."""
    db = tmp_path / "damaged.db"
    db.write_bytes(seed_db.read_bytes())
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints=ON")
    conn.execute("UPDATE decisions SET stance = 'nuke' WHERE country = 'AU'")
    conn.execute("UPDATE countries SET tile_row = 9999999 WHERE code = 'NZ'")
    conn.close()
    return db


async def test_a_damaged_position_is_marked_not_shown_as_undecided(seed_db: Path, tmp_path: Path) -> None:
    # Before: the damaged decision's placeholder read "○ undecided" (a fact nobody recorded), "u"
    # listed it, and New Zealand's damage line as its name pushed every other column off 80 columns.
    app = app_for(_damaged(seed_db, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await press(pilot, "o")
        text = screen_text(app)
        australia = next(line for line in text.splitlines() if "Australia" in line)
        assert "damaged" in australia and "undecided" not in australia, australia
        assert "Sources" in text and "Disputed" in text, text
        await press(pilot, "u")
        assert "Australia" not in table_countries(app)


async def test_a_damaged_event_on_the_timeline_is_marked_not_undecided(seed_db: Path, tmp_path: Path) -> None:
    app = app_for(_damaged(seed_db, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        await press(pilot, "T")
        australia = next(line for line in screen_text(app).splitlines() if line.startswith("│Australia"))
        assert "⚠" in australia and "undecided" not in australia, australia
