"""People: a speaker's view (who they are, every quote of theirs with its country and source,
newest first; Enter opens the source at the quote), and the list to choose a speaker from."""

from __future__ import annotations

from techstance.db.store.read_models import EvidenceItem, PersonView, QuoteItem, Speaker
from techstance.tui.formatting import format_date, quality_mark, source_date, source_name
from techstance.tui.intents import OpenPerson, OpenSource
from techstance.tui.literal import literal
from techstance.tui.view_screen import ViewScreen, css_beside
from techstance.tui.widgets.claim_panes import LIST_KEYS, position_title
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

SHOWN_SPEAKERS = 200  # a screenful many times over; typing narrows the rest
READ_SPEAKERS = 2000  # the most quoted; a name past them is found by search (/)


class ViewList(OptionList):
    BINDINGS = [Binding("enter", "select", "Open source", show=True), *LIST_KEYS]


def quote_evidence(quote: QuoteItem) -> EvidenceItem:
    """The quote as the excerpt the reader highlights: its own span of its source."""
    return EvidenceItem(id=f"quote:{quote.id}", claim_table="quotes", claim_id=quote.id, claim_field="quote",
                        role="supports", source=quote.source, start=quote.start, end=quote.end,
                        excerpt=quote.text)


def said_when(quote: QuoteItem) -> str:
    if quote.said_on:
        return format_date(quote.said_on, "day" if len(quote.said_on) == 10 else
                           "month" if len(quote.said_on) == 7 else "year")
    return f"reported {source_date(quote.source)}"


def quote_prompt(quote: QuoteItem, country: str) -> Content:
    quality = quality_mark(quote.source)
    return Content.assemble(
        literal(said_when(quote), "bold"), "  ·  ", literal(country or "no country", "bold $accent"), "\n",
        literal(f"“{quote.text}”"), "\n",
        literal(source_name(quote.source), "$text-muted italic"),
        *(("  ·  ", literal(quote.source.title, "$text-muted")) if quote.source.title else ()),
        *(("  ·  ", literal(quality, "$warning")) if quality else ()),
    )


class PersonScreen(ViewScreen):
    CSS_PATH = css_beside(__file__, "people.tcss")

    def __init__(self, actor_id: str, as_of: str | None = None) -> None:
        super().__init__(as_of=as_of)
        self.actor_id = actor_id
        self.person: PersonView | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="person", classes="view-body"):
            yield Static(id="person-about")
            yield ViewList(id="person-quotes", classes="view-list")
            yield Static(classes="view-empty", id="person-empty")

    def on_mount(self) -> None:
        self.query_one("#person").border_title = "Person"
        self.query_one(ViewList).border_title = "Quotes"  # help's section title (no border drawn)
        self.set_title("People")
        super().on_mount()

    def load(self) -> None:
        actor, as_of = self.actor_id, self.as_of
        self.read("person", lambda store: store.person(actor, as_of=as_of), self._loaded)

    def _loaded(self, person: PersonView | None) -> None:
        box = self.query_one("#person")
        if person is None:
            box.set_class(True, "-empty")
            self.query_one("#person-empty", Static).update(literal("This person is no longer in the database."))
            return
        self.person = person
        actor = person.actor
        self.set_title(f"People · {actor.name}")
        about = [actor.role or "", actor.affiliation or ""]
        if person.affiliation_country and person.affiliation_country.name not in about:
            about.append(person.affiliation_country.name)
        self.query_one("#person-about", Static).update(Content.assemble(
            literal(actor.name, "bold"), "  ", literal(actor.kind, "$text-muted"), "\n",
            literal(" · ".join(a for a in about if a) or "no role or affiliation recorded", "$text-muted")))
        listing = self.query_one(ViewList)
        keep = listing.highlighted
        listing.clear_options()
        for quote in person.quotes:
            listing.add_option(Option(quote_prompt(quote, person.country_names.get(quote.country or "", "")),
                                      id=quote.id))
            listing.add_option(None)
        box.set_class(not person.quotes, "-empty")
        if not person.quotes:
            self.query_one("#person-empty", Static).update(literal(
                f"No quotes of {actor.name} are held." if self.as_of is None
                else f"No quote of {actor.name} had been said by {self.as_of}."))
        listing.highlighted = min(keep or 0, len(person.quotes) - 1) if person.quotes else None
        listing.focus()
        self._retitle()

    def _retitle(self) -> None:
        if self.person is None:
            return
        listing = self.query_one(ViewList)
        at = listing.highlighted
        index = at + 1 if at is not None else None
        self.query_one("#person").border_title = position_title(
            "Quotes", self.person.actor.name, at=index, of=len(self.person.quotes), more=self.person.more)

    @on(OptionList.OptionHighlighted, "#person-quotes")
    def _highlighted(self) -> None:
        self._retitle()

    @on(OptionList.OptionSelected, "#person-quotes")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        quote = next((q for q in (self.person.quotes if self.person else []) if q.id == event.option.id), None)
        if quote is not None:
            self.post_message(OpenSource(quote_evidence(quote), country=quote.country))


