"""The source reader: one article in full, its cited excerpts marked, the current one in view."""

from __future__ import annotations

from techstance.db.store.read_models import EvidenceItem, Excerpt, SourceDoc
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem
from techstance.tui.base_screen import DataScreen
from techstance.tui.formatting import source_date, source_name, source_title
from techstance.tui.intents import AddDecision, AddQuote, FindText
from techstance.tui.literal import visible
from techstance.tui.widgets.article import paragraph_content
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.title_bar import title_bar
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class SourceReader(DataScreen[None]):
    CSS_PATH = "source_reader.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("n", "next_excerpt", "Next excerpt"),
        Binding("N", "previous_excerpt", "Previous excerpt"),
        Binding("s", "select_text", "Select text"),
        Binding("d", "new_decision", "New decision citing it"),
        Binding("Q", "new_quote", "New quote from it"),
    ]

    def __init__(self, evidence: EvidenceItem | None, *, source_id: str | None = None,
                 country: str | None = None, editable: bool = False) -> None:
        super().__init__()
        self.country = country  # the country selected on the map, for a new decision
        self.editable = editable
        self.source_id = evidence.source.id if evidence else source_id
        self.start_at = (evidence.start, evidence.end) if evidence else None
        self.doc: SourceDoc | None = None
        self.excerpt_list: list[Excerpt] = []
        self.index: int | None = None
        self.paragraphs: list[tuple[int, str, Static]] = []

    def compose(self) -> ComposeResult:
        yield Static("techstance", id="title-bar")
        yield Static(Content("Reading the source…"), id="source-meta")
        with VerticalScroll(id="article"):
            pass
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        source_id = self.source_id or ""

        def query(store: Store) -> tuple[SourceDoc | None, list[Excerpt]]:
            return store.source(source_id), store.excerpts(source_id)

        def failed(problem: DataProblem) -> None:
            if self.doc is None:  # nothing shown yet: say why here, not only in a toast
                self.query_one("#source-meta", Static).update(Content(visible(f"Cannot read the source: {problem}")))
            self.app_read_failed(problem)

        self.data.load(self, "source", query, lambda found: self._show(*found), failed)

    def _show(self, doc: SourceDoc | None, excerpts: list[Excerpt]) -> None:
        meta = self.query_one("#source-meta", Static)
        if doc is None:
            meta.update(Content(visible(f"Source '{self.source_id}' is not in this database.")))
            return
        current = self.current_excerpt()
        if current is not None:
            self.start_at = (current.start, current.end)  # a reload keeps the excerpt in view
        same_text = self.doc is not None and self.doc.text == doc.text
        self.doc = doc
        ref = self.doc.ref
        self.sub_title = source_title(ref, fallback=source_name(ref))
        self.query_one("#title-bar", Static).update(title_bar(f"Source · {self.sub_title}"))
        self.excerpt_list = excerpts
        self.index = None
        if self.start_at is not None:
            self.index = next((i for i, ex in enumerate(self.excerpt_list)
                               if (ex.start, ex.end) == self.start_at), None)
            if self.index is None:  # cited span not in the list: show it anyway
                self.excerpt_list.append(Excerpt(start=self.start_at[0], end=self.start_at[1],
                                                 claims=1))
                self.excerpt_list.sort(key=lambda ex: (ex.start, ex.end))
                self.index = self.excerpt_list.index(
                    next(ex for ex in self.excerpt_list if (ex.start, ex.end) == self.start_at))
        meta.update(self._meta())
        article = self.query_one("#article", VerticalScroll)
        if not same_text:
            for _, _, widget in self.paragraphs:
                widget.remove()
            self.paragraphs = []
            offset = 0
            widgets = []
            for line in self.doc.text.split("\n"):
                widget = Static(classes="paragraph")
                self.paragraphs.append((offset, line, widget))
                widgets.append(widget)
                offset += len(line) + 1
            article.mount_all(widgets)
        self._paint()
        article.focus()

    def _meta(self) -> Content:
        assert self.doc is not None
        ref = self.doc.ref
        count = len(self.excerpt_list)
        where = ""
        if self.index is not None:
            where = f"  ·  excerpt {self.index + 1} of {count} (n / N)"
        elif count:
            where = f"  ·  {count} cited excerpt{'s' if count != 1 else ''} (n / N)"
        parts: list[tuple[str, str] | str] = [
            (visible(source_name(ref)), "bold"), "  ·  ", visible(source_date(ref)), "  ·  ",
            (visible(source_title(ref)), "italic"), (where, "$text-muted"),
        ]
        if self.doc.notes:
            parts += ["\n", (visible(f"Note: {self.doc.notes}"), "$text-muted")]
        return Content.assemble(*parts)

    def _paint(self) -> None:
        current = self.excerpt_list[self.index] if self.index is not None else None
        first = None
        for offset, line, widget in self.paragraphs:
            end = offset + len(line)
            touching = [ex for ex in self.excerpt_list if ex.start < end and ex.end > offset]
            widget.update(paragraph_content(line, offset, touching, current) if line else " ")
            widget.set_class(current is not None and current.start < end + 1 and current.end > offset,
                             "-current")
            if first is None and current is not None and current.start < end + 1 and current.end > offset:
                first = widget
        self.query_one("#source-meta", Static).update(self._meta())
        if first is not None:
            target = first
            self.call_after_refresh(
                lambda: self.query_one("#article").scroll_to_widget(target, animate=False, center=True))

    def _step(self, delta: int) -> None:
        if not self.excerpt_list:
            self.notify("No cited excerpts in this source.", timeout=3)
            return
        if self.index is None:
            self.index = 0 if delta > 0 else len(self.excerpt_list) - 1
        else:
            self.index = (self.index + delta) % len(self.excerpt_list)
        self._paint()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Editing exists only where the app can edit (never in the kiosk).
        if action in ("select_text", "new_decision", "new_quote"):
            return self.editable
        return True

    def current_excerpt(self) -> Excerpt | None:
        return self.excerpt_list[self.index] if self.index is not None and self.excerpt_list else None

    def action_select_text(self) -> None:
        def found(text: str | None) -> None:
            if not text or self.doc is None:
                return
            after = self.current_excerpt()
            at = self.doc.text.find(text, after.start + 1 if after else 0)
            if at < 0:
                at = self.doc.text.find(text)
            if at < 0:
                self.notify("Not found in this article (the text must match exactly).", severity="warning")
                return
            span = Excerpt(start=at, end=at + len(text), claims=0)
            if span not in self.excerpt_list:
                self.excerpt_list.append(span)
                self.excerpt_list.sort(key=lambda ex: (ex.start, ex.end))
            self.index = self.excerpt_list.index(span)
            self._paint()

        self.post_message(FindText(found))

    def action_new_decision(self) -> None:
        span = self.current_excerpt()
        if span is None or self.doc is None:
            self.notify("Choose an excerpt first: n / N, or s to select text.", severity="warning")
            return
        excerpt = self.doc.text[span.start:span.end]
        self.post_message(AddDecision(self.doc.ref.id, span.start, span.end, excerpt, self.country))

    def action_new_quote(self) -> None:
        span = self.current_excerpt()
        if span is None or self.doc is None:
            self.notify("Choose the words first: s to select text.", severity="warning")
            return
        self.post_message(AddQuote(self.doc.ref.id, span.start, span.end, self.doc.text[span.start:span.end],
                                   self.country))

    def action_next_excerpt(self) -> None:
        self._step(1)

    def action_previous_excerpt(self) -> None:
        self._step(-1)
