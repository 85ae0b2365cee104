"""The opening view: everything the dashboard's first frame shows, read before the UI starts.

With it the first frame is drawn once, filled, instead of empty and then again with data
(each full frame of the dashboard costs 20-50 ms to render on this machine).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from techstance.db.store.connection import BUSY_TIMEOUT_S, DatabaseOpenError, open_database
from techstance.db.store.read_models import CountryDetail, CountryTile, EvidenceItem, QuoteItem, TopicInfo, read_model
from techstance.db.store.reads import Store
from techstance.db.store.watch import DatabaseWatcher

QUOTES_PAGE = 50  # the quotes pane's page


@read_model
class OpeningView:
    topic: TopicInfo
    topic_count: int
    tiles: list[CountryTile]
    code: str | None  # the country selected at start
    detail: CountryDetail | None
    quotes: list[QuoteItem]
    evidence: dict[str, list[EvidenceItem]]


def latest_decided(tiles: list[CountryTile]) -> str | None:
    """Open on the most recent decision: what a newcomer most likely came to see."""
    dated = [t for t in tiles if t.stance is not None]
    if not dated:
        return tiles[0].country.code if tiles else None
    return max(dated, key=lambda t: (t.date or "", t.country.code)).country.code


def load_opening(store: Store, topic: str | None = None, quotes_page: int = QUOTES_PAGE) -> OpeningView | None:
    """None when the database holds no topics."""
    topics = store.topics()
    if not topics:
        return None
    chosen = next((t for t in topics if t.id == topic), topics[0])
    tiles = store.tiles(chosen.id)
    code = latest_decided(tiles)
    detail, quotes, evidence = None, [], {}
    if code is not None:
        detail = store.country_detail(chosen.id, code)
        quotes = store.quotes_about(chosen.id, code, limit=quotes_page)
        evidence = store.evidence_for("quotes", [q.id for q in quotes])
    return OpeningView(topic=chosen, topic_count=len(topics), tiles=tiles, code=code, detail=detail,
                       quotes=quotes, evidence=evidence)


@read_model
class Opening:
    view: OpeningView | None  # None: the database holds no topics
    # Its baseline was taken before the view was read, so any commit the view missed shows as
    # a change at the first poll; the app adopts it instead of starting one later.
    watcher: DatabaseWatcher


OPENING_BUSY_S = 0.2  # a writer holding the file longer: start empty and load as usual


def read_opening(path: Path, topic: str | None = None) -> Opening | None:
    """The opening view, read before the UI starts; None when it cannot be read quickly (locked,
    damaged, gone), and the dashboard then loads and reports as it does after any change.

    Read in the foreground on purpose: on a thread it competed with Textual's import for the
    GIL and finished after the first frame (300 ms instead of 5 ms on the seed database).
    """
    try:
        conn = open_database(path, busy_timeout=OPENING_BUSY_S)
    except (DatabaseOpenError, sqlite3.Error):
        return None
    try:
        watcher = DatabaseWatcher(path, conn)
        view = load_opening(Store(conn), topic)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")  # as patient as other watchers
        return Opening(view=view, watcher=watcher)
    except (DatabaseOpenError, sqlite3.Error):
        conn.close()
        return None
