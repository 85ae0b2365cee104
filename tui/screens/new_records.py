"""Add the country or the person a form needs, from that form: asked for in one of its drop-downs,
saved here in a transaction of its own, then chosen in the drop-down that asked."""

from __future__ import annotations

from techstance.db.store.edits import add_actor, add_country
from techstance.db.store.read_models import ActorInfo, CountryInfo
from techstance.db.store.records import Actor, Country
from techstance.tui.intents import Saved
from techstance.tui.literal import literal, toast
from techstance.tui.screens.form import FormChoices, FormModal, country_options, field
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Select, Static

KINDS = ("person", "body", "company")


def _buttons() -> ComposeResult:
    yield Static(id="form-error")
    with Horizontal(classes="buttons"):
        yield Button("Add", variant="primary", id="add")
        yield Button("Cancel", id="cancel")


class NewCountryForm(FormModal[CountryInfo | None]):
    """A country, or a body that decides like one; its map tile is the free cell nearest its region."""

    AUTO_FOCUS = "#name"  # typing starts at once, as in the form it was opened from
    FIELD_WIDGETS = {"name": "name", "code": "code", "region": "region", "tile_row": "region",
                     "tile_col": "region"}

    def __init__(self, choices: FormChoices) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        regions = sorted({c.region for c in self.choices.countries})
        with Vertical(classes="form"):
            with VerticalScroll(classes="fields"):
                yield Static(Content.styled("New country or body", "bold"))
                yield from field("Name", Input(placeholder="e.g. Germany", id="name"))
                with Horizontal(classes="row"):
                    yield from field("ISO code", Input(placeholder="two letters, e.g. DE", id="code",
                                                       max_length=2))
                    yield from field("Region", Input(placeholder=", ".join(regions[:3]) or "e.g. Europe",
                                                     id="region",
                                                     suggester=SuggestFromList(regions, case_sensitive=False)))
                yield Static(Content.styled("Its tile goes on the free map cell nearest its region's tiles.",
                                            "$text-muted"))
            yield from _buttons()

    @on(Button.Pressed, "#add")
    @on(Input.Submitted)
    def _add(self) -> None:
        data = {key: self.query_one(f"#{key}", Input).value for key in ("name", "code", "region")}

        def done(country: Country) -> None:
            toast(self, f"Added {country.name} ({country.code}) to the map, near {country.region}.", timeout=4)
            self.app.post_message(Saved())
            self.dismiss(CountryInfo(**country.model_dump()))

        self.run_save(lambda conn: add_country(conn, data, note="added from a form"), "country", done)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class NewPersonForm(FormModal[ActorInfo | None]):
    """Someone who is quoted: a person, a body or a company, with the country they speak for."""

    AUTO_FOCUS = "#name"
    FIELD_WIDGETS = {"name": "name", "id": "name", "kind": "kind", "role": "role", "country": "country"}

    def __init__(self, choices: FormChoices, name: str = "") -> None:
        super().__init__()
        self.choices = choices
        self.suggested_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            with VerticalScroll(classes="fields"):
                yield Static(Content.styled("New person, body or company", "bold"))
                yield from field("Name", Input(self.suggested_name, placeholder="e.g. Jane Doe", id="name"))
                with Horizontal(classes="row"):
                    yield from field("Kind", Select([(literal(k), k) for k in KINDS], id="kind",
                                                    allow_blank=False, value="person"))
                    yield from field("Affiliation (country)", Select(country_options(self.choices), id="country",
                                                                     prompt="none"))
                yield from field("Role", Input(placeholder="e.g. Minister for Digital (optional)", id="role"))
            yield from _buttons()

    @on(Button.Pressed, "#add")
    @on(Input.Submitted)
    def _add(self) -> None:
        country = self.query_one("#country", Select).value
        data = {"name": self.query_one("#name", Input).value, "role": self.query_one("#role", Input).value,
                "kind": str(self.query_one("#kind", Select).value),
                "country": None if country is Select.NULL else str(country)}

        def done(actor: Actor) -> None:
            toast(self, f"Added {actor.name}.", timeout=4)
            self.app.post_message(Saved())
            self.dismiss(ActorInfo(**actor.model_dump()))

        self.run_save(lambda conn: add_actor(conn, data, note="added from a form"), "person", done)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
