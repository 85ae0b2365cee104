"""Review imported articles: accept, correct or reject each proposed quotation (never in kiosk)."""

from __future__ import annotations

import re
import sqlite3
from functools import partial

from techstance.db.store.edits import Proposal, accept_proposal, open_proposals, reject_proposal
from techstance.db.store.read_models import Excerpt, SourceDoc
from techstance.db.store.service import DataProblem
from techstance.tui.base_screen import DataScreen
from techstance.tui.intents import Saved
from techstance.tui.literal import literal, toast
from techstance.tui.screens.form import (
    NEW_PERSON,
    FormChoices,
    FormModal,
    actor_options,
    country_options,
    field,
    read_choices,
    say_cannot_open,
    topic_options,
)
from techstance.tui.widgets.article import ArticleView
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.title_bar import title_bar
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

NEW_ACTOR = "__new__"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-") or "quote"


def why(proposal: Proposal) -> str:
    """Why the finder chose this speaker, and how sure it is: the reviewer's first question."""
    reason = proposal.reason or "no reason given"
    return reason if proposal.confidence is None else f"{reason} · {proposal.confidence:.2f}"


class AcceptForm(FormModal[bool]):
    """Who said it, about which country, on which topic: then the proposal becomes a quote, saved
    here, in one transaction with the new person if there is one."""

    FIELD_WIDGETS = {"country": "country", "actor": "actor", "topic": "topic", "id": "quote-id",
                     "name": "actor"}

    def __init__(self, proposal: Proposal, choices: FormChoices) -> None:
        super().__init__()
        self.proposal = proposal
        self.choices = choices

    def compose(self) -> ComposeResult:
        p = self.proposal
        actors = actor_options(self.choices, new=True)
        if p.speaker:
            actors.insert(0, (literal(f"New person: {p.speaker}"), NEW_ACTOR))
        countries = country_options(self.choices, new=True)
        topics = topic_options(self.choices)
        with Vertical(classes="form"):
            with VerticalScroll(classes="fields"):
                yield Static(Content.assemble(("Accept quotation", "bold"), "\n", literal(f"“{p.text}”")))
                yield from field("Speaker", Select(actors, id="actor", allow_blank=False, value=actors[0][1]))
                yield from field("About (country or body)", Select(countries, id="country",
                                                                  prompt="choose a country"))
                yield from field("Topic", Select(topics, id="topic", allow_blank=False,
                                                 value=p.topic if p.topic in {t for _, t in topics}
                                                 else topics[0][1]) if topics else Static("no topics", id="topic"))
                yield from field("Quote id", Input(value=slug(f"{p.speaker or 'quote'} {' '.join(p.text.split()[:4])}"),
                                                   id="quote-id"))
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Accept", variant="primary", id="accept")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#accept")
    def _accept(self) -> None:
        p = self.proposal
        country = self.query_one("#country", Select).value
        actor = str(self.query_one("#actor", Select).value)
        if country is Select.NULL or actor == NEW_PERSON:
            self.show_field_problems([("country", "choose the country or body the quote is about")]
                                     if country is Select.NULL else [("actor", "choose who said it")], "quote")
            return
        new_speaker = None
        if actor == NEW_ACTOR:
            actor = slug(p.speaker or "speaker")
            new_speaker = {"name": p.speaker, "kind": "person"}
        quote_id = self.query_one("#quote-id", Input).value.strip()
        topic = str(self.query_one("#topic", Select).value)

        def action(conn: sqlite3.Connection) -> object:
            return accept_proposal(conn, p.id, quote_id=quote_id, actor=actor, country=str(country), topic=topic,
                                   new_speaker=new_speaker)

        def done(_: object) -> None:
            toast(self, f"Saved quote '{quote_id}'.", timeout=3)
            self.app.post_message(Saved())
            self.dismiss(True)

        self.run_save(action, "quote", done)

    def suggested_person(self) -> str:
        return self.proposal.speaker or ""

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ConfirmReject(ModalScreen[bool]):
    """Rejecting drops the finder's work on this quotation: asked once, as lazygit and k9s ask before
    anything they cannot take back. y or enter rejects; n or escape keeps it."""

    DEFAULT_CSS = """
    ConfirmReject {
        align: center middle;
        background: $background 60%;
    }
    ConfirmReject #confirm {
        width: 64;
        max-width: 95%;
        height: auto;
        border: round $error;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Reject"),
        Binding("n,escape", "answer(False)", "Keep it"),
    ]

    def __init__(self, proposal: Proposal) -> None:
        super().__init__()
        self.proposal = proposal

    def compose(self) -> ComposeResult:
        p = self.proposal
        text = p.text if len(p.text) <= 120 else p.text[:119] + "…"
        with Vertical(id="confirm"):
            yield Static(Content.assemble(("Reject this proposal?", "bold"), " (y/n)\n",
                                          literal(f"{p.speaker or 'speaker unknown'}: “{text}”", "$text-muted")))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#confirm").border_title = "Reject"

    def action_answer(self, reject: bool) -> None:
        self.dismiss(reject)


class ReviewScreen(DataScreen[None]):
    BINDINGS = [
        Binding("a", "accept", "Accept"),
        Binding("x", "reject", "Reject"),
        Binding("escape", "close", "Back"),
    ]
    DEFAULT_CSS = """
    ReviewScreen #proposals {
        width: 2fr;
        height: 1fr;
        border: round $panel-lighten-2;
    }
    ReviewScreen #review-article {
        width: 3fr;
        border: round $panel-lighten-2;
        padding: 0 1;
    }
    ReviewScreen #proposals:focus {
        border: round $accent;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.proposals: dict[str, Proposal] = {}
        self.shown_doc: SourceDoc | None = None  # the article on show; read again after a reload

    def compose(self) -> ComposeResult:
        yield Static(title_bar("Review imported quotations"), id="title-bar")
        with Horizontal():
            yield OptionList(id="proposals")
            # Draws only the rows on screen: a key here costs the same on a 2 MB article.
            yield ArticleView(id="review-article")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#proposals").border_title = "Proposed quotations"
        self.query_one("#review-article").border_title = "Article"
        self.reload()

    def reload(self) -> None:
        self.shown_doc = None
        # Proposals live in the database file, read like everything else through the one door.
        self.data.load(self, "proposals", lambda store: open_proposals(store.conn), self._show_proposals,
                       self.app_read_failed)

    def _show_proposals(self, proposals: list[Proposal]) -> None:
        listing = self.query_one("#proposals", OptionList)
        keep = self.current()
        listing.clear_options()
        self.proposals = {p.id: p for p in proposals}
        if not proposals:
            listing.add_option(Option(literal("Nothing to review: import articles with `techstance import`."),
                                      disabled=True))
            self.query_one("#review-article", ArticleView).load("")
            return
        listing.add_options([Option(Content.assemble(literal(p.speaker or "speaker unknown", "bold"), "\n",
                                                     literal(why(p), "$text-muted"), "\n",
                                                     literal(f"“{p.text}”")), id=p.id) for p in proposals])
        ids = [p.id for p in proposals]
        listing.highlighted = ids.index(keep.id) if keep is not None and keep.id in ids else 0
        listing.focus()

    def current(self) -> Proposal | None:
        listing = self.query_one("#proposals", OptionList)
        if listing.highlighted is None or listing.option_count == 0:
            return None
        return self.proposals.get(listing.get_option_at_index(listing.highlighted).id or "")

    @on(OptionList.OptionHighlighted, "#proposals")
    def _show_article(self) -> None:
        proposal = self.current()
        if proposal is None:
            return
        source_id = proposal.source

        def done(doc: SourceDoc | None) -> None:
            if doc is None or self.current() is not proposal:
                return
            self.shown_doc = doc
            span = Excerpt(start=proposal.start, end=proposal.end, claims=1)
            marks = [span]
            if proposal.cue_start is not None and proposal.cue_end is not None:
                # The cue that names the speaker, underlined beside the quotation shown in reverse.
                marks.append(Excerpt(start=proposal.cue_start, end=proposal.cue_end, claims=0))
            article = self.query_one("#review-article", ArticleView)
            if article.text != doc.text:
                article.load(doc.text)
            article.mark(marks, span)
            article.show_offset(span.start)
            scroll = article
            scroll.border_title = literal(f"Article · {doc.ref.title or doc.ref.id}")
            scroll.border_subtitle = literal(f"Speaker: {proposal.speaker or 'unknown'} — {why(proposal)}")

        if self.shown_doc is not None and self.shown_doc.ref.id == source_id:
            done(self.shown_doc)  # the next proposal of the same article: no 2 MB read per key
            return
        self.data.load(self, "article", lambda store: store.source(source_id), done, self.app_read_failed)

    def action_accept(self) -> None:
        proposal = self.current()
        if proposal is None:
            return

        def opened(choices: FormChoices) -> None:
            if self.current() is proposal:
                self.app.push_screen(AcceptForm(proposal, choices))

        self.data.load(self, "choices", read_choices, opened, partial(say_cannot_open, self))

    def action_close(self) -> None:
        self.dismiss(None)  # not pop_screen: the dashboard's callback reloads what changed

    def action_reject(self) -> None:
        proposal = self.current()
        if proposal is not None:
            self.app.push_screen(ConfirmReject(proposal), lambda yes: self._reject(proposal) if yes else None)

    def _reject(self, proposal: Proposal) -> None:

        def done(_: object) -> None:
            toast(self, f"Rejected the quotation of {proposal.speaker or 'an unknown speaker'}.", timeout=3)
            self.reload()

        def failed(problem: DataProblem) -> None:
            toast(self, f"Not saved: {problem}", severity="error", timeout=8)

        self.data.save(self, "reject", lambda conn: reject_proposal(conn, proposal.id), done, failed)
