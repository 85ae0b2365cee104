"""What the analyst's views share: a full screen with the title line, a body and the footer,
escape back to where the user came from, and the topic they are about."""

from __future__ import annotations

from pathlib import Path, PurePath

from techstance.db.store.read_models import TopicInfo
from techstance.db.store.reads import Store
from techstance.tui.base_screen import DataScreen
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.title_bar import title_bar
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

VIEW_CSS = str(Path(__file__).with_name("view_screen.tcss"))


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

    def set_title(self, subtitle: str) -> None:
        self.query_one("#title-bar", Static).update(title_bar(subtitle))
