"""What the analyst's views share: a full screen with the title line, a body and the footer,
escape back to where the user came from, the topic they are about, and a line in place of the
body while nothing has been read yet (what the view is waiting for)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TypeVar

from techstance.db.store.read_models import TopicInfo
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem
from techstance.tui.as_of import as_of_label
from techstance.tui.base_screen import DataScreen
from techstance.tui.literal import literal
from techstance.tui.waiting import RETRY_LOCKED_S, say_why_when_slow, waiting_line
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.title_bar import title_bar
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
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

    def __init__(self, topic: str | None = None, as_of: str | None = None) -> None:
        """`as_of`: the dashboard's date (YYYY-MM-DD): the view shows what was known by then."""
        super().__init__()
        self.topic = topic
        self.as_of = as_of
        self.filled = False  # something read is shown (until then the body waits, and says why)

    @property
    def waiting(self) -> bool:
        """Nothing read is shown yet: the view says itself what it is waiting for."""
        return not self.filled

    def compose(self) -> ComposeResult:
        yield Static(id="title-bar")
        yield Static(id="view-waiting", classes="view-waiting")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.load()
        say_why_when_slow(self, lambda: self.waiting, self._say_waiting)

    def reload(self) -> None:
        self.load()

    def load(self) -> None:
        """Ask the data service for what the view shows (through `read`)."""

    def read(self, channel: str, query: Callable[[Store], T], done: Callable[[T], None]) -> None:
        """Read what the view shows; until the first answer the body's place says why it waits."""
        def shown(result: T) -> None:
            self.filled = True
            self.remove_class("-waiting")
            done(result)

        self.data.load(self, channel, query, shown, self._read_failed)

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

        self.read(channel, query, done)

    # ----- nothing shown yet: say why, in the view, and fill in when it can -----
    def _say_waiting(self, line: str) -> None:
        if not self.waiting:
            return
        self.add_class("-waiting")
        self.query_one("#view-waiting", Static).update(literal(line))

    def _read_failed(self, problem: DataProblem) -> None:
        if self.waiting:
            self._say_waiting(waiting_line(problem))
            if problem.kind == "locked":
                self.set_timer(RETRY_LOCKED_S, self.load)
        # The app marks the data unreadable (its next good poll reloads every screen); a view with
        # nothing shown is not told "still showing what was read before" (app.show_problem).
        self.data.report(problem)

    def set_title(self, subtitle: str) -> None:
        """The title line; as of a date it says so as the dashboard's does."""
        bar = title_bar(subtitle)
        if self.as_of is not None:
            bar = Content.assemble(bar, "   ", (f" {as_of_label(self.as_of)} ", "bold $background on $warning"))
        self.query_one("#title-bar", Static).update(bar)

    def by_then(self) -> str:
        """' by 2019-06-01' as of a date, else nothing: for the view's lines that count things."""
        return f" by {self.as_of}" if self.as_of is not None else ""
