"""Where the sources disagree: each disputed decision with both sides, what each source says,
with its date; Enter opens a side's source at its excerpt, or on the heading the country."""

from __future__ import annotations

from techstance.db.store.read_models import Dispute, EvidenceItem, TopicInfo
from techstance.tui.formatting import (
    STANCE_LABEL,
    STANCE_SYMBOL,
    claim_label,
    placed_date,
    quality_mark,
    source_date,
    source_name,
)
from techstance.tui.intents import OpenSource, ShowCountry
from techstance.tui.literal import literal
from techstance.tui.view_screen import ViewScreen, css_beside
from techstance.tui.widgets.claim_panes import LIST_KEYS, position_title
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class DisputeList(OptionList):
    BINDINGS = [Binding("enter", "select", "Open", show=True), *LIST_KEYS]


def heading(dispute: Dispute) -> Content:
    event = dispute.event
    return Content.assemble(
        literal(dispute.country.name, "bold $accent"), "  ",
        literal(f"{STANCE_SYMBOL.get(event.stance, '?')} {STANCE_LABEL.get(event.stance, event.stance)}, "
                f"{event.status}", "bold"),
        "  ·  ", literal(placed_date(event)), "  ·  ",
        literal(f"{len(dispute.supports)} for, {len(dispute.disputes)} against", "$text-muted"), "\n",
        literal(event.summary, "italic"),
    )


def side(item: EvidenceItem) -> Content:
    mark = ("  ✓ says so ", "$success") if item.role == "supports" else ("  ✗ says otherwise ", "bold $error")
    quality = quality_mark(item.source)
    return Content.assemble(
        mark, literal(f"({claim_label(item)})", "$text-muted"), "\n    ",
        literal(source_name(item.source), "bold"), "  ·  ", literal(source_date(item.source)),
        *(("  ·  ", literal(quality, "bold $warning")) if quality else ()), "\n    ",
        literal(f"“{item.excerpt}”"),
    )


class DisputesScreen(ViewScreen):
    CSS_PATH = css_beside(__file__, "disputes.tcss")

    def __init__(self, topic: str | None = None, as_of: str | None = None) -> None:
        super().__init__(topic, as_of)
        self.disputes: list[Dispute] = []
        self.targets: dict[str, tuple[Dispute, EvidenceItem | None]] = {}

    def compose_body(self) -> ComposeResult:
        with Vertical(id="disputes", classes="view-body"):
            yield Static(classes="view-status", id="disputes-status")
            yield DisputeList(id="disputes-list", classes="view-list")
            yield Static(classes="view-empty", id="disputes-empty")

    def on_mount(self) -> None:
        self.query_one("#disputes").border_title = "Disputes"
        self.query_one(DisputeList).border_title = "Disputes"  # help's section title (no border drawn)
        self.set_title("Disputes")
        super().on_mount()

    def load(self) -> None:
        as_of = self.as_of
        self.load_topic("disputes", lambda store, topic: store.disputes(topic, as_of=as_of), self._loaded)

    def _loaded(self, topic: TopicInfo, disputes: list[Dispute]) -> None:
        self.disputes = disputes
        self.set_title(f"Disputes · {topic.title}")
        listing = self.query_one(DisputeList)
        listing.clear_options()
        self.targets = {}
        for n, dispute in enumerate(self.disputes):
            if n:
                listing.add_option(None)
            key = f"d{n}"
            self.targets[key] = (dispute, None)
            listing.add_option(Option(heading(dispute), id=key))
            # Both sides, each in the order its sources were published: who said what, and when.
            for i, item in enumerate(sorted([*dispute.supports, *dispute.disputes],
                                            key=lambda e: (e.role != "supports", e.source.published or "", e.id))):
                self.targets[f"{key}.{i}"] = (dispute, item)
                listing.add_option(Option(side(item), id=f"{key}.{i}"))
        countries = len({d.country.code for d in self.disputes})
        self.query_one("#disputes-status", Static).update(literal(
            f"{len(self.disputes)} disputed decision{'s' if len(self.disputes) != 1 else ''} in "
            f"{countries} countr{'ies' if countries != 1 else 'y'}{self.by_then()} · Enter on a source opens it, "
            f"on a country shows it on the map"))
        empty = not self.disputes
        self.query_one("#disputes").set_class(empty, "-empty")
        self.query_one("#disputes-empty", Static).update(literal(
            "No source disputes a decision on this topic." if self.as_of is None
            else f"No source had disputed a decision on this topic by {self.as_of}."))
        listing.highlighted = 0 if self.disputes else None
        listing.focus()

    @on(OptionList.OptionHighlighted, "#disputes-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id or ""
        at = int(key[1:].split(".")[0]) + 1 if key.startswith("d") else None
        self.query_one("#disputes").border_title = position_title("Disputes", at=at, of=len(self.disputes))

    @on(OptionList.OptionSelected, "#disputes-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        target = self.targets.get(event.option.id or "")
        if target is None:
            return
        dispute, item = target
        if item is None:
            self.post_message(ShowCountry(dispute.country.code, self.topic))
        else:
            self.post_message(OpenSource(item, country=dispute.country.code))
