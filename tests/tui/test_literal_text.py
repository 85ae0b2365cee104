"""Text from the sources is shown literally: markup, backslashes and escapes never vanish,
never crash the app, never act, and never reach the terminal as control sequences.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.literal import literal, visible
from techstance.tui.screens.search import SearchScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.claim_panes import QuotesPane, SourcesPane
from textual.app import App, ComposeResult

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


# ----- every widget class the app uses, fed hostile text (issue 14, deliverable 4) -----
HOSTILE_SHAPES = ["[b]x[/b]", "[/]", "[@click=app.quit]q[/]", "\x1b[2J", "\\", "\x07", "y" * 10_000]
TUI = Path(__file__).resolve().parents[2] / "tui"


def app_widget_classes() -> set[str]:
    """Every Widget class defined in tui/ (screens aside) and every Textual widget tui/ imports."""
    import ast
    import importlib
    import inspect

    from textual.screen import Screen
    from textual.widget import Widget

    names: set[str] = set()
    for path in sorted(TUI.rglob("*.py")):
        module = "techstance.tui." + ".".join(path.relative_to(TUI).with_suffix("").parts)
        if module.endswith("__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual.widgets"):
                names |= {alias.name for alias in node.names if alias.name[0].isupper()}
        loaded = importlib.import_module(module.removesuffix(".__init__"))
        names |= {name for name, cls in vars(loaded).items()
                  if inspect.isclass(cls) and issubclass(cls, Widget) and not issubclass(cls, Screen)
                  and cls.__module__ == loaded.__name__}
    return names


def _feeders(text: str) -> dict[str, object]:
    """class name -> a widget of that class showing `text` the way the app hands it data."""
    from techstance.db.store.read_models import (
        ActorInfo,
        CountryDetail,
        CountryInfo,
        CountryTile,
        DecisionEvent,
        QuoteItem,
        SearchHit,
        SourceRef,
    )
    from techstance.tui.literal import literal_rich
    from techstance.tui.widgets.claim_panes import Claim, DecisionPane
    from techstance.tui.widgets.footer import Footer
    from techstance.tui.widgets.result_list import ResultGroup, ResultList
    from techstance.tui.widgets.tile_map import TileMap
    from textual.widgets import Button, Input, Label, OptionList, Select, Static
    from textual.widgets.option_list import Option

    country = CountryInfo(code="GB", name=text, region=text, tile_row=0, tile_col=0)
    source = SourceRef(id="s", outlet=text, title=text, published="2020-01-01", date_precision="day",
                       date_inferred=False)
    event = DecisionEvent(id="d", topic="t", country="GB", stance="ban", status="enacted", date="2020-01-01",
                          date_precision="day", date_inferred=False, summary=text, conditions=[text], evidence=[])
    quote = QuoteItem(id="q", topic="t", country="GB", text=text, said_on=None, start=0, end=1,
                      actor=ActorInfo(id="a", name=text, kind="person", role=text, affiliation=None, country=None),
                      source=source)
    decision, quotes, sources = DecisionPane(id="decision"), QuotesPane(id="quotes"), SourcesPane(id="sources")
    results, tile_map = ResultList(id="results"), TileMap(id="map")
    from techstance.db.store.read_models import CountryTimeline, TimelineEvent
    from techstance.tui.screens.disputes import DisputeList
    from techstance.tui.screens.people import ViewList
    from techstance.tui.widgets.article import ArticleView
    from techstance.tui.widgets.as_of_bar import AsOfBar
    from techstance.tui.widgets.key_table import KeyTable
    from techstance.tui.widgets.timeline_chart import TimelineChart
    from textual.widgets import DataTable, TextArea, Tree

    article, chart, key_table, table = ArticleView(id="article"), TimelineChart(id="chart"), KeyTable(id="keys"), \
        DataTable(id="table")

    def fill() -> None:
        decision.show(CountryDetail(country=country, current=event, timeline=[]))
        quotes.show(text, [quote], {})
        from techstance.db.store.read_models import EvidenceItem

        sources.show(Claim(text, (EvidenceItem(id="e", claim_table="quotes", claim_id="q", claim_field="quote",
                                               role="supports", source=source, start=0, end=1, excerpt=text),)))
        results.show([ResultGroup(title=text, hits=[SearchHit(kind="quote", id="q", label=text,
                                                               snippet=text, country_name=text)])])
        # The grid shows codes, the narrow list names: the text is both.
        article.load(text)
        chart.show([CountryTimeline(country=country, events=[TimelineEvent(
            id="d", stance="ban", status="enacted", date="2020-01-01", date_precision="day", date_inferred=False,
            placed_on="2020-01-01", summary=text, disputed=False)])])
        for grid in (key_table, table):
            grid.add_column(literal_rich(text))
            grid.add_row(literal_rich(text))
        tile_map.set_tiles([CountryTile(country=CountryInfo(code=text, name=text, region=text, tile_row=0,
                                                            tile_col=0), stance="ban")])

    feeders: dict[str, object] = {
        "Static": Static(literal(text), id="static"), "Label": Label(literal(text), id="label"),
        "Button": Button(literal(text), id="button"), "Input": Input(value=text, id="input"),
        "Select": Select([(literal(text), "v")], value="v", allow_blank=False, id="select"),
        "OptionList": OptionList(Option(literal_rich(text)), id="options"),
        "Option": None, "FooterKey": None, "ClaimList": None, "KeptLinesOptionList": None,  # the rows below
        "DecisionPane": decision, "QuotesPane": quotes, "SourcesPane": sources, "ResultList": results,
        "TileMap": tile_map, "Footer": Footer(), "TextualFooter": None,
        "DisputeList": DisputeList(Option(literal_rich(text)), id="disputes"),
        "ViewList": ViewList(Option(literal_rich(text)), id="views"),
        "ArticleView": article, "TimelineChart": chart, "KeyTable": key_table, "DataTable": table,
        "Tree": Tree(literal_rich(text), id="tree"),
        # Composed for no crash only: the app types into these (AsOfBar starts hidden), never shows data in them.
        "TextArea": TextArea(text, id="textarea"), "AsOfBar": AsOfBar(id="asof"),
    }
    feeders["_fill"] = fill
    return feeders


# Every class _feeders builds (or composes through another: Option, FooterKey, ClaimList's subclasses,
# KeptLinesOptionList's).
FED = {"Static", "Label", "Button", "Input", "Select", "OptionList", "Option", "FooterKey", "ClaimList",
       "KeptLinesOptionList",
       "DecisionPane", "QuotesPane", "SourcesPane", "ResultList", "TileMap", "Footer", "TextualFooter",
       "DisputeList", "ViewList", "ArticleView", "TimelineChart", "KeyTable", "DataTable", "Tree", "TextArea",
       "AsOfBar"}


def test_every_widget_class_the_app_uses_is_fed_hostile_text() -> None:
    # A widget class added to the app without a feeder here fails this test: hostile text reaches it unseen.
    assert app_widget_classes() <= FED


class HostileHarness(App[None]):
    BINDINGS = [("f9", "app.bell", "[/] bell")]  # a description shaped like markup, for the footer and palette

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
        self.feeders: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        from textual.widget import Widget

        self.feeders = _feeders(self.text)  # widgets are made inside a running app
        for widget in self.feeders.values():
            if isinstance(widget, Widget):
                widget.styles.height = 8  # each in view at once: a widget off screen draws nothing
                yield widget

    def on_mount(self) -> None:
        fill = self.feeders["_fill"]
        assert callable(fill)
        fill()
        self.title, self.sub_title = self.text, self.text
        self.screen.title, self.screen.sub_title = self.text, self.text
        self.query_one("#static").tooltip = literal(self.text)


@pytest.mark.parametrize("text", HOSTILE_SHAPES, ids=["bold", "close", "action", "clear", "backslash", "bell",
                                                     "long"])
async def test_hostile_text_in_every_widget_toast_title_and_the_palette(text: str) -> None:
    from textual.widget import Widget
    from textual.widgets import Input
    from textual.widgets._toast import Toast

    app = HostileHarness(text)
    async with app.run_test(size=(120, 200)) as pilot:
        assert set(app.feeders) - {"_fill"} == FED
        await pilot.pause()
        await pilot.pause()
        expected = visible(text)[:12]
        for name, widget in app.feeders.items():
            if not isinstance(widget, Widget) or name in ("Footer", "Input", "TextArea", "AsOfBar"):
                continue
            # A compound widget (Select) draws through its children.
            shown = "\n".join(shown_text(w) for w in [widget, *widget.query("*")])
            assert "\x1b" not in shown and "\x07" not in shown, name
            assert expected in flat(shown).replace(" ", "") or expected in shown, (name, flat(shown)[:200])
        assert app.query_one("#input", Input).value == text
        from techstance.tui.literal import toast

        toast(app, text)
        await pilot.pause(0.3)
        toasts = [flat("\n".join(shown_text(w) for w in [t, *t.query("*")])) for t in app.screen.query(Toast)]
        # The toast as handed over: the text with controls made visible, never read as markup.
        assert any(n.message == visible(text) and not n.markup for n in app._notifications), toasts
        assert all(expected in t for t in toasts), toasts
        if len(text) < 100:  # the tooltip shows on a hover; a long text pushes the Static off screen
            await pilot.hover("#static")
            await pilot.pause(0.6)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"[/]")
        app.screen.query_one(Input).value = text
        await pilot.pause(0.3)
        assert app.is_running, repr(app._exception)  # a plain App keeps it only here
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.title == text


async def test_help_and_palette_of_the_real_app_with_hostile_names(hostile_db: Path) -> None:
    from textual.widgets import Input

    app = make_app(hostile_db)
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert app.is_running and type(app.screen).__name__ == "HelpScreen"
        await press(pilot, "escape", "ctrl+p")
        app.screen.query_one(Input).value = "[@click=app.quit]q[/]"
        await settle(pilot)
        await press(pilot, "escape")
        assert app.is_running, repr(app.crash)


def test_the_browser_page_title_never_carries_data() -> None:
    """textual-serve names the page from the server's title; the kiosk's is a constant, so a database
    path or configuration holding markup or HTML never reaches the page (nor its busy page)."""
    from techstance.tui.kiosk.serve import KioskServer, ServeSettings, busy_page

    hostile = "[/]<script>alert(1)</script>\x1b[2J"
    server = KioskServer(ServeSettings(argv=["techstance", "kiosk", "--db", hostile], host="127.0.0.1", port=8000,
                                       public_url="http://127.0.0.1:8000", max_sessions=2))
    assert server.title == "techstance kiosk"
    page = busy_page(2)
    assert "<title>techstance kiosk: busy</title>" in page and hostile not in page and "<script>" not in page
