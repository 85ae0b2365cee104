"""What the editing app and the kiosk share, written once: themes, the data door, following the
file when another program changes it, help, and routing of the reading intents."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from pathlib import Path
from typing import Any

from techstance.db.store.read_models import SearchHit
from techstance.db.store.service import DataProblem, DataService
from techstance.tui.base_screen import Reloadable
from techstance.tui.css_cache import cache_folder
from techstance.tui.data import DataClient
from techstance.tui.intents import (
    OpenDisputes,
    OpenPerson,
    OpenPositions,
    OpenSearch,
    OpenSource,
    OpenTimeline,
    PickTopic,
    Saved,
    ShowCountry,
)
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.stylesheet import KeptStylesheet
from techstance.tui.themes import THEMES, choose_theme, unoffered_at_start
from textual import events, on
from textual.app import App
from textual.driver import Driver
from textual.screen import Screen

POLL_SECONDS = 2.0  # how soon a change by another process (an import, a kiosk operator) shows


class TechstanceBase(App[None]):
    """`data` is the one door every screen reads and writes through."""

    def __init__(self, service: DataService, theme: str | None = None, **kwargs: Any) -> None:
        # Before Textual's own set-up, which can already fail.
        self._crash: Exception | None = None
        super().__init__(**kwargs)
        # Nothing added to it yet; what it parses is kept for the next start.
        self.stylesheet = KeptStylesheet(variables=self.get_css_variables(), cache_folder=cache_folder())
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

    @property
    def crash(self) -> Exception | None:
        """The unexpected exception the app stopped on (the first, if more followed), or None."""
        return self._crash

    def _handle_exception(self, error: Exception) -> None:
        # Textual records the error only in a private attribute; every unhandled exception passes
        # through here, so this is where the public record is kept.
        if self._crash is None:
            self._crash = error
        super()._handle_exception(error)

    def start_polling(self) -> None:
        if self.service.path is not None:
            self.set_interval(self.poll_seconds, self.poll_data)

    def on_unmount(self) -> None:
        self.service.close()

    # ----- SIGTSTP (ctrl+z from a shell's job control, `kill -TSTP`) -----
    @on(events.Mount)
    def _suspend_from_the_loop(self) -> None:
        # Textual suspends inside its SIGTSTP handler, which Python runs between two steps of
        # whatever the main thread was doing. When that was a write to the terminal (a put on the
        # output thread's queue, whose lock is not re-entrant), the handler's own writes wait for
        # a lock that will never be released: the terminal was never given back in 2 of 13 full
        # suite runs under load. Run from the event loop, the suspension interrupts nothing.
        driver = self._driver
        if (driver is None or not driver.can_suspend or not hasattr(signal, "SIGTSTP")
                or threading.current_thread() is not threading.main_thread()):
            return
        asyncio.get_running_loop().add_signal_handler(signal.SIGTSTP, self._suspend_now)

    def _suspend_now(self) -> None:
        # App.suspend gives the terminal back as it was, and takes it again (redrawn whole) when
        # the shell continues the process; SIGSTOP, not SIGTSTP, which would come back here.
        with self.suspend():
            os.kill(os.getpid(), signal.SIGSTOP)

    # ----- another process changed or replaced the file: show it -----
    def poll_data(self) -> None:
        if not self._polling:  # a poll waiting on a lock is not joined by another
            self._polling = True
            self.run_worker(self._poll(), group="poll")

    async def _poll(self) -> None:
        try:
            result = await self.data.poll()
        except DataProblem as problem:
            if self.is_running:
                self.poll_failed(problem)
            return
        finally:
            self._polling = False
        if not self.is_running:
            # Shutting down: its screens are losing their widgets; a reload found none (seen in CI).
            return
        recovered = self.read_problem is not None
        self.read_problem = None
        self.poll_ok(result)
        if result != "same" or recovered:
            self.reload_screens()

    def reload_screens(self) -> None:
        """New data in the file, or readable again after a failure: every screen that shows data
        reads it again (each keeps what it shows until the new data comes)."""
        if not self.is_running:
            # Shutting down: its screens are losing their widgets. A save that landed then (seen in
            # a fresh-clone run) reloaded a dashboard without its map and ended the app on NoMatches.
            return
        for screen in self.screen_stack:
            # A screen pushed but not yet composed reads when it mounts; asked now, it found no
            # widgets and ended the app (a poll landing in that moment, seen once in CI).
            if isinstance(screen, Reloadable) and screen.is_mounted:
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

    @on(Driver.SignalResume)
    def _draw_all_after_resume(self) -> None:
        # Continued after a SIGTSTP that reached Textual's own handler (only before mount, see
        # _suspend_from_the_loop): its driver re-enters the alternate screen, which the terminal
        # shows blank, and draws only what changes next.
        self.refresh(layout=True)

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

    # ----- the analyst's views: one at a time above the dashboard -----
    def open_view(self, view: Screen[None]) -> None:
        """A view opened from another view replaces it: escape always leads back to the dashboard
        (or to the reader or search it was opened from)."""
        from techstance.tui.view_screen import ViewScreen  # (the views', not the first frame's)

        if isinstance(self.screen, ViewScreen):
            self.switch_screen(view)
        else:
            self.push_screen(view)

    def shown_topic(self) -> str | None:
        dashboard = self.find_dashboard()
        return dashboard.topic if dashboard is not None else None

    def shown_as_of(self) -> str | None:
        """The date the dashboard shows the world as of (None: today): the views follow it."""
        dashboard = self.find_dashboard()
        return dashboard.as_of if dashboard is not None else None

    def find_dashboard(self) -> Dashboard | None:
        return next((s for s in reversed(self.screen_stack) if isinstance(s, Dashboard)), None)

    @on(OpenPerson)
    def _open_person(self, intent: OpenPerson) -> None:
        from techstance.tui.screens.people import PeopleScreen, PersonScreen

        as_of = self.shown_as_of()
        self.open_view(PersonScreen(intent.actor_id, as_of) if intent.actor_id else PeopleScreen(as_of))

    # Textual routes a message to the handlers of its own class only, so one handler per view; each
    # view is imported when first opened, as the other screens are, to keep them off the start-up path.
    @on(OpenPositions)
    def _open_positions(self) -> None:
        from techstance.tui.screens.positions import PositionsScreen

        self.open_view(PositionsScreen(self.shown_topic(), self.shown_as_of()))

    @on(OpenDisputes)
    def _open_disputes(self) -> None:
        from techstance.tui.screens.disputes import DisputesScreen

        self.open_view(DisputesScreen(self.shown_topic(), self.shown_as_of()))

    @on(OpenTimeline)
    def _open_timeline(self) -> None:
        from techstance.tui.screens.timeline import TimelineScreen

        self.open_view(TimelineScreen(self.shown_topic(), self.shown_as_of()))

    @on(ShowCountry)
    def _show_country(self, intent: ShowCountry) -> None:
        dashboard = self.find_dashboard()
        if dashboard is None:
            return
        while self.screen is not dashboard and len(self.screen_stack) > 1:
            self.pop_screen()
        dashboard.select_country(intent.code, intent.topic)

    def action_people(self) -> None:
        self.post_message(OpenPerson())

    def action_positions(self) -> None:
        self.post_message(OpenPositions())

    def action_disputes(self) -> None:
        self.post_message(OpenDisputes())

    def action_timeline(self) -> None:
        self.post_message(OpenTimeline())

    def action_help(self) -> None:
        from techstance.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))
