"""How each country's stance changed over time; Enter on a stretch opens its event's source."""

from __future__ import annotations

from techstance.db.store.read_models import CountryTimeline, EvidenceItem, TopicInfo
from techstance.db.store.reads import Store
from techstance.tui.formatting import DISPUTED_MARK, STANCE_LABEL, STANCE_ORDER, STANCE_SYMBOL
from techstance.tui.intents import OpenSource
from techstance.tui.literal import literal
from techstance.tui.view_screen import ViewScreen, css_beside
from techstance.tui.widgets.timeline_chart import TimelineChart, describe
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

LEGEND = "  ".join(f"{STANCE_SYMBOL[s]} {STANCE_LABEL[s]}" for s in STANCE_ORDER) + \
    f"  {DISPUTED_MARK} disputed  * not a decision on the topic"


class TimelineScreen(ViewScreen):
    CSS_PATH = css_beside(__file__, "timeline.tcss")

    def __init__(self, topic: str | None = None, as_of: str | None = None) -> None:
        super().__init__(topic, as_of)
        self.rows: list[CountryTimeline] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="timeline", classes="view-body"):
            marker = f"┃ {self.as_of}: later events dimmed · " if self.as_of else ""
            yield Static(literal(f"Oldest on the left · {marker}{LEGEND}"), classes="view-status", id="timeline-legend")
            chart = TimelineChart(id="timeline-chart", classes="view-list")
            chart.as_of = self.as_of
            yield chart
            yield Static(classes="view-empty", id="timeline-empty")
            yield Static(id="timeline-detail")

    def on_mount(self) -> None:
        self.query_one("#timeline").border_title = "Timeline"
        self.query_one(TimelineChart).border_title = "Timeline"  # help's section title (no border drawn)
        self.set_title("Timeline")
        super().on_mount()

    def load(self) -> None:
        self.load_topic("timeline", Store.timeline, self._loaded)

    def _loaded(self, topic: TopicInfo, rows: list[CountryTimeline]) -> None:
        self.rows = rows
        self.set_title(f"Timeline · {topic.title}")
        chart = self.query_one(TimelineChart)
        keep = chart.rows[chart.row].country.code if chart.rows else None
        chart.show(self.rows, keep)
        self.query_one("#timeline").set_class(not self.rows, "-empty")
        self.query_one("#timeline-empty", Static).update(literal("No country has an event on this topic."))
        chart.focus()

    @on(TimelineChart.Moved)
    def _moved(self, event: TimelineChart.Moved) -> None:
        if isinstance(event, TimelineChart.Chosen):
            return
        chart = self.query_one(TimelineChart)
        self.query_one("#timeline").border_title = literal(
            f"Timeline · {event.country.country.name} · {chart.row + 1}/{len(self.rows)}")
        detail = self.query_one("#timeline-detail", Static)
        if event.event is None:
            detail.update("")
            return
        detail.update(Content.assemble(literal(event.country.country.name, "bold"), "  ",
                                       literal(describe(event.event)), "\n",
                                       literal(event.event.summary, "$text-muted italic")))

    @on(TimelineChart.Chosen)
    def _chosen(self, event: TimelineChart.Chosen) -> None:
        chosen, code = event.event, event.country.country.code
        if chosen is None:
            return

        def opened(evidence: dict[str, list[EvidenceItem]]) -> None:
            items = evidence.get(chosen.id, [])
            supports = [e for e in items if e.role == "supports" and e.claim_field == "decision"] or items
            if supports:
                self.post_message(OpenSource(supports[0], country=code))
            else:
                self.notify("No source is cited for this event.", timeout=3)

        self.data.load(self, "evidence", lambda store: store.evidence_for("decisions", [chosen.id]), opened)
