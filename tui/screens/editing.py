"""Forms for editing (never in kiosk): find a span in an article, add a decision citing it."""

from __future__ import annotations

import re
from collections.abc import Callable

from techstance.db.store.edits import EditError, add_decision
from techstance.db.store.read_models import QuoteItem
from techstance.db.store.reads import Store
from techstance.db.store.records import STANCES, STATUSES
from techstance.tui.literal import literal, visible
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static


def save(form: ModalScreen[bool], add: Callable[..., object], data: dict[str, object], what: str) -> None:
    """Write one new record through the edit layer: on refusal list each field's problem on the form
    and save nothing; on success redraw the dashboard under the open screens and close the form."""
    editor = form.app.editor()  # type: ignore[attr-defined]
    if editor is None:
        return
    try:
        add(editor, {k: v for k, v in data.items() if v is not None}, note="added in the source reader")
    except EditError as err:
        lines = [f"{field or what}: {message}" for field, message in err.problems]
        form.query_one("#form-error", Static).update(literal("\n".join(lines)))
        return
    form.notify(literal(f"Saved {what} '{data['id']}'."), timeout=3)
    from techstance.tui.screens.dashboard import Dashboard

    for screen in form.app.screen_stack:
        if isinstance(screen, Dashboard):
            screen.reload()  # the map and panes show it when the reader closes
    form.dismiss(True)


class FindText(ModalScreen[str | None]):
    """Type or paste the exact words to cite; the reader marks them."""

    CSS_PATH = "editing.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label("Exact text to cite (paste from the article)")
            yield Input(id="find")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def actor_options(store: Store) -> list[tuple[str, str]]:
    return [(visible(a.name + (f" ({a.role})" if a.role else "")), a.id) for a in store.actors()]


def country_options(store: Store) -> list[tuple[str, str]]:
    return [(visible(c.name), c.code) for c in store.countries()]


def topic_options(store: Store) -> list[tuple[str, str]]:
    return [(visible(t.title), t.id) for t in store.topics()]


def _date_precision(date: str) -> str:
    if not date:
        return "unknown"
    return "day" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else "month"


