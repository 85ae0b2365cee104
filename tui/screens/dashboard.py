"""The main screen: map, decision, quotes and sources panes."""

from __future__ import annotations

import datetime as dt
import gc
from collections import OrderedDict, deque
from collections.abc import Callable
from pathlib import Path

from techstance.db.store.opening import Opening, latest_decided
from techstance.db.store.read_models import CountryDetail, CountryTile, EvidenceItem, QuoteItem, SearchHit
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem
from techstance.tui.as_of import Step, as_of_label, next_step, previous_step, where
from techstance.tui.base_screen import DataScreen
from techstance.tui.formatting import STANCE_ORDER, quote_citation
from techstance.tui.intents import CorrectQuote, OpenPerson, OpenSearch, OpenSource, PickTopic, ReviewImports
from techstance.tui.literal import literal, toast
from techstance.tui.waiting import RETRY_LOCKED_S, say_why_when_slow, waiting_line
from techstance.tui.widgets.as_of_bar import AsOfBar
from techstance.tui.widgets.claim_panes import (
    ClaimHighlighted,
    DecisionPane,
    OpenEvidence,
    QuotesPane,
    SourcesPane,
)
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.tile_map import TileMap
from techstance.tui.widgets.title_bar import title_bar
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

MIN_WIDTH = 60
MIN_HEIGHT = 18
FILTER_CYCLE: tuple[str | None, ...] = (None, *STANCE_ORDER)
CACHED_COUNTRIES = 64  # countries whose panes are kept, so moving back and forth reads nothing
PREFETCH = 8  # the nearest countries on the map, read ahead while the user looks at one

CountryData = tuple[CountryDetail | None, list[QuoteItem], dict[str, list[EvidenceItem]]]
# What the panes show depends on the as-of date as much as on the country: both key the cache.
CountryKey = tuple[str | None, str]


def read_country(store: Store, topic: str, code: str, as_of: str | None = None) -> CountryData:
    """Everything the panes show for one country (as of a date, when given): one read, one snapshot."""
    detail = store.country_detail(topic, code, as_of=as_of)
    quotes = store.quotes_about(topic, code, limit=QuotesPane.PAGE, as_of=as_of)
    return detail, quotes, store.evidence_for("quotes", [q.id for q in quotes])


def nearest(tiles: list[CountryTile], code: str, count: int) -> list[str]:
    """The countries a map key is likely to move to next: nearest on the grid first."""
    here = next((t.country for t in tiles if t.country.code == code), None)
    if here is None:
        return []
    others = [t.country for t in tiles if t.country.code != code]
    others.sort(key=lambda c: (abs(c.tile_row - here.tile_row) + abs(c.tile_col - here.tile_col), c.code))
    return [c.code for c in others[:count]]


AS_OF_KEYS = Binding.Group("As of a date · [ ] step through events · A today")


