"""The source reader: one article in full, its cited excerpts marked, the current one in view."""

from __future__ import annotations

from rich.cells import cell_len
from techstance.db.store.read_models import EvidenceItem, Excerpt, SourceDoc
from techstance.db.store.reads import Store
from techstance.db.store.service import DataProblem
from techstance.tui.base_screen import DataScreen
from techstance.tui.formatting import cut_to_lines, quality_mark, source_date, source_name, source_title
from techstance.tui.intents import AddDecision, AddQuote, FindText
from techstance.tui.literal import visible
from techstance.tui.loose_find import find_loosely
from techstance.tui.waiting import RETRY_LOCKED_S, say_why_when_slow, waiting_line
from techstance.tui.widgets.article import ArticleView
from techstance.tui.widgets.footer import Footer
from techstance.tui.widgets.title_bar import title_bar
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

META_ROWS = 5  # rows inside #source-meta (its max-height less its border)


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
        # What the pane cited, to check against the words at its span once the text is read.
        self.cited = evidence.excerpt if evidence is not None and evidence.damage is None else None
        self.cited_span = self.start_at
        self.misplaced = False
        self.doc: SourceDoc | None = None
        self.excerpt_list: list[Excerpt] = []
        self.index: int | None = None
        self._answered = False  # the first read came back (with the source, or without: gone)

    def compose(self) -> ComposeResult:
        yield Static("techstance", id="title-bar")
        yield Static(Content("Reading the source…"), id="source-meta")
        yield ArticleView(selectable=self.editable, id="article")
        yield Footer()

    @property
    def article(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    def on_mount(self) -> None:
        self.reload()
        say_why_when_slow(self, lambda: self.waiting, self._say_waiting, reading="Reading the source…")

    def reload(self) -> None:
        source_id = self.source_id or ""

        def query(store: Store) -> tuple[SourceDoc | None, list[Excerpt]]:
            return store.source(source_id), store.excerpts(source_id)

        def failed(problem: DataProblem) -> None:
            if self.waiting:  # nothing shown yet: say why here (the app then makes no toast of it)
                self._say_waiting(waiting_line(problem))
                if problem.kind == "locked":
                    self.set_timer(RETRY_LOCKED_S, self.reload)
            self.app_read_failed(problem)

        self.data.load(self, "source", query, lambda found: self._show(*found), failed)

    @property
    def waiting(self) -> bool:
        """No source shown yet: the line above the article says what the reader waits for."""
        return self.doc is None and not self._answered

    def _say_waiting(self, line: str) -> None:
        if self.waiting:
            self.query_one("#source-meta", Static).update(Content(visible(line)))

    def _show(self, doc: SourceDoc | None, excerpts: list[Excerpt]) -> None:
        self._answered = True
        meta = self.query_one("#source-meta", Static)
        if doc is None:
            meta.update(Content(visible(f"Source '{self.source_id}' is not in this database.")))
            return
        current = self.current_excerpt()
        if current is not None:
            self.start_at = (current.start, current.end)  # a reload keeps the excerpt in view
        same_text = self.doc is not None and self.doc.text == doc.text
        self.doc = doc
        if self.cited is not None and self.cited_span is not None:
            start, end = self.cited_span
            self.misplaced = doc.text[start:end] != self.cited
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
        if not same_text:
            self.article.load(self.doc.text)  # rows are wrapped lazily: the same cost for any length
        # A reload of the same text (an edit saved, another program's change) keeps the cursor.
        self._paint(move_cursor=not same_text)
        self.article.focus()

    def _meta(self) -> Content:
        assert self.doc is not None
        ref = self.doc.ref
        count = len(self.excerpt_list)
        where = ""
        if self.index is not None:
            where = f"  ·  excerpt {self.index + 1}/{count} (n / N)"
        elif count:
            where = f"  ·  {count} cited excerpt{'s' if count != 1 else ''} (n / N)"
        selected = self.article.selection()
        if selected is not None:
            n = selected[1] - selected[0]
            where += f"  ·  {n} character{'s' if n != 1 else ''} selected (d / Q cite them)"
        # How far its wording can be trusted, in words beside the outlet, not colour alone.
        quality = quality_mark(ref)
        head: list[tuple[str, str]] = [
            (visible(source_name(ref)), "bold"), ("  ·  ", ""), (visible(source_date(ref)), ""), ("  ·  ", ""),
            (visible(source_title(ref)), "italic"), ("  ·  ", ""),
            (visible(quality), "bold $warning") if quality else ("original report", "$text-muted"),
            (where, "$text-muted"),
        ]
        parts: list[tuple[str, str] | str] = list(head)
        width = max(8, self.query_one("#source-meta").content_size.width or self.app.size.width - 6)
        head_rows = -(-cell_len("".join(text for text, _ in head)) // width)
        current = self.current_excerpt()
        if self.misplaced and self.cited is not None and current is not None \
                and (current.start, current.end) == self.cited_span:
            # The database's span and its excerpt disagree: say so rather than pass off other
            # words as the citation.
            warning = cut_to_lines(visible(f"The highlighted words are not the cited excerpt, which reads "
                                           f"“{self.cited}”"), width, 2)
            parts += ["\n", (warning, "bold $error")]
            head_rows += len(warning.splitlines()) if "\n" in warning else -(-cell_len(warning) // width)
        if self.doc.notes:
            # The pane holds META_ROWS rows: a longer note is cut where it stops showing and ends
            # with an ellipsis, so nobody takes the cut for the end of the note.
            note = cut_to_lines(visible(f"Note: {self.doc.notes}"), width, max(1, META_ROWS - head_rows))
            parts += ["\n", (note, "$text-muted")]
        return Content.assemble(*parts)

    def on_resize(self, event: events.Resize) -> None:
        if self.doc is not None:
            self.query_one("#source-meta", Static).update(self._meta())

    def _paint(self, move_cursor: bool = True) -> None:
        current = self.current_excerpt()
        self.article.mark(self.excerpt_list, current)
        self.query_one("#source-meta", Static).update(self._meta())
        if current is not None and move_cursor:
            self.article.place_cursor(current.start)
            self.article.show_offset(current.start)

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

    def _find(self, text: str) -> tuple[int, int] | None:
        """The words typed, found loosely (quote forms, dashes, spacing, case) after the current
        excerpt and then from the start; the span is exact offsets of the article."""
        if self.doc is None:
            return None
        after = self.current_excerpt()
        return (find_loosely(self.doc.text, text, after.start + 1 if after else 0)
                or find_loosely(self.doc.text, text))

    def _miss(self, text: str) -> str | None:
        if self._find(text) is None:
            return "Not found in this article (quotes, dashes, spaces and case may differ)."
        return None

    def action_select_text(self) -> None:
        def found(text: str | None) -> None:
            hit = self._find(text) if text else None
            if hit is None or self.doc is None:
                return
            span = Excerpt(start=hit[0], end=hit[1], claims=0)
            if span not in self.excerpt_list:
                self.excerpt_list.append(span)
                self.excerpt_list.sort(key=lambda ex: (ex.start, ex.end))
            self.index = self.excerpt_list.index(span)
            self._paint()
            self.article.select(*hit)

        self.post_message(FindText(found, check=self._miss))

    def chosen_span(self) -> tuple[int, int] | None:
        """What the editing actions cite: the selection if there is one, else the current excerpt."""
        selected = self.article.selection()
        if selected is not None:
            return selected
        current = self.current_excerpt()
        return (current.start, current.end) if current is not None else None

    def action_new_decision(self) -> None:
        span = self.chosen_span()
        if span is None or self.doc is None:
            self.notify("Choose an excerpt first: n / N, select with shift+arrows or v, or s to find text.",
                        severity="warning")
            return
        start, end = span
        self.post_message(AddDecision(self.doc.ref.id, start, end, self.doc.text[start:end], self.country))

    def action_new_quote(self) -> None:
        span = self.chosen_span()
        if span is None or self.doc is None:
            self.notify("Choose the words first: select with shift+arrows or v, or s to find text.",
                        severity="warning")
            return
        start, end = span
        self.post_message(AddQuote(self.doc.ref.id, start, end, self.doc.text[start:end], self.country))

    @on(ArticleView.SelectionChanged)
    def _selection_changed(self) -> None:
        self.query_one("#source-meta", Static).update(self._meta())

    def action_next_excerpt(self) -> None:
        self._step(1)

    def action_previous_excerpt(self) -> None:
        self._step(-1)
