"""What every editing form shares: a centred box over the screen it belongs to, labelled fields,
one line per problem under the form, and a save that runs through the data service.

A save runs off the event loop; while it runs the form says so, and when it is refused (a field,
a lock held by another program, a record changed meanwhile) the form stays open with everything
that was typed, and says why in words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

from techstance.db.store.read_models import ActorInfo, CountryInfo, TopicInfo, read_model
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem
from techstance.tui.base_screen import DataModal
from techstance.tui.intents import NewRecord
from techstance.tui.literal import literal, toast
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

ResultType = TypeVar("ResultType")


@read_model
class FormChoices:
    """What the drop-downs of a form offer, read once before the form opens."""

    actors: list[ActorInfo]
    countries: list[CountryInfo]
    topics: list[TopicInfo]


def read_choices(store: Store) -> FormChoices:
    return FormChoices(actors=store.actors(), countries=store.countries(), topics=store.topics())


# Drop-down labels are Content, never str: Select reads a str as markup, so a name holding "[/]"
# crashed the form and "[@click=app.quit]" quit the app when clicked.
Options = list[tuple[Content, str]]


# Values no record can have (country codes are two capitals, ids are slugs): the last option of
# a drop-down that opens the form for a record the list does not hold yet.
NEW_COUNTRY = "+country"
NEW_PERSON = "+person"


def say_cannot_open(node: DOMNode, problem: DataProblem) -> None:
    """A form whose choices could not be read says so every time, not through the app's stale-data
    line: that says a repeated problem once (the poll's, likely, under a lock), and a form key that
    seems to do nothing is worse than a line said twice."""
    toast(node, f"Cannot open the form: {problem}", severity="error", timeout=8)


def actor_options(choices: FormChoices, *, new: bool = False) -> Options:
    options = [(literal(a.name + (f" ({a.role})" if a.role else "")), a.id) for a in choices.actors]
    return options + [(Content("+ New person, body or company…"), NEW_PERSON)] if new else options


def country_options(choices: FormChoices, *, new: bool = False) -> Options:
    options = [(literal(c.name), c.code) for c in choices.countries]
    return options + [(Content("+ New country or body…"), NEW_COUNTRY)] if new else options


def field(label: str, widget: Widget) -> ComposeResult:
    """A labelled field with the line that says what is wrong with it, hidden until something is."""
    with Vertical(classes="field"):
        yield Label(label)
        yield widget
        yield Static(id=f"{widget.id}-error", classes="field-error")


def topic_options(choices: FormChoices) -> Options:
    return [(literal(t.title), t.id) for t in choices.topics]


class FormModal(DataModal[ResultType]):
    DEFAULT_CSS = """
    FormModal {
        align: center middle;
        background: $background 60%;
    }
    FormModal .form {
        width: 100;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    FormModal .form .fields {
        height: auto;
        max-height: 60vh;  /* the error line and the buttons stay on screen; the fields scroll */
    }
    FormModal .form Label {
        color: $text-muted;
    }
    FormModal .form .row {
        height: auto;
    }
    FormModal .form .row > * {
        width: 1fr;
    }
    FormModal .form .field {
        height: auto;
        width: 1fr;
    }
    FormModal .field-error {
        color: $error;
        height: auto;
        display: none;
    }
    FormModal .field-error.-shown {
        display: block;
    }
    FormModal #form-error {
        color: $error;
        height: auto;
    }
    FormModal .form .buttons {
        height: auto;
        align-horizontal: right;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    saving = False

    def __init__(self) -> None:
        super().__init__()
        self._chosen: dict[str, Any] = {}  # each drop-down's last real choice, for a cancelled "New …"

    # A refused field (as the edit names it) -> the id of the widget it was typed in.
    FIELD_WIDGETS: ClassVar[dict[str, str]] = {}

    def on_mount(self) -> None:
        # With animations off (TEXTUAL_ANIMATIONS=none: accessibility, snapshots) nothing blinks:
        # a snapshot of a form with a focused field caught the cursor on or off by chance.
        for text_field in self.query(Input):
            text_field.cursor_blink = self.app.animation_level != "none"

    def show_problems(self, lines: list[str]) -> None:
        self.query_one("#form-error", Static).update(literal("\n".join(lines)))

    def show_field_problems(self, problems: list[tuple[str, str]], what: str) -> None:
        """Each problem beside its field; the ones no field owns under the form."""
        for old in self.query(".field-error"):
            old.remove_class("-shown")
        rest: list[str] = []
        for name, message in problems:
            target = self.FIELD_WIDGETS.get(name.split(".")[0].split("[")[0])
            error: Static | None = None
            if target:
                try:
                    error = self.query_one(f"#{target}-error", Static)
                except NoMatches:
                    error = None
            if error is None:
                rest.append(f"{name or what}: {message}" if name else message)
                continue
            error.update(literal(message[:1].upper() + message[1:]))
            error.add_class("-shown")
        self.show_problems(rest)
        shown = list(self.query(".field-error.-shown"))  # in the order the form shows them
        if shown:
            first = shown[0]
            field_widget = self.query_one(f"#{(first.id or '').removesuffix('-error')}")
            if field_widget.focusable:
                field_widget.focus(scroll_visible=False)
            # The topmost refused field with its line, not wherever the edit listed its first problem.
            self.call_after_refresh(first.scroll_visible, animate=False)

    def run_save(self, action: Callable[[sqlite3.Connection], Any], what: str,
                 done: Callable[[Any], None]) -> None:
        """Save through the data service; refusals are listed on the form, which stays open."""
        if self.saving:
            return
        self.saving = True
        self.show_problems(["Saving…"])
        for button in self.query(Button):
            button.disabled = True

        def finished(result: Any) -> None:
            self.saving = False
            done(result)

        def failed(problem: DataProblem) -> None:
            self.saving = False
            for button in self.query(Button):
                button.disabled = False
            if problem.problems:
                self.show_field_problems(problem.problems, what)
            else:
                self.show_problems([str(problem)])

        self.data.save(self, "save", action, finished, failed)

    def action_cancel(self) -> None:
        self.app.pop_screen()  # each form's own Cancel dismisses with its own "nothing saved" value

    # ----- a country or person the drop-down does not hold: add it without leaving the form -----
    choices: FormChoices

    def suggested_person(self) -> str:
        """The name the new-person form starts with (review: the speaker the finder named)."""
        return ""

    @on(Select.Changed)
    def _maybe_new_record(self, event: Select.Changed) -> None:
        chosen = self._chosen
        select: Select[Any] = event.select
        if event.value not in (NEW_COUNTRY, NEW_PERSON):
            chosen[select.id or ""] = event.value
            return
        kind: Literal["country", "person"] = "country" if event.value == NEW_COUNTRY else "person"

        def added(record: CountryInfo | ActorInfo | None) -> None:
            if isinstance(record, CountryInfo):
                self.choices.countries.append(record)
                self._refill(NEW_COUNTRY, country_options(self.choices, new=True))
                select.value = record.code
            elif isinstance(record, ActorInfo):
                self.choices.actors.append(record)
                self._refill(NEW_PERSON, actor_options(self.choices, new=True))
                select.value = record.id
            else:  # cancelled: back to what was chosen before
                select.value = chosen.get(select.id or "", Select.NULL)
            select.focus()

        self.post_message(NewRecord(kind, self.choices, added, name=self.suggested_person()))

    def _refill(self, marker: str, options: Options) -> None:
        for select in self.query(Select):
            # Select has no public reader of its options in Textual 8.2 (only set_options), and the
            # drop-downs offering a marker are built by each form's compose, so ask the widget.
            if any(value == marker for _, value in select._options):
                keep = select.value
                select.set_options(options)
                if keep not in (Select.NULL, marker):
                    select.value = keep
