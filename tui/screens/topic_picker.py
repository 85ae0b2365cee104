"""Choose the topic the map shows, when the database holds more than one."""

from __future__ import annotations

from techstance.db.store.read_models import TopicInfo
from techstance.tui.literal import visible
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class TopicPicker(ModalScreen[str | None]):
    CSS_PATH = "topic_picker.tcss"
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, topics: list[TopicInfo], current: str | None) -> None:
        super().__init__()
        self.topics = topics
        self.current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(Content.assemble((visible(t.title), "bold"), "\n",
                                    (visible(t.description), "$text-muted")), id=t.id)
            for t in self.topics
        ]
        yield OptionList(*options)

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        picker.border_title = "Topic"
        ids = [t.id for t in self.topics]
        picker.highlighted = ids.index(self.current) if self.current in ids else 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