class Dashboard(DataScreen[None]):
    # Absolute: a subclass elsewhere (the kiosk's) would resolve a relative path beside itself.
    CSS_PATH = str(Path(__file__).with_name("dashboard.tcss"))
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("f", "filter", "Filter"),
        Binding("t", "switch_topic", "Topic"),
        Binding("t", "one_topic", show=False),  # tried when switching is off: says why, not nothing
        Binding("y", "copy_quote", "Copy quote"),
        Binding("R", "review", "Review imports"),
        Binding("e", "correct_quote", "Correct quote", show=False),
        Binding("z", "zoom", "Zoom pane"),
        # Hidden from the footer (it is full at 80x24) but listed in help (one entry) and the palette.
        Binding("a", "ask_as_of", "As of a date", show=False, group=AS_OF_KEYS),
        Binding("left_square_bracket", "step(-1)", "Previous event", show=False, group=AS_OF_KEYS),
        Binding("right_square_bracket", "step(1)", "Next event", show=False, group=AS_OF_KEYS),
        # The title bar shows "A: today" while a date is set.
        Binding("A", "today", "Back to today", show=False, group=AS_OF_KEYS),
        Binding("escape", "back", "Back", show=False),
        # Panes in reading order (map, decision, quotes, sources), not in layout order.
        Binding("tab", "cycle_pane(1)", "Next pane", show=False),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False),
    ]
    PANE_ORDER = ("#map", "#decision", "#quotes", "#sources")
    EDITING = frozenset({"review", "correct_quote"})
    # Until the map is first read the screen says what it waits for (the kiosk says it in its
    # status line instead).
    SAYS_WAITING = True

    def __init__(self, topic: str | None = None, *, opening: Opening | None = None,
                 as_of: str | None = None) -> None:
        """`as_of` (YYYY-MM-DD, checked by the caller): show the world as it stood at the end of that day."""
        super().__init__()
        self.topic = topic
        self.opening = opening
        self.as_of = as_of
        self.step_country: str | None = None  # the country of the event stepped to with [ or ]
        self.steps: list[Step] = []
        self._steps_topic: str | None = None  # the topic `steps` were read for
        self.topic_title = ""
        self.topic_count = 0
        self.detail: CountryDetail | None = None
        self.pending_quote: str | None = None  # a quote to highlight once its country loads
        self._countries: OrderedDict[CountryKey, CountryData] = OrderedDict()  # what was shown, newest last
        self._on_screen: CountryData | None = None
        self._resumed = False
        self._watching = False  # the map's selection, by _selection_moved
        self._moved: deque[str] = deque()  # selections handled whose TileMap.Selected is still coming
        self._map_shown = False

    def compose(self) -> ComposeResult:
        yield Static("techstance", id="title-bar")
        with Vertical(id="left"):
            yield Static(id="dashboard-waiting")
            yield TileMap(id="map")
            yield QuotesPane(id="quotes")
        with Vertical(id="right"):
            yield DecisionPane(id="decision")
            yield SourcesPane(id="sources")
        yield Static(id="too-small")
        yield AsOfBar(id="as-of")
        yield from self.compose_bottom()

    def compose_bottom(self) -> ComposeResult:
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
        # The opening view is today's: an as-of date is loaded as any other view is.
        view = self.opening.view if self.opening is not None and self.as_of is None else None
        if view is None:
            self.load_map()
            if self.SAYS_WAITING:
                say_why_when_slow(self, lambda: not self._map_shown, self._say_waiting)
            return
        # Read before Textual started (techstance.db.store.opening): the first frame is drawn filled.
        self._show_map(view.topic.id, view.topic.title, view.topic_count, view.tiles, view.code)
        if view.code is not None:
            data = (view.detail, view.quotes, view.evidence)
            self._remember((None, view.code), data)
            self._show_country(view.code, *data)  # now, not after the Selected message: the first frame

    @on(events.ScreenResume)
    def _first_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler. As the app's default screen, resumed for the first
        # time, the dashboard has just been mounted with the app's whole stylesheet (its own file
        # included, tui/app.py), every widget styled as it mounted; Textual styled them all again
        # (about 10 ms of the start at 120x36). A pushed dashboard (the kiosk's) brings its file
        # with it and needs that second pass; later resumes are Textual's to decide.
        if not self._resumed:
            self._resumed = True
            if self.app.screen_stack[:1] == [self]:
                event.refresh_styles = False

    # ----- loading: through the data service, off the event loop -----
    def load_map(self, select: str | None = None) -> None:
        wanted, as_of = self.topic, self.as_of

        def query(store: Store) -> tuple[str, str, int, list[CountryTile]] | None:
            topics = store.topics()
            if not topics:
                return None
            topic = next((t for t in topics if t.id == wanted), topics[0])
            return topic.id, topic.title, len(topics), store.tiles(topic.id, as_of=as_of)

        def done(result: tuple[str, str, int, list[CountryTile]] | None) -> None:
            if result is None:
                self.data_failed(DataProblem("this database holds no topics"))
                return
            self._show_map(*result, select)

        self.data.load(self, "map", query, done, self.data_failed)

    def data_failed(self, problem: DataProblem) -> None:
        """A read failed (locked, damaged, gone): keep what is shown and say so, never crash."""
        if self.SAYS_WAITING and not self._map_shown and (problem.kind == "locked" or self.waiting):
            # Nothing to keep showing: say why in the screen, and under a lock try again soon
            # (a user running an import in another terminal need not restart the dashboard).
            self._say_waiting(waiting_line(problem))
            if problem.kind == "locked":
                self.set_timer(RETRY_LOCKED_S, self._retry_map)
        self.app_read_failed(problem)

    @property
    def waiting(self) -> bool:
        """Nothing read is shown and the screen says itself what it waits for (tui/waiting.py)."""
        return self.has_class("-waiting") and not self._map_shown

    def _say_waiting(self, line: str) -> None:
        if self._map_shown:
            return
        self.add_class("-waiting")
        self.query_one("#dashboard-waiting", Static).update(literal(line))

    def _retry_map(self) -> None:
        if not self._map_shown:
            self.load_map()

    def reload(self) -> None:
        """New data in the file: redraw everything, keeping the selected country."""
        self._countries.clear()
        self._on_screen = None
        self._steps_topic = None
        self.load_map(select=self.query_one(TileMap).selected)

    def _show_map(self, topic: str, title: str, topic_count: int, tiles: list[CountryTile],
                  select: str | None) -> None:
        if topic != self.topic:
            self._countries.clear()
        self._map_shown = True
        self.remove_class("-waiting")
        self.topic, self.topic_count, self.topic_title = topic, topic_count, title
        self._retitle()
        tile_map = self.query_one(TileMap)
        if select is None and tile_map.selected is None:
            select = latest_decided(tiles)
        tile_map.set_tiles(tiles, select=select)  # posts Selected, even for the same country
        if not self._watching:
            # From the second selection on: the first one's data may be remembered just after this.
            self._watching = True
            self.watch(tile_map, "selected", self._selection_moved, init=False)
        self.refresh_bindings()

    def _selection_moved(self, code: str | None) -> None:
        """A new country selected on the map, handled at once: its panes are filled in the
        same step as the map's redraw, so one frame shows both. Through TileMap.Selected (a
        message, a step later) the map's frame came first and the panes' a frame after it, with
        whatever work that first frame let run in between (docs/benchmarks.md, round three)."""
        if code is not None:
            self._moved.append(code)
            self.load_country(code)

    @on(TileMap.Selected)
    def _country_selected(self, event: TileMap.Selected) -> None:
        if self._moved and self._moved[0] == event.code:
            self._moved.popleft()  # handled by _selection_moved already
            return
        self.load_country(event.code)  # the first selection, or new data under the same country

    def load_country(self, code: str) -> None:
        topic = self.topic
        if topic is None:
            return
        as_of = self.as_of
        self.data.cancel(self, "more-quotes")  # a page for the country before must not land here
        cached = self._countries.get((as_of, code))
        if cached is not None:
            self.data.cancel(self, "country")  # an older load must not overwrite this
            if cached is not self._on_screen:
                self._show_country(code, *cached)
            return
        self.data.load(self, "country", lambda store: read_country(store, topic, code, as_of),
                       lambda data: self._loaded(topic, as_of, code, data), self.data_failed)

    def _loaded(self, topic: str, as_of: str | None, code: str, data: CountryData) -> None:
        if topic == self.topic and as_of == self.as_of:
            self._remember((as_of, code), data)
            self._show_country(code, *data)

    def _remember(self, key: CountryKey, data: CountryData) -> None:
        self._countries[key] = data
        self._countries.move_to_end(key)
        while len(self._countries) > CACHED_COUNTRIES:
            self._countries.popitem(last=False)

    def _prefetch(self, code: str) -> None:
        """Read ahead, in one request on its own channel, the countries the move keys lead to and
        the nearest on the grid: the next map key then shows its country in the same frame."""
        topic, as_of = self.topic, self.as_of
        if topic is None:
            return
        tile_map = self.query_one(TileMap)
        ahead = tile_map.reachable(code) + nearest(tile_map.tiles, code, PREFETCH)
        wanted = list(dict.fromkeys(c for c in ahead if (as_of, c) not in self._countries and c != code))[:PREFETCH]
        if not wanted:
            self._draw_ahead(code)
            return

        def query(store: Store) -> dict[str, CountryData]:
            return {c: read_country(store, topic, c, as_of) for c in wanted}

        def done(found: dict[str, CountryData]) -> None:
            if topic == self.topic:
                for c, data in found.items():
                    self._countries.setdefault((as_of, c), data)
                while len(self._countries) > CACHED_COUNTRIES:
                    self._countries.popitem(last=False)
                self._draw_ahead(code)

        self.data.load(self, "prefetch", query, done, failed=lambda problem: None)  # shown when really read

    def _draw_ahead(self, code: str) -> None:
        """Build and draw the panes of the countries one move key leads to from `code`, read
        already, while the user reads `code`: one country a step, so a key pressed meanwhile
        waits for one at most. The move then draws nothing new; building and drawing a country
        not shown before was most of a move's time (docs/benchmarks.md, round four)."""
        as_of = self.as_of
        tile_map = self.query_one(TileMap)
        pending = [data for c in tile_map.reachable(code) if (data := self._countries.get((as_of, c))) is not None]

        def step() -> None:
            if code != tile_map.selected or as_of != self.as_of:
                return
            if not pending:
                # The young objects of the move and of what was drawn ahead, collected in this
                # pause rather than in the next move: a generation-1 collection there cost
                # 2-7 ms of its frame (generation 2 is tui/idle_gc.py's, also in pauses).
                gc.collect(1)
                return
            detail, quotes, evidence = pending.pop(0)
            claim = self.query_one(DecisionPane).prepare(detail)
            self.query_one(QuotesPane).prepare(quotes, evidence)
            if not isinstance(self.focused, QuotesPane):  # the sources follow the decision pane
                self.query_one(SourcesPane).prepare(claim)
            self.call_later(step)

        self.call_later(step)

    def _show_country(self, code: str, detail: CountryDetail | None, quotes: list[QuoteItem],
                      evidence: dict[str, list[EvidenceItem]]) -> None:
        if code != self.query_one(TileMap).selected:
            return  # the user has moved on and a newer load is coming
        focus_quote, self.pending_quote = self.pending_quote, None
        self.detail = detail
        self._on_screen = self._countries.get((self.as_of, code))
        decision = self.query_one(DecisionPane)
        quotes_pane = self.query_one(QuotesPane)
        # After the frame that shows the country (its queries on their thread would slow that
        # frame), first: they run while the quotes pane adds the quotes below the fold.
        quotes_pane.when_drawn(lambda: self._prefetch(code) if code == self.query_one(TileMap).selected else None)
        decision.show(detail)
        quotes_pane.show(detail.country.name if detail else None, quotes, evidence, as_of=self.as_of)
        if focus_quote is not None:
            quotes_pane.add_rest()
            index = next((i for i, q in enumerate(quotes_pane.options) if q.id == focus_quote), None)
            if index is not None:
                quotes_pane.highlighted = index
                quotes_pane.focus()
        origin = self.focused if isinstance(self.focused, QuotesPane | DecisionPane) else decision
        self.query_one(SourcesPane).show(origin.highlighted_claim())

    @on(QuotesPane.MoreQuotes)
    def _more_quotes(self, event: QuotesPane.MoreQuotes) -> None:
        after, topic, code, as_of = event.after, self.topic, event.after.country, self.as_of
        if topic is None or code is None:
            return

        def query(store: Store) -> tuple[list[QuoteItem], dict[str, list[EvidenceItem]]]:
            quotes = store.quotes_about(topic, code, limit=QuotesPane.PAGE, after=after, as_of=as_of)
            return quotes, store.evidence_for("quotes", [q.id for q in quotes])

        def done(page: tuple[list[QuoteItem], dict[str, list[EvidenceItem]]]) -> None:
            if code == self.query_one(TileMap).selected and topic == self.topic and as_of == self.as_of:
                self.query_one(QuotesPane).append(*page)

        self.data.load(self, "more-quotes", query, done, self.data_failed)

    @on(ClaimHighlighted)
    def _claim_highlighted(self, event: ClaimHighlighted) -> None:
        sender = event.pane
        # Only the pane the user is in (or the decision pane, by default) drives the sources.
        if sender is self.focused or (sender is self.query_one(DecisionPane)
                                      and not isinstance(self.focused, QuotesPane)):
            self.query_one(SourcesPane).show(event.claim)

    @on(OpenEvidence)
    def _open_evidence(self, event: OpenEvidence) -> None:
        self.post_message(OpenSource(event.evidence, country=self.query_one(TileMap).selected))

    # ----- actions -----
    def action_search(self) -> None:
        self.post_message(OpenSearch(self._jump_to))

    def _jump_to(self, hit: SearchHit | None) -> None:
        if hit is None:
            return
        tile_map = self.query_one(TileMap)
        if hit.kind == "source":
            self.post_message(OpenSource(source_id=hit.id))
            return
        if hit.kind == "actor":  # the person's own view, not their affiliation's country
            self.post_message(OpenPerson(hit.id))
            return
        if hit.topic and hit.topic != self.topic:
            self.topic = hit.topic
            self.load_map(select=hit.country)
        if hit.country and tile_map.tile(hit.country) is not None:
            tile_map.stance_filter = None
            if hit.kind == "quote":
                self.pending_quote = hit.id
                if tile_map.selected == hit.country:
                    self._on_screen = None  # shown again, to highlight the quote
                    self.load_country(hit.country)
                tile_map.selected = hit.country
                return
            tile_map.selected = hit.country
            self.query_one(DecisionPane if hit.kind == "decision" else TileMap).focus()
        else:
            self.notify("That match is not about a country on the map.", timeout=3)

    def select_country(self, code: str, topic: str | None = None) -> None:
        """Select a country on the map (on `topic`), as a view's Enter asks: the map unfiltered,
        so the tile is there to select."""
        tile_map = self.query_one(TileMap)
        if tile_map.stance_filter is not None:
            tile_map.stance_filter = None
            tile_map.border_title = "Map"
        tile_map.focus()
        if topic and topic != self.topic:
            self.topic = topic
            self.load_map(select=code)  # selected once that topic's tiles are there
        elif tile_map.tile(code) is not None:
            tile_map.selected = code

    def action_filter(self) -> None:
        tile_map = self.query_one(TileMap)
        index = FILTER_CYCLE.index(tile_map.stance_filter)
        tile_map.stance_filter = FILTER_CYCLE[(index + 1) % len(FILTER_CYCLE)]
        self._retitle_map()

    def action_switch_topic(self) -> None:
        def chosen(topic: str | None) -> None:
            if topic and topic != self.topic:
                self.topic = topic
                self.load_map()

        self.post_message(PickTopic(self.topic, chosen))

    def action_one_topic(self) -> None:
        self.notify("This database has one topic: there is no other to switch to.", timeout=3)

    def action_open_country(self) -> None:
        self.query_one(DecisionPane).focus()

    def action_correct_quote(self) -> None:
        quote = self.query_one(QuotesPane).highlighted_quote()
        if quote is None:
            self.notify("Highlight a quote in the quotes pane first.", timeout=3)
            return
        self.post_message(CorrectQuote(quote, lambda saved: self.reload() if saved else None))

    def action_review(self) -> None:
        self.post_message(ReviewImports(lambda _: self.reload()))

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
            self._retitle_map()
        elif self.focused is not self.query_one(TileMap):
            self.query_one(TileMap).focus()
        elif self.as_of is not None:  # nothing else to back out of: back to today
            self.action_today()

    def action_copy_quote(self) -> None:
        quote = self.query_one(QuotesPane).highlighted_quote()
        if quote is None:
            self.notify("Select a quote first.", timeout=3)
            return
        self.app.copy_to_clipboard(quote_citation(quote))
        toast(self, f"Copied quote by {quote.actor.name}.", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EDITING and not self.data.can_edit:
            return False
        if action == "switch_topic":
            return self.topic_count > 1
        return True

    # ----- as of a date (tui/as_of.py; the meaning: db/store/positions.py) -----
    def _retitle(self) -> None:
        """The date is on screen wherever the view is: the title bar and the map's title."""
        self.sub_title = self.topic_title if self.as_of is None else f"{self.topic_title} · {as_of_label(self.as_of)}"
        bar = title_bar(self.topic_title)
        if self.as_of is not None:
            bar = Content.assemble(bar, "   ", (f" {as_of_label(self.as_of)} ", "bold $background on $warning"),
                                   ("  A: today", "$text-muted"))
        self.query_one("#title-bar", Static).update(bar)
        self._retitle_map()

    def _retitle_map(self) -> None:
        tile_map = self.query_one(TileMap)
        parts = ["Map"]
        if self.as_of is not None:
            parts.append(as_of_label(self.as_of).lower())
        if tile_map.stance_filter is not None:
            parts.append(f"only {tile_map.stance_filter}")
        tile_map.border_title = " · ".join(parts)

    def set_as_of(self, as_of: str | None, country: str | None = None) -> None:
        """Show the world as it stood at the end of `as_of` (None: today), selecting `country` if given."""
        tile_map = self.query_one(TileMap)
        select = country if country is not None and tile_map.tile(country) is not None else tile_map.selected
        self.step_country = country
        if as_of == self.as_of:
            if select is not None:
                tile_map.selected = select
            return
        self.as_of = as_of
        self._on_screen = None
        self._retitle()
        self.refresh_bindings()
        self.load_map(select=select)

    def with_steps(self, then: Callable[[list[Step]], None]) -> None:
        """Call `then` with the topic's event steps, read once per topic (and after new data)."""
        topic = self.topic
        if topic is None:
            return
        if self._steps_topic == topic:
            then(self.steps)
            return

        def done(steps: list[tuple[str, str]]) -> None:
            if topic == self.topic:
                self.steps, self._steps_topic = steps, topic
                then(steps)

        self.data.load(self, "steps", lambda store: store.event_dates(topic), done, self.data_failed)

    def here(self) -> Step:
        return where(self.as_of, self.step_country, dt.date.today().isoformat())

    def action_step(self, direction: int) -> None:
        """[ and ]: the previous or next dated event, its country selected; past the last, today."""
        def step(steps: list[Step]) -> None:
            found = (next_step if direction > 0 else previous_step)(steps, self.here())
            if found is not None:
                self.set_as_of(*found)
            elif direction > 0 and self.as_of is not None:
                self.set_as_of(None)
            else:
                toast(self, "No earlier dated event." if direction < 0 else "Already showing today.", timeout=3)

        self.with_steps(step)

    def action_ask_as_of(self) -> None:
        self.query_one(AsOfBar).open(self.as_of)

    def action_today(self) -> None:
        self.set_as_of(None)

    @on(AsOfBar.Chosen)
    def _as_of_chosen(self, event: AsOfBar.Chosen) -> None:
        self.query_one(TileMap).focus()
        self.set_as_of(event.as_of)

    @on(AsOfBar.Closed)
    def _as_of_closed(self) -> None:
        self.query_one(TileMap).focus()

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
