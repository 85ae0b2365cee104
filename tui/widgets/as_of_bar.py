"""The as-of form: one line above the footer asking for a date; a bad date is refused beside it."""

from __future__ import annotations

from techstance.tui.as_of import parse_as_of
from techstance.tui.literal import literal
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static


class AsOfBar(Horizontal):
    """Hidden until opened. Enter with a date posts Chosen(date); Enter with nothing posts Chosen(None)
    (back to today); Escape closes it and posts Closed."""

    # Docked at the bottom over the footer's row plus one: margin-bottom keeps the footer visible.
    DEFAULT_CSS = """
    AsOfBar {
        dock: bottom;
        height: 1;
        margin-bottom: 1;
        display: none;
        background: $panel;
    }
    AsOfBar.-open { display: block; }
    AsOfBar > Label { width: auto; padding: 0 1; color: $text; text-style: bold; }
    AsOfBar > Input { width: 14; height: 1; border: none; padding: 0 1; }
    AsOfBar > Input:focus { border: none; }
    AsOfBar > #as-of-message { width: 1fr; padding: 0 1; color: $text-muted; }
    AsOfBar > #as-of-message.-error { color: $error; text-style: bold; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", show=False)]
    HINT = "Enter: show that day · empty: today · Esc: cancel"

    class Chosen(Message):
        def __init__(self, as_of: str | None) -> None:
            super().__init__()
            self.as_of = as_of

    class Closed(Message):
        """Closed without a date: focus goes back where it was."""

    # Its parts are made when it first opens, not with the screen: most starts never open it,
    # and the date field, its label and message cost about 27 M instructions (4-5 ms of CPU)
    # before the dashboard's first frame. Help lists the keys of what is shown, so a closed bar
    # adds nothing to it either way.
    def compose(self) -> ComposeResult:
        return ()

    def _parts(self, current: str) -> list[Widget]:
        return [Label("As of:"),  # the field shows the form; at 80 columns the hint needs the room
                Input(current, placeholder="YYYY-MM-DD", max_length=10, id="as-of-input"),
                Static(id="as-of-message")]

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self, current: str | None) -> None:
        self.add_class("-open")
        if not self.children:
            self.mount_all(self._parts(current or ""))  # in the tree now, mounted before the next frame
        field = self.query_one(Input)
        field.value = current or ""
        field.cursor_position = len(field.value)
        self._say(self.HINT, error=False)
        field.focus()

    def close(self) -> None:
        self.remove_class("-open")

    def action_close(self) -> None:
        self.close()
        self.post_message(self.Closed())

    def _say(self, text: str, *, error: bool) -> None:
        message = self.query_one("#as-of-message", Static)
        message.set_class(error, "-error")
        message.update(literal(text))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.close()
            self.post_message(self.Chosen(None))
            return
        try:
            as_of = parse_as_of(event.value)
        except ValueError as err:
            self._say(str(err), error=True)  # what was typed stays, to be corrected
            return
        self.close()
        self.post_message(self.Chosen(as_of))
