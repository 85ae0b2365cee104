"""Full-text search over quotes, decisions, sources and actors; Enter jumps to the match."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future

from techstance.db.store.read_models import SearchHit, SearchResults
from techstance.db.store.reads import RANK_LIMIT, SearchCancelled, Store
from techstance.db.store.service import DataProblem
from techstance.tui.data import data_of
from techstance.tui.literal import visible
from techstance.tui.waiting import LOCKED, RETRY_LOCKED_S, say_why_when_slow
from techstance.tui.widgets.result_list import ResultGroup, ResultList
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

KIND_TITLES = {"quote": "Quotes", "decision": "Decisions", "source": "Sources", "actor": "People and bodies"}
SHOWN_PER_KIND = 8  # about a screenful in all; each hit shown costs SQLite a snippet


def kind_order(text: str, hits: list[SearchHit]) -> list[tuple[str, str]]:
    """Kinds in the order shown. A person's name typed ("Pompeo") puts that person first, so Enter
    opens their view with every quote of theirs rather than one quote of it."""
    words = text.casefold().split()
    named = any(h.kind == "actor" and all(w in h.label.casefold() for w in words) for h in hits)
    kinds = list(KIND_TITLES.items())
    return sorted(kinds, key=lambda kind: kind[0] != "actor") if named else kinds


class SearchScreen(ModalScreen[SearchHit | None]):
    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Back"),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.generation = 0  # bumped per keystroke; an older search sees it and stops
        self.shown_for: str | None = None  # the text whose results are on screen
        self.open_when_shown = False  # Enter came before the results of the text typed

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Input(value=self.initial, placeholder="Search quotes, decisions, sources, people…",
                        id="search-input", select_on_focus=False)  # back from the results: type on
            yield Static(id="search-status")
            yield ResultList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-box").border_title = "Search"
        search_input = self.query_one(Input)
        # With animations off (TEXTUAL_ANIMATIONS=none: accessibility, snapshots) nothing blinks.
        search_input.cursor_blink = self.app.animation_level != "none"
        search_input.focus()
        # Watched rather than waiting for Input.Changed: the message reaches this screen after
        # two more hops, usually behind a repaint of the input (4-9 ms at full scale); the watch
        # runs inside the keystroke, so the search and that repaint overlap.
        self.watch(search_input, "value", self._typed, init=False)
        self.run_search(self.initial)

    def _typed(self, value: str) -> None:
        self.generation += 1
        self.open_when_shown = False  # typing on after Enter: the user is not done
        self.run_search(value)

    def on_unmount(self) -> None:
        self.generation += 1  # a search still running stops at its next progress check

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self.shown_for == self.query_one(Input).value:
            self.query_one(ResultList).action_select()
        else:  # typed (or pasted) faster than the search: open its first result when it comes
            self.open_when_shown = True

    def run_search(self, text: str) -> None:
        """Start the query now, on the search thread, and show its results when they come.

        Submitted here rather than from a thread worker: a worker's thread starts only when the
        event loop comes round to it, after the input's repaint (3-5 ms at full scale).
        """
        generation = self.generation
        # The data service's search lane: one thread, so a newer query waits while the older stops.
        future = data_of(self).service.search(lambda store: self._query(store, text, generation))
        self._deliver(text, future)
        say_why_when_slow(self, lambda: self._waiting_for(text), lambda line: self._say_waiting(text, line),
                          reading="Searching…")

    def _waiting_for(self, text: str) -> bool:
        return self._is_current(text) and self.shown_for != text

    @property
    def waiting(self) -> bool:
        """The results of what is typed are not shown yet: the status line says what they wait for."""
        return self.is_attached and self._waiting_for(self.query_one(Input).value)

    def _say_waiting(self, text: str, line: str) -> None:
        if self._waiting_for(text):
            self.query_one("#search-status", Static).update(Content(visible(line)))

    def _retry(self, text: str) -> None:
        if self._waiting_for(text):
            self.run_search(text)

    def _query(self, store: Store, text: str, generation: int) -> SearchResults | None:
        """On the search thread: the results, or None when a newer keystroke replaced the text."""
        if not text.strip():
            return SearchResults(hits=[])
        try:
            return store.search(text, limit_per_kind=SHOWN_PER_KIND,
                                     cancelled=lambda: self.generation != generation)
        except SearchCancelled:
            return None

    @work(exclusive=True, group="search")
    async def _deliver(self, text: str, future: Future[SearchResults | None]) -> None:
        try:
            results = await asyncio.wrap_future(future)
        except DataProblem as err:
            if err.kind == "locked" and self._waiting_for(text):
                self._say_waiting(text, LOCKED)
                self.set_timer(RETRY_LOCKED_S, lambda: self._retry(text))
                return
            self._failed(text, str(err))
            return
        except Exception as err:  # a bug, not the user's text: say so, keep the app running
            self.log.error("search failed", text, err)
            self._failed(text, f"{type(err).__name__}: {err}")
            return
        if results is not None:
            self._show(text, results)

    def _is_current(self, text: str) -> bool:
        """Whether `text` is still what the box holds (not closed, not typed on since)."""
        return self.is_attached and text == self.query_one(Input).value

    def _failed(self, text: str, message: str) -> None:
        if not self._is_current(text):
            return
        self.query_one(ResultList).show([])  # Enter must not open a result of an older query
        self.shown_for = text
        self.open_when_shown = False
        self.query_one("#search-status", Static).update(Content(visible(f"Search failed: {message}")))

    def _show(self, text: str, results: SearchResults) -> None:
        if not self._is_current(text):
            return  # a newer query is on its way
        self._fill(text, results)
        self.shown_for = text
        if self.open_when_shown:
            self.open_when_shown = False
            self.query_one(ResultList).action_select()

    def _fill(self, text: str, results: SearchResults) -> None:
        hits = results.hits
        listing = self.query_one(ResultList)
        status = self.query_one("#search-status", Static)
        if not text.strip():
            listing.show([])
            status.update("Type to search. Enter opens the first match, ↓ moves to the results.")
            return
        if not hits:
            listing.show([])
            status.update(Content(visible(f"No match for “{text}”.")))
            return
        total = sum(results.counts.values())
        capped = any(n > RANK_LIMIT for n in results.counts.values())
        shown = f"{total}{'+' if capped else ''} match{'es' if total != 1 else ''}"
        if results.more:
            shown += f", the first {SHOWN_PER_KIND} of each kind shown: add a word to narrow"
        if results.slow:
            slow = ", ".join(KIND_TITLES[k].lower() for k in results.slow)
            shown += f"; {slow} not searched in time: add a word"
        status.update(Content(visible(shown)))
        groups: list[ResultGroup] = []
        for kind, title in kind_order(text, hits):
            group = [h for h in hits if h.kind == kind]
            if group:
                n = results.counts.get(kind, len(group))
                count = f"{RANK_LIMIT}+" if n > RANK_LIMIT else str(n)
                groups.append(ResultGroup(title=f"{title} ({count})", hits=group))
        listing.show(groups)

    @on(ResultList.Selected)
    def _selected(self, event: ResultList.Selected) -> None:
        self.dismiss(event.hit)

    @on(ResultList.LeftTop)
    def _back_to_input(self) -> None:
        self.query_one(Input).focus()

    def action_results(self) -> None:
        results = self.query_one(ResultList)
        if results.hits:
            results.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
