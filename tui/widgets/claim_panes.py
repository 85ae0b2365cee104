"""The decision, quotes and sources panes: lists of claims, each backed by evidence.

Highlighting a claim in the decision or quotes pane posts ClaimHighlighted, and the sources
pane shows the excerpts behind it. Every string from the database goes through `literal`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from techstance.db.store.read_models import CountryDetail, DamagedRecord, DecisionEvent, EvidenceItem, QuoteItem
from techstance.tui.formatting import (
    STANCE_LABEL,
    STANCE_SYMBOL,
    claim_label,
    condition_support,
    conflict_text,
    event_date,
    format_date,
    kind_mark,
    quality_mark,
    quoted,
    source_date,
    source_name,
)
from techstance.tui.intents import OpenPerson
from techstance.tui.literal import literal
from techstance.tui.widgets.built import KEPT, Built
from techstance.tui.widgets.kept_lines import KeptLinesOptionList
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Claim:
    """What the sources pane needs to show the evidence behind one claim."""

    title: str
    evidence: tuple[EvidenceItem, ...]
    conditions: tuple[str, ...] = ()


class ClaimHighlighted(Message):
    def __init__(self, claim: Claim | None, pane: OptionList) -> None:
        super().__init__()
        self.claim = claim
        self.pane = pane


class OpenEvidence(Message):
    """Open the source reader at this excerpt (Enter on a claim or an excerpt)."""

    def __init__(self, evidence: EvidenceItem, others: tuple[EvidenceItem, ...] = ()) -> None:
        super().__init__()
        self.evidence = evidence
        self.others = others


# The keys of every list in the app (the map and the search results have the same): vi's j/k and
# g/G beside the arrows, Home/End and PgUp/PgDn that OptionList already binds.
LIST_KEYS = [
    Binding("j", "cursor_down", "Down", show=False),
    Binding("k", "cursor_up", "Up", show=False),
    Binding("g", "first", "First", show=False),
    Binding("G", "last", "Last", show=False),
]


def position_title(*parts: str, at: int | None, of: int, more: bool = False) -> Content:
    """A pane title with where the highlight is: "Quotes · United Kingdom · 3/16"."""
    total = f"{of}+" if more else str(of)
    place = f"{at}/{total}" if at is not None and of else f"{total} in all" if of else ""
    return literal(" · ".join(p for p in (*parts, place) if p))


def damaged(record: DamagedRecord) -> Content:
    """A record the read boundary refused, in place of the record: marked, literal, one per record."""
    return literal(record.line, "bold $error")


def _count(n: int) -> str:
    return f"{n} source{'s' if n != 1 else ''}"


def _stance(stance: str) -> Content:
    return Content.styled(f"{STANCE_SYMBOL[stance]} {STANCE_LABEL[stance].upper()}",
                          f"bold {_STANCE_COLOUR[stance]}")


_STANCE_COLOUR = {"ban": "$error", "restrict": "$warning", "allow": "$success",
                  "undecided": "$secondary"}


class ClaimList(KeptLinesOptionList):
    """An OptionList whose options are claims; keeps a Claim per option id."""

    BINDINGS = [Binding("enter", "open", "Open source", show=True), *LIST_KEYS]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.claims: dict[str, Claim] = {}

    def retitle(self) -> None:
        """Set the border title from what is shown and highlighted (each pane says how)."""

    def highlighted_claim(self) -> Claim | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self.claims.get(option.id or "")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.retitle()
        self.post_message(ClaimHighlighted(self.highlighted_claim(), self))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click only highlights (and so shows the sources); Enter opens the article.
        event.stop()

    def on_focus(self) -> None:
        # Coming back to a pane shows its evidence again in the sources pane.
        self.post_message(ClaimHighlighted(self.highlighted_claim(), self))

    def action_open(self) -> None:
        claim = self.highlighted_claim()
        readable = [e for e in claim.evidence if e.damage is None] if claim else []
        if claim and readable:
            supports = [e for e in readable if e.role == "supports"] or readable
            self.post_message(OpenEvidence(supports[0], tuple(readable)))

    def _replace(self, options: list[Option | None], claims: dict[str, Claim]) -> None:
        self.claims = claims
        reuse(options)
        # One change of the list's height, not two (cleared to nothing, then filled): each
        # change of a pane's virtual size lays out the whole screen again.
        self.set_options(options)
        first = next((i for i, o in enumerate(options) if o is not None and not o.disabled), None)
        self.highlighted = first
        self.retitle()
        if first is None:
            self.post_message(ClaimHighlighted(None, self))


def reuse(options: list[Option | None]) -> None:
    """Options built before may have been followed by a separator since (a page of quotes added
    after them); adding them again sets it where this list says."""
    for option in options:
        if option is not None:
            option._divider = False


class DecisionPane(ClaimList):
    """The selected country's current decision, its claims, and its earlier events."""

    detail: CountryDetail | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._built: Built[tuple[list[Option | None], dict[str, Claim]]] = Built()

    def retitle(self) -> None:
        if self.detail is None:
            self.border_title = "Decision"
            return
        events = [e.id for e in ([self.detail.current] if self.detail.current else []) + self.detail.timeline]
        at = None
        if self.highlighted is not None:
            event_id = (self.get_option_at_index(self.highlighted).id or "").split(":", 1)[0]
            at = events.index(event_id) + 1 if event_id in events else None
        self.border_title = position_title("Decision", self.detail.country.name,
                                           at=at, of=len(events))

    def show(self, detail: CountryDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self._replace([Option(literal("Select a country on the map."), disabled=True)], {})
            return
        self._replace(*self._built_for(detail))

    def prepare(self, detail: CountryDetail | None) -> Claim | None:
        """Build and draw ahead what `show(detail)` would show (a country read ahead); the claim
        it would highlight, whose sources the sources pane shows."""
        if detail is None:
            return None
        options, claims = self._built_for(detail)
        self.draw_ahead(options)
        first = next((o for o in options if o is not None and not o.disabled), None)
        return claims.get(first.id or "") if first is not None else None

    def _built_for(self, detail: CountryDetail) -> tuple[list[Option | None], dict[str, Claim]]:
        built = self._built.get(detail)
        if built is not None:
            return built
        options: list[Option | None] = []
        claims: dict[str, Claim] = {}
        name = detail.country.name
        if detail.current is None:
            # As of a date, later decisions may exist: say what is true, not "none recorded".
            text = (f"No decision known for {name} by {detail.as_of}." if detail.as_of
                    else f"No decision recorded for {name} on this topic.")
            options.append(Option(literal(text), disabled=True))
        else:
            self._event_options(detail.current, options, claims, current=True)
        if detail.timeline:
            # Related actions and stated views never set the position but stay in the history.
            # A related action may postdate the current decision: only then is "earlier" not true.
            earlier = detail.current is not None and all(e.kind == "decision" for e in detail.timeline)
            heading = "Earlier events" if earlier else "Other events, latest first"
            options.append(Option(Content.styled(heading, "bold $text-muted"),
                                  disabled=True))
            for event in detail.timeline:
                self._event_options(event, options, claims, current=False)
        return self._built.put(detail, (options, claims))

    def _event_options(self, event: DecisionEvent, options: list[Option | None],
                       claims: dict[str, Claim], *, current: bool) -> None:
        if event.damage is not None:
            # No option id: a damaged key may be shared (two NULL ids) and would clash.
            options.append(Option(damaged(event.damage)))
            return
        ev = tuple(event.evidence)
        conditions = tuple(event.conditions)
        date = event_date(event)
        n = event.supporting_sources()
        disputes = event.disputes()
        disputed = Content.styled(f"  ⚠ disputed by {_count(len({d.source.id for d in disputes}))}",
                                  "bold $error") if disputes else Content("")
        conflict = conflict_text(event)
        # Both dates of a conflict, so it reads "an earlier report said X, a later one says Y".
        conflict_line = Content.assemble("\n", literal(f"⚠ {conflict}", "$error")) if conflict else Content("")
        kind = kind_mark(event.kind)
        kind_label = Content.styled(f"  [{kind}]", "italic $text-muted") if kind else Content("")
        key = f"{event.id}:decision"
        if current:
            head = Content.assemble(
                _stance(event.stance), ("  ", ""), literal(event.status, "italic"), ("  ·  ", ""),
                literal(date), disputed, "\n", literal(event.summary), "\n",
                (f"backed by {_count(n)}", "$text-muted"), conflict_line,
            )
        else:
            head = Content.assemble(
                (f"{date}  ", "bold"), _stance(event.stance), ("  ", ""),
                literal(event.status, "italic"), kind_label, disputed, "\n", literal(event.summary), "\n",
                (f"backed by {_count(n)}", "$text-muted"), conflict_line,
            )
        options.append(Option(head, id=key))
        claims[key] = Claim(f"{event.summary}", tuple(e for e in ev if e.claim_field == "decision"),
                            conditions)
        if current and event.date:
            key = f"{event.id}:date"
            options.append(Option(Content.assemble(("Date  ", "bold"), literal(date),
                                                   (f"  ·  {_count(event.supporting_sources('date'))}",
                                                    "$text-muted")), id=key))
            claims[key] = Claim(f"date: {date}", tuple(e for e in ev if e.claim_field == "date"),
                                conditions)
        if current and conditions:
            options.append(Option(Content.styled("Conditions", "bold"), disabled=True))
            for i, condition in enumerate(conditions):
                key = f"{event.id}:condition:{i}"
                # The count is of sources that state this condition (the build refuses any other).
                options.append(Option(Content.assemble(
                    ("• ", ""), literal(condition), (f"  ·  {condition_support(event, i)}", "$text-muted")),
                    id=key))
                claims[key] = Claim(f"condition: {condition}",
                                    tuple(e for e in ev if e.claim_field == f"condition:{i}"),
                                    conditions)


class QuotesPane(ClaimList):
    """Quotes about the selected country: speaker, role, date, the full text wrapped.

    Loads a page at a time; reaching the last quote asks for the next page (MoreQuotes).
    """

    PAGE = 50
    BINDINGS = [Binding("p", "speaker", "Speaker")]

    class MoreQuotes(Message):
        def __init__(self, after: QuoteItem) -> None:
            super().__init__()
            self.after = after

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.quotes: dict[str, QuoteItem] = {}
        self.last: QuoteItem | None = None
        self.has_more = False
        # The shown country's page and how many of its quotes are added, while not all are.
        self._rest: tuple[_QuotePage, int] | None = None
        self._when_drawn: list[Callable[[], object]] = []
        self._built: Built[_QuotePage] = Built()

    country_name: str | None = None

    def retitle(self) -> None:
        order = list(self.quotes)
        quote = self.highlighted_quote()
        self.border_title = position_title("Quotes", self.country_name or "",
                                           at=order.index(quote.id) + 1 if quote else None,
                                           of=len(order), more=self.has_more)

    def first_part(self, quotes: list[QuoteItem]) -> int:
        """How many quotes fill the pane, and one more. Each is counted at the fewest lines it
        can take (its speaker, its text's length over the width, its date, a rule), so the pane
        is never short; a quote of 300 characters takes seven lines of a 56-column pane."""
        height, width = self.size.height or 24, max(self.size.width, 1)
        lines = 0
        for count, quote in enumerate(quotes, 1):
            if quote.damage is not None:
                lines += 2  # its line and a rule
            else:
                lines += 3 + -(-(cell_len(quote.text) + 2) // width)  # the text in its quote marks
            if lines >= height:
                return count + 1
        return len(quotes)

    def show(self, country_name: str | None, quotes: list[QuoteItem],
             evidence: dict[str, list[EvidenceItem]], as_of: str | None = None) -> None:
        """`as_of`: the quotes are those said by the end of that day (the pane says so when there are none)."""
        self.quotes = {}
        self._rest = None
        self.country_name = country_name
        if not quotes:
            self.has_more = False
            empty = f"No quotes about this country by {as_of}." if as_of else "No quotes about this country."
            self._replace([Option(literal(empty), disabled=True)], {})
            return
        page, first, added = self._first(quotes, evidence)
        self.quotes = {q.id: q for q in quotes}
        self.last, self.has_more = quotes[-1], len(quotes) >= self.PAGE
        self._replace(first, page.claims)
        if added < len(quotes):
            self._rest = (page, added)
            self.when_drawn(self.add_rest)

    def prepare(self, quotes: list[QuoteItem], evidence: dict[str, list[EvidenceItem]]) -> None:
        """Build and draw ahead what `show` would show first for these quotes (read ahead)."""
        if quotes:
            self.draw_ahead(self._first(quotes, evidence)[1])

    def _first(self, quotes: list[QuoteItem], evidence: dict[str, list[EvidenceItem]]
               ) -> tuple[_QuotePage, list[Option | None], int]:
        """The page kept for these quotes, the options a fill shows first (each quote's and its
        rule, the last rule only while more quotes are to be added) and how many quotes those are."""
        page = self._built.get(quotes)
        if page is None:
            page = self._built.put(quotes, _QuotePage(quotes, evidence))
        # Adding an option wraps its text to measure it (about 0.5 ms a quote), and building it
        # costs a third of that again: a full page cost 25 ms of every map move at full scale.
        # The quotes that can be on screen are built and added in the frame that shows the
        # country, the others right after it.
        first = page.options(self.first_part(quotes))
        added = len(first) // 2
        return page, first if added < len(quotes) else first[:-1], added

    def when_drawn(self, callback: Callable[[], object]) -> None:
        """Call back after the next frame that draws this pane. Not `call_after_refresh`: that
        runs when the screen is next idle, which can come before the panes have asked to be
        drawn, so work left for after the frame ran before it. A pane not on screen (another
        zoomed, the terminal too small) is not drawn: then after the next refresh."""
        if self.is_on_screen:
            self._when_drawn.append(callback)
        else:
            self.call_after_refresh(callback)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self._when_drawn:
            callbacks, self._when_drawn = self._when_drawn, []
            for callback in callbacks:
                self.call_after_refresh(callback)  # asked during a frame: runs right after it
        return lines

    def add_rest(self) -> None:
        """The shown country's quotes not added yet, now: a key, a jump to a quote or the next
        page acts on the whole list."""
        rest, self._rest = self._rest, None
        if rest is not None:
            page, added = rest
            options = page.options(len(page.quotes))[2 * added:-1]
            reuse(options)
            self.add_options(options)

    async def handle_key(self, event: events.Key) -> bool:
        self.add_rest()
        return await super().handle_key(event)

    def append(self, quotes: list[QuoteItem], evidence: dict[str, list[EvidenceItem]]) -> None:
        self.add_rest()
        if not quotes:
            self.has_more = False
            return
        self.quotes.update({q.id: q for q in quotes})
        self.last = quotes[-1]
        self.has_more = len(quotes) >= self.PAGE
        options, claims = quote_options(quotes, evidence)
        self.claims.update(claims)
        self.add_options([None, *options[:-1]])
        self.retitle()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        # ClaimList's handler runs too: Textual calls the handlers of every class in the MRO.
        if self.has_more and self.last is not None and event.option.id == self.last.id:
            self.has_more = False  # until the page arrives
            self.post_message(self.MoreQuotes(self.last))

    def action_speaker(self) -> None:
        """Everything the highlighted quote's speaker said, on any country."""
        quote = self.highlighted_quote()
        if quote is not None:
            self.post_message(OpenPerson(quote.actor.id))

    def highlighted_quote(self) -> QuoteItem | None:
        if self.highlighted is None:
            return None
        return self.quotes.get(self.get_option_at_index(self.highlighted).id or "")


def quote_options(quotes: list[QuoteItem], evidence: dict[str, list[EvidenceItem]]
                  ) -> tuple[list[Option | None], dict[str, Claim]]:
    """Each quote's option followed by a rule (None), and the claim behind each quote."""
    options: list[Option | None] = []
    claims: dict[str, Claim] = {}
    for quote in quotes:
        if quote.damage is not None:
            options.append(Option(damaged(quote.damage)))
            options.append(None)
            continue
        speaker = quote.actor.name
        role = ", ".join(p for p in (quote.actor.role, quote.actor.affiliation) if p)
        when = format_date(quote.said_on, "day" if quote.said_on and len(quote.said_on) == 10
                           else "month") if quote.said_on else f"reported {source_date(quote.source)}"
        quality = quality_mark(quote.source)
        prompt = Content.assemble(
            literal(speaker, "bold"), ("  ", ""), literal(role, "$text-muted"), "\n",
            literal(f"“{quote.text}”"), "\n",
            literal(f"{when} · {source_name(quote.source)}", "$text-muted italic"),
            *((("  ·  ", ""), literal(quality, "$warning")) if quality else ()),
        )
        options.append(Option(prompt, id=quote.id))
        options.append(None)
        claims[quote.id] = Claim(f"quote by {speaker}", tuple(evidence.get(quote.id, [])))
    return options, claims


class _QuotePage:
    """A page of quotes and the options built for it so far: building is done in order, a part
    at a time, and kept for a return visit."""

    def __init__(self, quotes: list[QuoteItem], evidence: dict[str, list[EvidenceItem]]) -> None:
        self.quotes = quotes
        self.evidence = evidence
        self._options: list[Option | None] = []
        self.claims: dict[str, Claim] = {}

    def options(self, count: int) -> list[Option | None]:
        """The options (each quote's and its rule) of the first `count` quotes."""
        built = len(self._options) // 2
        if count > built:
            options, claims = quote_options(self.quotes[built:count], self.evidence)
            self._options += options
            self.claims.update(claims)
        return self._options[: 2 * count]


class SourcesPane(KeptLinesOptionList):
    """The excerpts behind the highlighted claim; Enter opens the article at the excerpt."""

    BINDINGS = [Binding("enter", "open", "Open source", show=True), *LIST_KEYS]

    def retitle(self) -> None:
        if self.claim is None or not self.claim.evidence:
            self.border_title = "Sources"
            return
        ids = [e.id for e in self.claim.evidence]
        option = self.get_option_at_index(self.highlighted).id if self.highlighted is not None else None
        # The count before the claim: a long claim is cut at the pane's edge, the count never.
        place = position_title(at=ids.index(option) + 1 if option in ids else None, of=len(ids))
        self.border_title = Content.assemble("Sources · ", place, " · ", literal(self.claim.title))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.retitle()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.claim: Claim | None = None
        self._shown = False
        self._built: Built[list[Option | None]] = Built(4 * KEPT)

    def show(self, claim: Claim | None) -> None:
        # A map move shows the new country's claim twice (the dashboard, then the decision
        # pane's highlight): the second is the same claim, untouched since, and costs nothing.
        if self._shown and claim is self.claim and self.highlighted in (0, None) and not self.scroll_y:
            return
        self._shown = True
        self.claim = claim
        if claim is None or not claim.evidence:
            self.set_options([Option(literal("Nothing selected with sources."), disabled=True)])
            self.retitle()
            return
        built = self._built_for(claim)
        reuse(built)
        self.set_options(built)  # one change of the list's height (see ClaimList._replace)
        self.highlighted = 0
        self.retitle()

    def prepare(self, claim: Claim | None) -> None:
        """Build and draw ahead the claim's sources as `show` would show them (read ahead)."""
        if claim is not None and claim.evidence:
            self.draw_ahead(self._built_for(claim))

    def _built_for(self, claim: Claim) -> list[Option | None]:
        built = self._built.get(claim)
        if built is None:
            built = self._built.put(claim, self._options_for(claim))
        return built

    @staticmethod
    def _options_for(claim: Claim) -> list[Option | None]:
        options: list[Option | None] = []
        for item in claim.evidence:
            if item.damage is not None:
                options.append(Option(damaged(item.damage)))
                options.append(None)
                continue
            mark = ("✓ supports", "$success") if item.role == "supports" else ("✗ disputes", "bold $error")
            quality = quality_mark(item.source)
            prompt = Content.assemble(
                mark, (" ", ""), literal(claim_label(item, list(claim.conditions)), "italic"), "\n",
                literal(source_name(item.source), "bold"),
                # A weaker source says so beside its excerpt, in words, not colour alone.
                *((("  ·  ", ""), literal(quality, "bold $warning")) if quality else ()),
                ("  ·  ", ""),
                literal(source_date(item.source)),
                *((("  ·  ", ""), literal(item.source.title, "$text-muted")) if item.source.title else ()),
                "\n",
                literal(quoted(item.excerpt)),
            )
            options.append(Option(prompt, id=item.id))
            options.append(None)
        return options[:-1]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        if self.claim is None or self.highlighted is None:
            return
        option_id = self.get_option_at_index(self.highlighted).id
        item = next((e for e in self.claim.evidence if e.id == option_id), None)
        if item is not None:
            self.post_message(OpenEvidence(item, self.claim.evidence))