class AddDecisionForm(ModalScreen[bool]):
    """A decision event for a country; its event, date and conditions all cite the chosen span."""

    CSS_PATH = "editing.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store, source: str, start: int, end: int, excerpt: str,
                 country: str | None = None) -> None:
        super().__init__()
        self.store, self.source, self.start, self.end, self.excerpt = store, source, start, end, excerpt
        self.country = country

    def compose(self) -> ComposeResult:
        countries = country_options(self.store)
        topics = topic_options(self.store)
        with Vertical(classes="form"):
            yield Static(Content.assemble(("New decision citing", "bold"), "\n", literal(f"“{self.excerpt}”")))
            with Horizontal(classes="row"):
                yield Select(countries, id="country", prompt="country",
                             value=self.country if self.country in {c for _, c in countries} else Select.NULL)
                yield Select(topics, id="topic", allow_blank=False, value=topics[0][1])
            with Horizontal(classes="row"):
                yield Select([(s, s) for s in STANCES], id="stance", prompt="stance")
                yield Select([(s, s) for s in STATUSES], id="status", prompt="status")
                yield Input(placeholder="date: YYYY-MM-DD, YYYY-MM or empty", id="date")
            yield Input(placeholder="one-line summary", id="summary")
            yield Input(placeholder="conditions, separated by ;", id="conditions")
            yield Input(placeholder="id (a slug, e.g. gb-2026-11-ban)", id="decision-id")
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _value(self, selector: str) -> str | None:
        widget = self.query_one(selector)
        value = widget.value  # type: ignore[attr-defined]
        return None if value is Select.NULL or value == "" else str(value)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        date = (self._value("#date") or "").strip()
        conditions = [c.strip() for c in (self._value("#conditions") or "").split(";") if c.strip()]
        evidence = {"source": self.source, "start": self.start, "end": self.end, "excerpt": self.excerpt}
        claims = ["decision"] + (["date"] if date else []) + [f"condition:{i}" for i in range(len(conditions))]
        data = {
            "id": (self._value("#decision-id") or "").strip(), "topic": self._value("#topic"),
            "country": self._value("#country"), "stance": self._value("#stance"), "status": self._value("#status"),
            "date": date or None, "date_precision": _date_precision(date), "summary": self._value("#summary"),
            "conditions": conditions, "evidence": [{**evidence, "claim": claim} for claim in claims],
        }
        save(self, add_decision, data, "decision")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class CorrectQuoteForm(ModalScreen[bool]):
    """Correct who said a quote, what it is about, or its words' span (the words must match)."""

    CSS_PATH = "editing.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store, quote: QuoteItem) -> None:
        super().__init__()
        self.store = store
        self.quote = quote

    def compose(self) -> ComposeResult:
        q = self.quote
        actors = actor_options(self.store)
        countries = country_options(self.store)
        with Vertical(classes="form"):
            yield Static(Content.assemble(("Correct quote", "bold"), "\n", literal(f"“{q.text}”")))
            yield Label("Speaker")
            yield Select(actors, id="actor", allow_blank=False, value=q.actor.id)
            yield Label("About (country or body)")
            yield Select(countries, id="country", prompt="none", value=q.country or Select.NULL)
            with Horizontal(classes="row"):
                yield Input(str(q.start), id="start", placeholder="start")
                yield Input(str(q.end), id="end", placeholder="end")
            yield Input(placeholder="why (kept in the history)", id="note")
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        from techstance.db.store.edits import correct_quote

        changes: dict[str, object] = {"actor": str(self.query_one("#actor", Select).value)}
        country = self.query_one("#country", Select).value
        changes["country"] = None if country is Select.NULL else str(country)
        try:
            start = int(self.query_one("#start", Input).value)
            end = int(self.query_one("#end", Input).value)
        except ValueError:
            self.query_one("#form-error", Static).update("start and end are character positions (numbers).")
            return
        if (start, end) != (self.quote.start, self.quote.end):
            doc = self.store.source(self.quote.source.id)
            text = doc.text[start:end] if doc and 0 <= start < end <= len(doc.text) else ""
            changes.update(start=start, end=end, text=text)
        editor = self.app.editor()  # type: ignore[attr-defined]
        if editor is None:
            return
        try:
            correct_quote(editor, self.quote.id, changes, note=self.query_one("#note", Input).value)
        except EditError as err:
            lines = [f"{field or 'quote'}: {message}" for field, message in err.problems]
            self.query_one("#form-error", Static).update(literal("\n".join(lines)))
            return
        self.notify(literal(f"Corrected quote '{self.quote.id}'."), timeout=3)
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class AddQuoteForm(ModalScreen[bool]):
    """A direct quotation the curators missed: the selected words, who said them, about what."""

    CSS_PATH = "editing.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store, source: str, start: int, end: int, text: str,
                 country: str | None = None) -> None:
        super().__init__()
        self.store, self.source, self.start, self.end, self.text = store, source, start, end, text
        self.country = country

    def compose(self) -> ComposeResult:
        actors = actor_options(self.store)
        countries = country_options(self.store)
        topics = topic_options(self.store)
        with Vertical(classes="form"):
            yield Static(Content.assemble(("New quote", "bold"), "\n", literal(f"“{self.text}”")))
            yield Label("Speaker")
            yield Select(actors, id="actor", prompt="who said it")
            with Horizontal(classes="row"):
                yield Select(countries, id="country", prompt="about (country or body)",
                             value=self.country if self.country in {c for _, c in countries} else Select.NULL)
                yield Select(topics, id="topic", allow_blank=False, value=topics[0][1])
            yield Input(placeholder="id (a slug, e.g. raab-targeted-approach)", id="quote-id")
            yield Static(id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        from techstance.db.store.edits import add_quote

        def value(selector: str) -> str | None:
            raw = self.query_one(selector).value  # type: ignore[attr-defined]
            return None if raw is Select.NULL or raw == "" else str(raw).strip()

        data = {"id": value("#quote-id"), "topic": value("#topic"), "actor": value("#actor"),
                "country": value("#country"), "text": self.text, "source": self.source,
                "start": self.start, "end": self.end}
        save(self, add_quote, data, "quote")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
