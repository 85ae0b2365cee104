"""The main screen: map, decision, quotes and sources panes."""

from __future__ import annotations

import sqlite3

from techstance.db.store.connection import DatabaseOpenError
from techstance.db.store.opening import Opening, latest_decided
from techstance.db.store.read_models import CountryDetail, CountryTile, EvidenceItem, QuoteItem, SearchHit
from techstance.db.store.reads import Store
from techstance.tui.formatting import STANCE_ORDER, quote_citation
from techstance.tui.literal import literal
from techstance.tui.widgets.claim_panes import (
    ClaimHighlighted,
    DecisionPane,
    OpenEvidence,
    QuotesPane,
    SourcesPane,
)
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.tile_map import TileMap
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 60
MIN_HEIGHT = 18
FILTER_CYCLE: tuple[str | None, ...] = (None, *STANCE_ORDER)


class Dashboard(Screen[None]):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("f", "filter", "Filter"),
        Binding("t", "switch_topic", "Topic"),
        Binding("y", "copy_quote", "Copy quote"),
        Binding("R", "review", "Review imports"),
        Binding("e", "correct_quote", "Correct quote", show=False),
        Binding("z", "zoom", "Zoom pane"),
        Binding("escape", "back", "Back", show=False),
        # Panes in reading order (map, decision, quotes, sources), not in layout order.
        Binding("tab", "cycle_pane(1)", "Next pane", show=False),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False),
    ]
    PANE_ORDER = ("#map", "#decision", "#quotes", "#sources")

    def __init__(self, store: Store, topic: str | None = None, *, kiosk: bool = False,
                 opening: Opening | None = None) -> None:
        super().__init__(classes="-kiosk" if kiosk else "")
        self.store = store
        self.topic = topic
        self.kiosk = kiosk
        self.opening = opening
        self._preloaded: str | None = None  # the country the opening view already filled in
        self.topic_count = 0
        self.detail: CountryDetail | None = None
        self.pending_quote: str | None = None  # a quote to highlight once its country loads

    def compose(self) -> ComposeResult:
        yield Static("techstance", id="title-bar")
        with Vertical(id="left"):
            yield TileMap(id="map")
            yield QuotesPane(id="quotes")
        with Vertical(id="right"):
            yield DecisionPane(id="decision")
            yield SourcesPane(id="sources")
        yield Static(id="too-small")
        if self.kiosk:
            yield Static(id="kiosk-status")
        else:
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#map", TileMap).border_title = "Map"
        self.query_one("#decision", DecisionPane).border_title = "Decision"
        self.query_one("#quotes", QuotesPane).border_title = "Quotes"
        self.query_one("#sources", SourcesPane).border_title = "Sources"
        self.query_one("#too-small", Static).update(literal(
            f"Terminal too small.\nMake it at least {MIN_WIDTH}×{MIN_HEIGHT} "
            f"(it is {self.size.width}×{self.size.height})."))
        self._check_size()
        view = self.opening.view if self.opening is not None else None
        if view is None:
            self.load_map()
            return
        # Read before Textual started (techstance.db.store.opening): the first frame is drawn filled.
        self._preloaded = view.code
        self._show_map(view.topic.id, view.topic.title, view.topic_count, view.tiles, view.code)
        if view.code is not None:
            self._show_country(view.code, view.detail, view.quotes, view.evidence)

    # ----- loading (in threads, so a slow disk never freezes the keys) -----
    @work(thread=True, exclusive=True, group="map")
    def load_map(self, select: str | None = None) -> None:
        try:
            topics = self.store.topics()
            if not topics:
                self.app.call_from_thread(self.data_failed, "this database holds no topics")
                return
            topic = next((t for t in topics if t.id == self.topic), topics[0])
            tiles = self.store.tiles(topic.id)
        except (sqlite3.Error, DatabaseOpenError) as err:
            self.app.call_from_thread(self.data_failed, str(err))
            return
        self.app.call_from_thread(self._show_map, topic.id, topic.title, len(topics), tiles, select)

    def data_failed(self, message: str) -> None:
        """A read failed (locked, damaged, gone): keep what is shown and say so, never crash."""
        handler = getattr(self.app, "data_failed", None)
        if handler is not None:
            handler(message)  # the kiosk shows it as stale data and retries
        else:
            self.notify(literal(f"Cannot read the database: {message}"), severity="error", timeout=6)

    def reload(self) -> None:
        """New data in the file: redraw everything, keeping the selected country."""
        self.load_map(select=self.query_one(TileMap).selected)

    def _show_map(self, topic: str, title: str, topic_count: int, tiles: list[CountryTile],
                  select: str | None) -> None:
        if not self.is_attached:
            return  # the app is closing while this load finished
        self.topic, self.topic_count = topic, topic_count
        self.sub_title = title
        self.query_one("#title-bar", Static).update(title_bar(title))
        tile_map = self.query_one(TileMap)
        if select is None and tile_map.selected is None:
            select = latest_decided(tiles)
        tile_map.set_tiles(tiles, select=select)
        self.refresh_bindings()

    @on(TileMap.Selected)
    def _country_selected(self, event: TileMap.Selected) -> None:
        preloaded, self._preloaded = self._preloaded, None
        if event.code == preloaded:
            return  # its panes came with the opening view
        self.load_country(event.code)

    @work(thread=True, exclusive=True, group="country")
    def load_country(self, code: str) -> None:
        if self.topic is None:
            return
        try:
            detail = self.store.country_detail(self.topic, code)
            quotes = self.store.quotes_about(self.topic, code, limit=QuotesPane.PAGE)
            evidence = self.store.evidence_for("quotes", [q.id for q in quotes])
        except (sqlite3.Error, DatabaseOpenError) as err:
            self.app.call_from_thread(self.data_failed, str(err))
            return
        self.app.call_from_thread(self._show_country, code, detail, quotes, evidence)

    def _show_country(self, code: str, detail: CountryDetail | None, quotes: list[QuoteItem],
                      evidence: dict[str, list[EvidenceItem]]) -> None:
        if not self.is_attached or code != self.query_one(TileMap).selected:
            return  # closing, or the user has moved on and a newer load is coming
        focus_quote, self.pending_quote = self.pending_quote, None
        self.detail = detail
        decision = self.query_one(DecisionPane)
        quotes_pane = self.query_one(QuotesPane)
        decision.show(detail)
        quotes_pane.show(detail.country.name if detail else None, quotes, evidence)
        if focus_quote is not None:
            index = next((i for i, q in enumerate(quotes_pane.options) if q.id == focus_quote), None)
            if index is not None:
                quotes_pane.highlighted = index
                quotes_pane.focus()
        origin = self.focused if isinstance(self.focused, QuotesPane | DecisionPane) else decision
        self.query_one(SourcesPane).show(origin.highlighted_claim())

    @on(QuotesPane.MoreQuotes)
    def _more_quotes(self, event: QuotesPane.MoreQuotes) -> None:
        self.load_more_quotes(event.after)

    @work(thread=True, exclusive=True, group="more-quotes")
    def load_more_quotes(self, after: QuoteItem) -> None:
        if self.topic is None or after.country is None:
            return
        try:
            quotes = self.store.quotes_about(self.topic, after.country, limit=QuotesPane.PAGE, after=after)
            evidence = self.store.evidence_for("quotes", [q.id for q in quotes])
        except (sqlite3.Error, DatabaseOpenError) as err:
            self.app.call_from_thread(self.data_failed, str(err))
            return
        self.app.call_from_thread(self.query_one(QuotesPane).append, quotes, evidence)

    @on(ClaimHighlighted)
    def _claim_highlighted(self, event: ClaimHighlighted) -> None:
        sender = event.pane
        # Only the pane the user is in (or the decision pane, by default) drives the sources.
        if sender is self.focused or (sender is self.query_one(DecisionPane)
                                      and not isinstance(self.focused, QuotesPane)):
            self.query_one(SourcesPane).show(event.claim)

    @on(OpenEvidence)
    def _open_evidence(self, event: OpenEvidence) -> None:
        from techstance.tui.screens.source_reader import SourceReader

        self.app.push_screen(SourceReader(self.store, event.evidence, country=self.query_one(TileMap).selected))

    # ----- actions -----
    def action_search(self) -> None:
        from techstance.tui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.store), self._jump_to)

    def _jump_to(self, hit: SearchHit | None) -> None:
        if hit is None:
            return
        tile_map = self.query_one(TileMap)
        if hit.kind == "source":
            from techstance.tui.screens.source_reader import SourceReader

            self.app.push_screen(SourceReader(self.store, None, source_id=hit.id))
            return
        if hit.topic and hit.topic != self.topic:
            self.topic = hit.topic
            self.load_map(select=hit.country)
        if hit.country and tile_map.tile(hit.country) is not None:
            tile_map.stance_filter = None
            if hit.kind == "quote":
                self.pending_quote = hit.id
                if tile_map.selected == hit.country:
                    self.load_country(hit.country)
                tile_map.selected = hit.country
                return
            tile_map.selected = hit.country
            self.query_one(DecisionPane if hit.kind == "decision" else TileMap).focus()
        else:
            self.notify("That match is not about a country on the map.", timeout=3)

    def action_filter(self) -> None:
        tile_map = self.query_one(TileMap)
        index = FILTER_CYCLE.index(tile_map.stance_filter)
        tile_map.stance_filter = FILTER_CYCLE[(index + 1) % len(FILTER_CYCLE)]
        shown = tile_map.stance_filter
        tile_map.border_title = "Map" if shown is None else f"Map · only {shown}"

    def action_switch_topic(self) -> None:
        from techstance.tui.screens.topic_picker import TopicPicker

        def chosen(topic: str | None) -> None:
            if topic and topic != self.topic:
                self.topic = topic
                self.load_map()

        self.app.push_screen(TopicPicker(self.store.topics(), self.topic), chosen)

    def action_open_country(self) -> None:
        self.query_one(DecisionPane).focus()

    def action_correct_quote(self) -> None:
        from techstance.tui.screens.editing import CorrectQuoteForm

        quote = self.query_one(QuotesPane).highlighted_quote()
        if quote is None or getattr(self.app, "editor", lambda: None)() is None:
            self.notify("Highlight a quote in the quotes pane first.", timeout=3)
            return
        self.app.push_screen(CorrectQuoteForm(self.store, quote), lambda saved: saved and self.reload())

    def action_review(self) -> None:
        from techstance.tui.screens.review import ReviewScreen

        editor = getattr(self.app, "editor", lambda: None)()
        if editor is None:
            self.notify("This database cannot be edited here.", severity="error", timeout=5)
            return
        self.app.push_screen(ReviewScreen(self.store, editor), lambda _: self.reload())

    def action_cycle_pane(self, step: int) -> None:
        panes = [self.query_one(selector) for selector in self.PANE_ORDER]
        current = panes.index(self.focused) if self.focused in panes else -step
        target = panes[(current + step) % len(panes)]
        if self.maximized is not None:
            self.maximize(target)
        target.focus()

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            self.maximize(self.focused)

    def action_back(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.query_one(TileMap).stance_filter is not None:
            self.query_one(TileMap).stance_filter = None
            self.query_one(TileMap).border_title = "Map"
        elif self.focused is not self.query_one(TileMap):
            self.query_one(TileMap).focus()

    def action_copy_quote(self) -> None:
        quote = self.query_one(QuotesPane).highlighted_quote()
        if quote is None:
            self.notify("Select a quote first.", timeout=3)
            return
        self.app.copy_to_clipboard(quote_citation(quote))
        self.notify(literal(f"Copied quote by {quote.actor.name}."), timeout=3)

    # A wall screen has no clipboard worth writing to.
    KIOSK_OFF = frozenset({"copy_quote", "review", "correct_quote"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.kiosk and action in self.KIOSK_OFF:
            return False
        if action == "switch_topic":
            return self.topic_count > 1
        return True

    # ----- the kiosk's tour -----
    def tour(self, wanted: list[str]) -> list[str]:
        """The countries to cycle through: the configured ones, else all with a decision."""
        tiles = self.query_one(TileMap).tiles
        if wanted:
            known = {t.country.code for t in tiles}
            return [code for code in wanted if code in known]
        return [t.country.code for t in tiles if t.stance is not None]

    def show_country(self, code: str) -> None:
        self.query_one(TileMap).selected = code

    def reset_view(self) -> None:
        """Back to the plain map: what a visitor left open is closed when they walk away."""
        if self.maximized is not None:
            self.minimize()
        tile_map = self.query_one(TileMap)
        tile_map.stance_filter = None
        tile_map.border_title = "Map"
        tile_map.focus()

    # ----- size -----
    def on_resize(self) -> None:
        self._check_size()

    def _check_size(self) -> None:
        small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(literal(
                f"Terminal too small.\nMake it at least {MIN_WIDTH}×{MIN_HEIGHT} "
                f"(it is {self.size.width}×{self.size.height})."))


def title_bar(subtitle: str) -> Content:
    """The top line of every screen (Textual's Header races its own updates at exit)."""
    return Content.assemble(("◐ techstance", "bold"), "  ", literal(subtitle, "$text-muted"))
