"""Forms for editing (never in the kiosk): find a span in an article, add a decision or a quote
citing it, correct a quote. Each saves through the data service in one transaction."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import Any

from techstance.db.store.edit_errors import EditError
from techstance.db.store.edits import add_decision, add_quote, correct_quote
from techstance.db.store.read_models import QuoteItem
from techstance.db.store.records import STANCES, STATUSES
from techstance.tui.intents import Saved
from techstance.tui.literal import literal, toast
from techstance.tui.screens.form import (
    NEW_COUNTRY,
    NEW_PERSON,
    FormChoices,
    FormModal,
    actor_options,
    country_options,
    field,
    topic_options,
)
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Select, Static


class FindText(FormModal[str | None]):
    """Type or paste the words to cite; quotation marks, dashes, spacing and case may differ from
    the article's. A miss is said beside the field and what was typed stays."""

    def __init__(self, check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label("Words to cite (typed or pasted; curly or straight quotes both match)")
            yield Input(id="find")
            yield Static(id="form-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.show_problems(["Type the words to find."])
            return
        problem = self.check(event.value) if self.check is not None else None
        if problem is not None:
            self.show_problems([problem])
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _country_and_topic(choices: FormChoices, country: str | None, label: str) -> ComposeResult:
    """The row a new decision and a new quote share: which country or body, on which topic."""
    countries = country_options(choices, new=True)
    topics = topic_options(choices)
    with Horizontal(classes="row"):
        yield from field(label, Select(countries, id="country", prompt="choose",
                                       value=country if country in {c for _, c in countries} else Select.NULL))
        yield from field("Topic", Select(topics, id="topic", allow_blank=False, value=topics[0][1]) if topics else
                         Static("no topics", id="topic"))


def _date_precision(date: str) -> str:
    if not date:
        return "unknown"
    return "day" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "month"


def _value(form: FormModal[Any], selector: str) -> str | None:
    widget = form.query_one(selector)
    raw = getattr(widget, "value", None)
    if raw in (NEW_COUNTRY, NEW_PERSON):
        return None
    return None if raw is Select.NULL or raw is None or raw == "" else str(raw).strip()


def _saved(form: FormModal[bool], message: str) -> None:
    toast(form, message, timeout=3)
    form.app.post_message(Saved())
    form.dismiss(True)


class AddDecisionForm(FormModal[bool]):
    """A decision event for a country; its event, date and conditions all cite the chosen span."""

    FIELD_WIDGETS = {"id": "decision-id", "topic": "topic", "country": "country", "stance": "stance",
                     "status": "status", "date": "date", "date_precision": "date", "summary": "summary",
                     "conditions": "conditions"}

    def __init__(self, choices: FormChoices, source: str, start: int, end: int, excerpt: str,
                 country: str | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.source, self.start, self.end, self.excerpt = source, start, end, excerpt
        self.country = country

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            with VerticalScroll(classes="fields"):
                yield Static(Content.assemble(("New decision citing", "bold"), "\n", literal(f"“{self.excerpt}”")))
                yield from _country_and_topic(self.choices, self.country, "Country or body")
                with Horizontal(classes="row"):
                    yield from field("Stance", Select([(s, s) for s in STANCES], id="stance", prompt="choose"))
                    yield from field("Status", Select([(s, s) for s in STATUSES], id="status", prompt="choose"))
                    yield from field("Date", Input(placeholder="YYYY-MM-DD, YYYY-MM or empty", id="date"))
                yield from field("Summary", Input(placeholder="one line", id="summary"))
                yield from field("Conditions", Input(placeholder="separated by ;", id="conditions"))
                yield from field("Id", Input(placeholder="a slug, e.g. gb-2026-11-ban", id="decision-id"))
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        date = _value(self, "#date") or ""
        conditions = [c.strip() for c in (_value(self, "#conditions") or "").split(";") if c.strip()]
        evidence = {"source": self.source, "start": self.start, "end": self.end, "excerpt": self.excerpt}
        claims = ["decision"] + (["date"] if date else []) + [f"condition:{i}" for i in range(len(conditions))]
        data: dict[str, Any] = {
            "id": _value(self, "#decision-id") or "", "topic": _value(self, "#topic"),
            "country": _value(self, "#country"), "stance": _value(self, "#stance"),
            "status": _value(self, "#status"), "date": date or None, "date_precision": _date_precision(date),
            "summary": _value(self, "#summary"), "conditions": conditions,
            "evidence": [{**evidence, "claim": claim} for claim in claims],
        }
        data = {k: v for k, v in data.items() if v is not None}
        self.run_save(lambda conn: add_decision(conn, data, note="added in the source reader"), "decision",
                      lambda _: _saved(self, f"Saved decision '{data['id']}'."))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class CorrectQuoteForm(FormModal[bool]):
    """Correct who said a quote, what it is about, or its words' span (the words must match)."""

    FIELD_WIDGETS = {"actor": "actor", "country": "country", "start": "start", "end": "end", "text": "start"}

    def __init__(self, choices: FormChoices, quote: QuoteItem) -> None:
        super().__init__()
        self.choices = choices
        self.quote = quote

    def compose(self) -> ComposeResult:
        q = self.quote
        actors = actor_options(self.choices, new=True)
        countries = country_options(self.choices, new=True)
        with Vertical(classes="form"):
            with VerticalScroll(classes="fields"):
                yield Static(Content.assemble(("Correct quote", "bold"), "\n", literal(f"“{q.text}”")))
                yield from field("Speaker", Select(actors, id="actor", allow_blank=False,
                                                   value=q.actor.id if q.actor.id in {a for _, a in actors}
                                                   else actors[0][1]))
                yield from field("About (country or body)", Select(
                    countries, id="country", prompt="none",
                    value=q.country if q.country in {c for _, c in countries} else Select.NULL))
                with Horizontal(classes="row"):
                    yield from field("Starts at character", Input(str(q.start), id="start", type="integer"))
                    yield from field("Ends at character", Input(str(q.end), id="end", type="integer"))
                yield from field("Why (kept in the history)", Input(id="note"))
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        q = self.quote
        changes: dict[str, Any] = {"actor": _value(self, "#actor"), "country": _value(self, "#country")}
        try:
            start = int(self.query_one("#start", Input).value)
            end = int(self.query_one("#end", Input).value)
        except ValueError:
            self.show_field_problems([("start", "a character position: a whole number")], "quote")
            return
        note = self.query_one("#note", Input).value
        # What the user saw when the form opened: a save over a quote changed since is refused.
        seen = {"actor": q.actor.id, "country": q.country, "start": q.start, "end": q.end, "text": q.text}

        def action(conn: sqlite3.Connection) -> object:
            if (start, end) != (q.start, q.end):
                row = conn.execute("SELECT text FROM sources WHERE id = ?", (q.source.id,)).fetchone()
                text = row[0] if row is not None else ""
                if not 0 <= start < end <= len(text):
                    raise EditError([("start", f"the words must lie within the article's {len(text)} "
                                               "characters, the start before the end")])
                changes.update(start=start, end=end, text=text[start:end])
            return correct_quote(conn, q.id, changes, note=note, seen=seen)

        self.run_save(action, "quote", lambda _: _saved(self, f"Corrected quote '{q.id}'."))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class AddQuoteForm(FormModal[bool]):
    """A direct quotation the curators missed: the selected words, who said them, about what."""

    FIELD_WIDGETS = {"id": "quote-id", "topic": "topic", "actor": "actor", "country": "country"}

    def __init__(self, choices: FormChoices, source: str, start: int, end: int, text: str,
                 country: str | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.source, self.start, self.end, self.text = source, start, end, text
        self.country = country

    def compose(self) -> ComposeResult:
        actors = actor_options(self.choices, new=True)
        with Vertical(classes="form"):
            with VerticalScroll(classes="fields"):
                yield Static(Content.assemble(("New quote", "bold"), "\n", literal(f"“{self.text}”")))
                yield from field("Speaker", Select(actors, id="actor", prompt="who said it"))
                yield from _country_and_topic(self.choices, self.country, "About (country or body)")
                yield from field("Id", Input(placeholder="a slug, e.g. raab-targeted-approach", id="quote-id"))
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        data: dict[str, Any] = {
            "id": _value(self, "#quote-id"), "topic": _value(self, "#topic"), "actor": _value(self, "#actor"),
            "country": _value(self, "#country"), "text": self.text, "source": self.source,
            "start": self.start, "end": self.end}
        data = {k: v for k, v in data.items() if v is not None}
        self.run_save(lambda conn: add_quote(conn, data, note="added in the source reader"), "quote",
                      lambda _: _saved(self, f"Saved quote '{data.get('id')}'."))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