def speaker_matches(speaker: Speaker, words: list[str]) -> bool:
    text = " ".join(p for p in (speaker.actor.name, speaker.actor.role, speaker.actor.affiliation) if p).casefold()
    return all(w in text for w in words)


class PeopleScreen(ViewScreen):
    """Everyone quoted, most quoted first; type to narrow, Enter opens the person."""

    CSS_PATH = css_beside(__file__, "people.tcss")
    BINDINGS = [Binding("down", "to_list", "List", show=False)]

    def __init__(self, as_of: str | None = None) -> None:
        super().__init__(as_of=as_of)
        self.speakers: list[Speaker] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="people", classes="view-body"):
            yield Input(placeholder="Type a name, a role or an affiliation…", id="people-filter",
                        select_on_focus=False)
            yield Static(classes="view-status", id="people-status")
            yield ViewList(id="people-list", classes="view-list")
            yield Static(classes="view-empty", id="people-empty")

    def on_mount(self) -> None:
        self.query_one("#people").border_title = "People"
        self.query_one("#people-list").border_title = "People"  # help's section title (no border drawn)
        self.query_one(Input).border_title = "Filter"
        self.set_title("People")
        field = self.query_one(Input)
        field.cursor_blink = self.app.animation_level != "none"
        field.focus()
        super().on_mount()

    def load(self) -> None:
        as_of = self.as_of
        self.read("people", lambda store: store.speakers(READ_SPEAKERS, as_of=as_of), self._loaded)

    def _loaded(self, speakers: list[Speaker]) -> None:
        self.speakers = speakers
        self._fill(self.query_one(Input).value)

    @on(Input.Changed, "#people-filter")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, text: str) -> None:
        words = text.casefold().split()
        found = [s for s in self.speakers if speaker_matches(s, words)]
        listing = self.query_one("#people-list", ViewList)
        listing.clear_options()
        for s in found[:SHOWN_SPEAKERS]:
            about = " · ".join(p for p in (s.actor.role, s.actor.affiliation) if p)
            listing.add_option(Option(Content.assemble(
                literal(s.actor.name, "bold"), "  ",
                literal(f"{s.quotes} quote{'s' if s.quotes != 1 else ''}", "$accent"),
                *(("  ", literal(about, "$text-muted")) if about else ())), id=s.actor.id))
        listing.highlighted = 0 if found else None
        more = f", the first {SHOWN_SPEAKERS} shown: type to narrow" if len(found) > SHOWN_SPEAKERS else ""
        known = f"{len(self.speakers)}{'+' if len(self.speakers) >= READ_SPEAKERS else ''}"
        self.query_one("#people-status", Static).update(literal(
            f"{len(found)} of {known} people and bodies{more}"
            + (f" · quotes said by {self.as_of}" if self.as_of else "") + " · Enter opens, ↓ to the list"))
        empty = not found and bool(self.speakers)
        self.query_one("#people").set_class(empty, "-empty")
        if empty:
            self.query_one("#people-empty", Static).update(literal(f"Nobody matches “{text}”."))

    @on(Input.Submitted, "#people-filter")
    def _submitted(self) -> None:
        listing = self.query_one("#people-list", ViewList)
        if listing.highlighted is not None:
            listing.action_select()

    def action_to_list(self) -> None:
        if self.query_one("#people-list", ViewList).option_count:
            self.query_one("#people-list").focus()

    @on(OptionList.OptionSelected, "#people-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(OpenPerson(event.option.id))
