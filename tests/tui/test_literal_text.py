"""Text from the sources is shown literally: markup, backslashes and escapes never vanish,
never crash the app, never act, and never reach the terminal as control sequences.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.literal import visible
from techstance.tui.screens.search import SearchScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.claim_panes import QuotesPane, SourcesPane

from tests.helpers import flat, make_app, press, settle, shown_text

HOSTILE = ("[bold]not bold[/bold] [/] [@click=app.quit]click[/] C:\\temp\\new [x] "
           "\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link")
SHOWN = visible(HOSTILE)  # what must appear on screen, character for character
SPEAKER = "[b]Eve[/b] \\o/"


@pytest.fixture
def hostile_db(seed_db: Path, tmp_path: Path) -> Path:
    """The seed database plus one article and quote made of markup-shaped text."""
    db = tmp_path / "hostile.db"
    db.write_bytes(seed_db.read_bytes())
    article = f'Intro [i]line[/i].\n"{HOSTILE}," said Eve.\nEnd [/].'
    start = article.index(HOSTILE)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO sources (id, outlet, title, published, date_precision, date_inferred,"
                 " seed_file, text, sha256, notes) "
                 "VALUES ('hostile', '[red]Outlet[/red]', '[/] title', '2030-01-01', "
                 "'day', 0, 'hostile.txt', ?, ?, '[@click=app.quit]note')", (article, "0" * 64))
    conn.execute("INSERT INTO actors VALUES ('eve', ?, 'person', '[/]role', NULL, 'GB')", (SPEAKER,))
    conn.execute("INSERT INTO quotes (id, topic, actor, country, text, said_on, said_on_precision, source,"
                 " start, [end]) "
                 "VALUES ('hostile-quote', 'huawei-5g', 'eve', 'GB', ?, NULL, 'unknown', "
                 "'hostile', ?, ?)", (HOSTILE, start, start + len(HOSTILE)))
    conn.execute("INSERT INTO evidence (id, claim_table, claim_id, claim_field, source, start, [end], excerpt, role) "
                 "VALUES ('ev-hostile', 'quotes', 'hostile-quote', 'quote', 'hostile', ?, ?, ?, "
                 "'supports')", (start, start + len(HOSTILE), HOSTILE))
    conn.commit()
    conn.close()
    return db


async def test_markup_in_quotes_is_shown_exactly_and_never_acts(hostile_db: Path) -> None:
    app = make_app(hostile_db)
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        quotes = app.screen.query_one(QuotesPane)
        assert quotes.highlighted_quote() is not None
        assert quotes.highlighted_quote().id == "hostile-quote"  # type: ignore[union-attr]
        screen = flat(shown_text(quotes))
        for piece in ("[bold]not bold[/bold]", "[/]", "[@click=app.quit]click[/]", "C:\\temp\\new",
                      "[x]", "\\x1b[31mred\\x1b[0m", "\\x1b]8;;http://x\\x07link", SPEAKER, "[/]role"):
            assert piece in screen, piece
        assert "\x1b" not in shown_text(quotes) and "\x07" not in shown_text(quotes)
        # Clicking on the text that looks like an action link does nothing but select.
        await pilot.click(QuotesPane, offset=(20, 2))
        await settle(pilot)
        assert app.is_running
        assert f"“{SHOWN}”" in flat(shown_text(app.screen.query_one(SourcesPane)))


async def test_markup_in_an_article_is_shown_exactly_in_the_reader(hostile_db: Path) -> None:
    app = make_app(hostile_db)
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "tab", "tab", "enter")
        reader = app.screen
        assert isinstance(reader, SourceReader)
        article = reader.article.drawn_text()
        assert "Intro [i]line[/i]." in article and "End [/]." in article
        assert f'"{SHOWN}," said Eve.' in flat(article)
        meta = shown_text(reader.query_one("#source-meta"))
        assert "[red]Outlet[/red]" in meta and "[/] title" in meta and "[@click=app.quit]note" in meta
        await press(pilot, "escape")
        assert app.is_running


async def test_markup_in_search_results_is_shown_exactly(hostile_db: Path) -> None:
    app = make_app(hostile_db)
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"bold")
        assert isinstance(app.screen, SearchScreen)
        results = flat(shown_text(app.screen.query_one("#search-results")))
        assert "[bold]not" in results and SPEAKER in results
        await press(pilot, "enter")
        assert app.is_running


def test_visible_keeps_every_character_and_shows_controls() -> None:
    assert visible("a\x1b[31mb\x07c\x00d\x7f\x9be") == "a\\x1b[31mb\\x07c\\x00d\\x7f\\x9be"
    assert visible("tabs\tand\nnewlines [x] \\ stay") == "tabs\tand\nnewlines [x] \\ stay"


def test_hostile_text_snapshot(snap_compare, hostile_db: Path) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)

    assert snap_compare(make_app(hostile_db), terminal_size=(120, 36), run_before=run_before)
