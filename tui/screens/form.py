"""What every editing form shares: a centred box over the screen it belongs to, labelled fields,
one line per problem under the form, and a save that runs through the data service.

A save runs off the event loop; while it runs the form says so, and when it is refused (a field,
a lock held by another program, a record changed meanwhile) the form stays open with everything
that was typed, and says why in words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from techstance.db.store.read_models import ActorInfo, CountryInfo, TopicInfo, read_model
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem
from techstance.tui.base_screen import DataModal
from techstance.tui.literal import literal
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

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


def actor_options(choices: FormChoices) -> Options:
    return [(literal(a.name + (f" ({a.role})" if a.role else "")), a.id) for a in choices.actors]


def country_options(choices: FormChoices) -> Options:
    return [(literal(c.name), c.code) for c in choices.countries]


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

    def show_problems(self, lines: list[str]) -> None:
        self.query_one("#form-error", Static).update(literal("\n".join(lines)))

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
            lines = [f"{field or what}: {message}" for field, message in problem.problems] or [str(problem)]
            self.show_problems(lines)

        self.data.save(self, "save", action, finished, failed)

    def action_cancel(self) -> None:
        self.app.pop_screen()  # each form's own Cancel dismisses with its own "nothing saved" value
