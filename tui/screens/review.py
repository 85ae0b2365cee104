"""Review imported articles: accept, correct or reject each proposed quotation (never in kiosk)."""

from __future__ import annotations

import re
import sqlite3

from techstance.db.store.edits import EditError, Proposal, accept_proposal, add_actor, open_proposals, reject_proposal
from techstance.db.store.read_models import Excerpt
from techstance.db.store.reads import Store
from techstance.tui.literal import literal, visible
from techstance.tui.screens.dashboard import title_bar
from techstance.tui.screens.editing import actor_options, country_options, topic_options
from techstance.tui.screens.source_reader import paragraph_content
from techstance.tui.widgets.footer import Footer
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

NEW_ACTOR = "__new__"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "quote"


class AcceptForm(ModalScreen[dict[str, str] | None]):
    """Who said it, about which country, on which topic: then the proposal becomes a quote."""

    CSS_PATH = "review.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, proposal: Proposal, store: Store) -> None:
        super().__init__()
        self.proposal = proposal
        self.store = store

    def compose(self) -> ComposeResult:
        p = self.proposal
        actors = actor_options(self.store)
        if p.speaker:
            actors.insert(0, (visible(f"New person: {p.speaker}"), NEW_ACTOR))
        countries = country_options(self.store)
        topics = topic_options(self.store)
        with Vertical(id="accept-box"):
            yield Static(Content.assemble(("Accept quotation", "bold"), "\n", literal(f"“{p.text}”")))
            yield Label("Speaker")
            yield Select(actors, id="actor", allow_blank=False, value=actors[0][1] if actors else Select.NULL)
            yield Label("About (country or body)")
            yield Select(countries, id="country", prompt="choose a country")
            yield Label("Topic")
            yield Select(topics, id="topic", allow_blank=False,
                         value=p.topic if p.topic in {t for _, t in topics} else topics[0][1])
            yield Label("Quote id")
            yield Input(value=slug(f"{p.speaker or 'quote'} {' '.join(p.text.split()[:4])}"), id="quote-id")
            yield Static(id="accept-error")
            with Horizontal(id="accept-buttons"):
                yield Button("Accept", variant="primary", id="accept")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        country = self.query_one("#country", Select).value
        if country is Select.NULL:
            self.query_one("#accept-error", Static).update("Choose the country or body the quote is about.")
            return
        self.dismiss({"actor": str(self.query_one("#actor", Select).value), "country": str(country),
                      "topic": str(self.query_one("#topic", Select).value),
                      "quote_id": self.query_one("#quote-id", Input).value.strip()})

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        self.query_one("#accept-error", Static).update(literal(message))


class ReviewScreen(Screen[None]):
    CSS_PATH = "review.tcss"
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, store: Store, editor: sqlite3.Connection) -> None:
        super().__init__()
        self.store = store
        self.editor = editor
        self.proposals: dict[str, Proposal] = {}

    def compose(self) -> ComposeResult:
        yield Static(title_bar("Review imported quotations"), id="title-bar")
        with Horizontal():
            yield OptionList(id="proposals")
            yield VerticalScroll(Static(id="review-article"), id="review-scroll")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#proposals").border_title = "Proposed quotations"
        self.query_one("#review-scroll").border_title = "Article"
        self.reload()

    def reload(self) -> None:
        listing = self.query_one("#proposals", OptionList)
        listing.clear_options()
        proposals = open_proposals(self.editor)
        self.proposals = {p.id: p for p in proposals}
        if not proposals:
            listing.add_option(Option(literal("Nothing to review: import articles with `techstance import`."),
                                      disabled=True))
            self.query_one("#review-article", Static).update("")
            return
        listing.add_options([Option(Content.assemble(literal(p.speaker or "speaker unknown", "bold"), "\n",
                                                     literal(f"“{p.text}”")), id=p.id) for p in proposals])
        listing.highlighted = 0
        listing.focus()

    def current(self) -> Proposal | None:
        listing = self.query_one("#proposals", OptionList)
        if listing.highlighted is None:
            return None
        return self.proposals.get(listing.get_option_at_index(listing.highlighted).id or "")

    @on(OptionList.OptionHighlighted, "#proposals")
    def _show_article(self) -> None:
        proposal = self.current()
        if proposal is None:
            return
        doc = self.store.source(proposal.source)
        if doc is None:
            return
        span = Excerpt(start=proposal.start, end=proposal.end, claims=1)
        article = self.query_one("#review-article", Static)
        article.update(paragraph_content(doc.text, 0, [span], span))
        self.query_one("#review-scroll").border_title = literal(f"Article · {doc.ref.title or doc.ref.id}")

    def action_accept(self) -> None:
        proposal = self.current()
        if proposal is None:
            return

        def done(answer: dict[str, str] | None) -> None:
            if answer is None:
                return
            try:
                actor = answer["actor"]
                if actor == NEW_ACTOR:
                    actor = slug(proposal.speaker or "speaker")
                    known = self.editor.execute("SELECT 1 FROM actors WHERE id = ?", (actor,)).fetchone()
                    if known is None:
                        add_actor(self.editor, {"id": actor, "name": proposal.speaker, "kind": "person"},
                                  note=f"speaker of {proposal.id}")
                accept_proposal(self.editor, proposal.id, quote_id=answer["quote_id"], actor=actor,
                                country=answer["country"], topic=answer["topic"])
            except EditError as err:
                self.notify(literal(f"Not saved: {err}"), severity="error", timeout=8)
                return
            self.notify(literal(f"Saved quote '{answer['quote_id']}'."), timeout=3)
            self.reload()

        self.app.push_screen(AcceptForm(proposal, self.store), done)

    def action_close(self) -> None:
        self.dismiss(None)  # not pop_screen: the dashboard's callback reloads what changed

    def action_reject(self) -> None:
        proposal = self.current()
        if proposal is None:
            return
        try:
            reject_proposal(self.editor, proposal.id)
        except EditError as err:
            self.notify(literal(f"Not saved: {err}"), severity="error", timeout=8)
            return
        self.notify("Rejected.", timeout=2)
        self.reload()
