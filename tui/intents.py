"""What a screen asks for, as messages: screens post intents, the app routes them.

No screen imports another screen. The app opens what an intent names; the kiosk app routes only
the reading intents, so an editing key that slipped through would do nothing there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from techstance.db.store.read_models import ActorInfo, CountryInfo, EvidenceItem, QuoteItem, SearchHit
from textual.message import Message


class Intent(Message):
    """Bubbles from the screen that posts it to the app."""


class OpenSource(Intent):
    """Read a source, at a cited excerpt (`evidence`) or from its start (`source_id`)."""

    def __init__(self, evidence: EvidenceItem | None = None, source_id: str | None = None,
                 country: str | None = None) -> None:
        super().__init__()
        self.evidence = evidence
        self.source_id = source_id
        self.country = country  # the country in view, proposed for a decision cited from it


class OpenSearch(Intent):
    def __init__(self, reply: Callable[[SearchHit | None], None]) -> None:
        super().__init__()
        self.reply = reply


class PickTopic(Intent):
    def __init__(self, current: str | None, reply: Callable[[str | None], None]) -> None:
        super().__init__()
        self.current = current
        self.reply = reply


class OpenPerson(Intent):
    """A speaker's view (a person, a body or a company); None: choose one from a list first."""

    def __init__(self, actor_id: str | None = None) -> None:
        super().__init__()
        self.actor_id = actor_id


class OpenView(Intent):
    """One of the analyst's topic-wide views, on the topic the dashboard shows."""


class OpenPositions(OpenView):
    pass


class OpenDisputes(OpenView):
    pass


class OpenTimeline(OpenView):
    pass


class ShowCountry(Intent):
    """Back to the dashboard with this country selected on the map (on `topic`, when given)."""

    def __init__(self, code: str, topic: str | None = None) -> None:
        super().__init__()
        self.code = code
        self.topic = topic


class Saved(Intent):
    """An edit was saved: every screen showing data reads it again now, not at the next poll."""


# ----- editing: routed only by the editing app -----
class EditIntent(Intent):
    """An intent that changes data."""


class CorrectQuote(EditIntent):
    def __init__(self, quote: QuoteItem, reply: Callable[[bool | None], None]) -> None:
        super().__init__()
        self.quote = quote
        self.reply = reply


class ReviewImports(EditIntent):
    def __init__(self, reply: Callable[[None], None]) -> None:
        super().__init__()
        self.reply = reply


class AddDecision(EditIntent):
    def __init__(self, source: str, start: int, end: int, excerpt: str, country: str | None) -> None:
        super().__init__()
        self.source = source
        self.start = start
        self.end = end
        self.excerpt = excerpt
        self.country = country


class AddQuote(EditIntent):
    def __init__(self, source: str, start: int, end: int, text: str, country: str | None) -> None:
        super().__init__()
        self.source = source
        self.start = start
        self.end = end
        self.text = text
        self.country = country


class FindText(EditIntent):
    """Ask for words to find; `check` says why typed words are not there (None: found), so the form
    can say so beside the field and keep what was typed."""

    def __init__(self, reply: Callable[[str | None], None],
                 check: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.reply = reply
        self.check = check


class NewRecord(EditIntent):
    """A form needs a country or a person its drop-down does not hold: open the form that adds one.
    `choices`: the form's FormChoices (what the new form's own drop-downs offer)."""

    def __init__(self, kind: Literal["country", "person"], choices: Any,
                 reply: Callable[[CountryInfo | ActorInfo | None], None], name: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.choices = choices
        self.reply = reply
        self.name = name
