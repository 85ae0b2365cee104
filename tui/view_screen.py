"""What the analyst's views share: a full screen with the title line, a body and the footer,
escape back to where the user came from, and the topic they are about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TypeVar

from techstance.db.store.read_models import TopicInfo
from techstance.db.store.reads import Store
from techstance.tui.base_screen import DataScreen
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.title_bar import title_bar
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

VIEW_CSS = str(Path(__file__).with_name("view_screen.tcss"))

T = TypeVar("T")


def topic_of(store: Store, wanted: str | None) -> TopicInfo | None:
    """The topic asked for, else the first one (what the dashboard opens on); None: no topics."""
    topics = store.topics()
    return next((t for t in topics if t.id == wanted), topics[0] if topics else None)


def css_beside(module_file: str, name: str) -> list[str | PurePath]:
    """The shared view stylesheet and the view's own, as absolute paths (a relative CSS_PATH
    resolves beside whichever subclass uses it)."""
    return [VIEW_CSS, str(Path(module_file).with_name(name))]


class ViewScreen(DataScreen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, topic: str | None = None) -> None:
        super().__init__()
        self.topic = topic

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.load()

    def reload(self) -> None:
        self.load()

    def load(self) -> None:
        """Ask the data service for what the view shows."""

    def load_topic(self, channel: str, read: Callable[[Store, str], T],
                   loaded: Callable[[TopicInfo, T], None]) -> None:
        """Read what the view shows of its topic (`read(store, topic_id)`); the view keeps the
        topic it found, so a reload stays on it. Nothing is shown when there is no topic."""
        wanted = self.topic

        def query(store: Store) -> tuple[TopicInfo, T] | None:
            topic = topic_of(store, wanted)
            return (topic, read(store, topic.id)) if topic else None

        def done(result: tuple[TopicInfo, T] | None) -> None:
            if result is not None:
                self.topic = result[0].id
                loaded(*result)

        self.data.load(self, channel, query, done)

    def set_title(self, subtitle: str) -> None:
        self.query_one("#title-bar", Static).update(title_bar(subtitle))
