"""What the editing app and the kiosk share, written once: themes, the data door, following the
file when another program changes it, help, and routing of the reading intents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from techstance.db.store.read_models import SearchHit
from techstance.db.store.service import DataProblem, DataService
from techstance.tui.base_screen import Reloadable
from techstance.tui.data import DataClient
from techstance.tui.intents import OpenSearch, OpenSource, PickTopic, Saved
from techstance.tui.themes import THEMES, choose_theme, unoffered_at_start
from textual import on
from textual.app import App
from textual.screen import Screen

POLL_SECONDS = 2.0  # how soon a change by another process (an import, a kiosk operator) shows


class TechstanceBase(App[None]):
    """`data` is the one door every screen reads and writes through."""

    def __init__(self, service: DataService, theme: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service = service
        self.data = DataClient(service, self.read_failed)
        self.read_problem: DataProblem | None = None  # the last read that failed, until one succeeds
        self._polling = False
        self.poll_seconds = POLL_SECONDS
        # Chosen before the stylesheet is first parsed: changing it in on_mount parsed it twice.
        for look in THEMES.values():
            self.register_theme(look)
        # Themes in which two stances would share a tile colour are not offered at all.
        for name in unoffered_at_start(self.available_themes):
            self.unregister_theme(name)
        self.theme = choose_theme(theme).name

    @property
    def db_path(self) -> Path | None:
        return self.service.path

    def start_polling(self) -> None:
        if self.service.path is not None:
            self.set_interval(self.poll_seconds, self.poll_data)

    def on_unmount(self) -> None:
        self.service.close()

    # ----- another process changed or replaced the file: show it -----
    def poll_data(self) -> None:
        if not self._polling:  # a poll waiting on a lock is not joined by another
            self._polling = True
            self.run_worker(self._poll(), group="poll")

    async def _poll(self) -> None:
        try:
            result = await self.data.poll()
        except DataProblem as problem:
            self.poll_failed(problem)
            return
        finally:
            self._polling = False
        self.poll_seconds = POLL_SECONDS
        recovered = self.read_problem is not None
        self.read_problem = None
        self.poll_ok(result)
        if result != "same" or recovered:
            self.reload_screens()

    def reload_screens(self) -> None:
        """New data in the file, or readable again after a failure: every screen that shows data
        reads it again (each keeps what it shows until the new data comes)."""
        for screen in self.screen_stack:
            if isinstance(screen, Reloadable):
                screen.reload()

    def read_failed(self, problem: DataProblem) -> None:
        """A read nobody handled: keep what is shown, say so; the next good poll reloads."""
        self.read_problem = problem
        self.show_problem(problem)

    def poll_failed(self, problem: DataProblem) -> None:
        self.read_problem = problem
        self.show_problem(problem)

    def poll_ok(self, result: str) -> None:
        """Hook: the kiosk refreshes its "data as of" line."""

    def show_problem(self, problem: DataProblem) -> None:
        raise NotImplementedError

    # ----- reading intents: both apps -----
    # The screens behind these intents are imported when first opened: with the Input widget and
    # its suggester they were about 30 ms of every start, before the first frame.
    @on(OpenSource)
    def _open_source(self, intent: OpenSource) -> None:
        from techstance.tui.screens.source_reader import SourceReader

        self.push_screen(SourceReader(intent.evidence, source_id=intent.source_id, country=intent.country,
                                      editable=self.data.can_edit))

    @on(OpenSearch)
    def _open_search(self, intent: OpenSearch) -> None:
        from techstance.tui.screens.search import SearchScreen

        def chosen(hit: SearchHit | None) -> None:
            intent.reply(hit)

        self.push_screen(SearchScreen(), chosen)

    @on(Saved)
    def _saved(self) -> None:
        self.reload_screens()

    @on(PickTopic)
    def _pick_topic(self, intent: PickTopic) -> None:
        from techstance.tui.screens.topic_picker import TopicPicker

        def loaded(topics: list[Any]) -> None:
            self.push_screen(TopicPicker(topics, intent.current), intent.reply)

        self.data.load(self.screen, "topics", lambda store: store.topics(), loaded)

    def action_help(self) -> None:
        from techstance.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def dashboard_screen(self) -> Screen[Any] | None:
        """The bottom screen of the stack: the dashboard, under whatever is open."""
        return self.screen_stack[0] if self.screen_stack else None
