"""Every read the app makes, each bounded (LIMIT or keyset), each returning typed models."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from techstance.db.store import row_checks as checks
from techstance.db.store.positions import (
    LATEST_FIRST,
    ON_TOPIC,
    ORDERED_ON,
    begun_by,
    current_decisions_sql,
    known_by,
    period_end,
)
from techstance.db.store.read_models import (
    ActorInfo,
    CountryDetail,
    CountryInfo,
    CountryTile,
    CountryTimeline,
    Dispute,
    EvidenceItem,
    Excerpt,
    PersonView,
    Position,
    QuoteItem,
    SearchHit,
    SearchResults,
    SourceDoc,
    Speaker,
    TimelineEvent,
    TopicInfo,
)

# Markers around matched words in search snippets: private-use characters, which no source
# text contains, so a literal "[" or "*" in an article can never be mistaken for a highlight.
MATCH_START = "\ue000"
MATCH_END = "\ue001"

MAX_COUNTRIES = 1000
TRANSIENT_RETRIES = 3
TRANSIENT_ERRORS = frozenset({"database disk image is malformed", "attempt to write a readonly database"})
MAX_TIMELINE = 100
MAX_EVIDENCE_PER_CLAIM = 50
MAX_PERSON_QUOTES = 200
MAX_TOPIC_EVENTS = 20000  # a topic's decisions, every country: 1,000 a topic at the benchmark's scale
MAX_DISPUTES = 200

_SOURCE_FIELDS = ("id", "outlet", "title", "published", "date_precision", "date_inferred", "quality")
# Source columns under an s_ prefix, so they can sit beside another table's columns.
_SOURCE_COLUMNS = ", ".join(f"s.{name} AS s_{name}" for name in _SOURCE_FIELDS)
# A quote (`q`, its source `s`) had certainly been said by the end of the day `?`: the rule of
# the quotes pane as of a date (quotes_about).
_SAID_BY = known_by("?", "COALESCE(q.said_on, s.published)")


def _source_published_by(param: str) -> str:
    """Evidence `e`'s source had certainly been published by the end of the day `param`."""
    return f"EXISTS (SELECT 1 FROM sources s WHERE s.id = e.source AND {known_by(param, 's.published')})"


# Prefix indexes cover up to this many letters; a longer prefix of a common word merges every
# matching word's document list (90 ms over 50,000 sources), so the whole word is tried first.
INDEXED_PREFIX = 3


def fts_queries(text: str) -> list[str]:
    """What a user typed as safe FTS5 queries, cheapest first: every word quoted, the last
    also as a prefix. Quoting each token means FTS syntax typed by the user (quotes,
    parentheses, AND, a lone *) is searched for as words instead of raising a syntax error."""
    words = re.findall(r"\w+", text)
    if not words:
        return []
    quoted = [f'"{w}"' for w in words]
    prefix = " ".join([*quoted[:-1], quoted[-1] + "*"])
    if len(words[-1]) <= INDEXED_PREFIX:
        return [prefix]
    return [" ".join(quoted), prefix]


class Store:
    """Read access to one database connection (opened by techstance.db.store.connection.open_database)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.conn.row_factory = sqlite3.Row
        # Workers of overlapping loads share the connection; two threads running the same SQL
        # would share one cached prepared statement ("another row available"), so one at a time.
        self._lock = threading.Lock()

    def replace_connection(self, conn: sqlite3.Connection) -> None:
        """Read from a new connection (the file was replaced); the old one is closed."""
        conn.row_factory = sqlite3.Row
        with self._lock:
            old, self.conn = self.conn, conn
        if old is not conn:
            old.close()

    def _all(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                with self._lock:
                    return self.conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError as err:
                if not _undecodable(err):
                    raise
                return self._all_tolerant(sql, params)
            except sqlite3.DatabaseError as err:
                # A read-only connection (mode=ro: the kiosk, the dashboard) can catch another
                # process's rollback-journal commit half done and report these; a moment later the
                # same read succeeds. Real damage fails every time and is reported.
                if str(err) not in TRANSIENT_ERRORS or attempt == TRANSIENT_RETRIES:
                    raise
                time.sleep(0.02 * (attempt + 1))
        raise AssertionError("unreachable")

    def _all_tolerant(self, sql: str, params: Any) -> list[sqlite3.Row]:
        """A read that met text which is not UTF-8 (a file written with checks off): read again
        with that text decoded leniently, so one bad value costs its record, not the screen."""
        with self._lock:
            self.conn.text_factory = checks.tolerant_text
            try:
                return self.conn.execute(sql, params).fetchall()
            finally:
                self.conn.text_factory = str

    def topics(self, limit: int = 100) -> list[TopicInfo]:
        rows = self._all("SELECT id, title, description FROM topics ORDER BY id LIMIT ?", (limit,))
        return [checks.topic(r) for r in rows]

    def tiles(self, topic: str, limit: int = MAX_COUNTRIES, as_of: str | None = None) -> list[CountryTile]:
        """Every country with its position on the topic; `as_of` (YYYY-MM-DD): as it stood at the end
        of that day, a decision whose year or month is still under way shown as uncertain."""
        # Three small queries merged here: the view joined per country re-ranks every decision
        # once per country (2 s at 20,000 decisions), and even a per-topic ranking joined to
        # the countries is scanned once per country (18 ms); apart they take about 4 ms.
        countries = self._all(
            "SELECT code, name, region, tile_row, tile_col FROM countries "
            "ORDER BY tile_row, tile_col, code LIMIT ?",
            (limit,),
        )
        columns = "d.country, d.stance, d.status, d.date, d.id AS decision"
        params: tuple[str, ...] = (topic,)
        if as_of is None:
            sql = current_decisions_sql(columns, where="d.topic = ?", partition="d.country")
        else:
            # The latest decision begun by then: the position (positions.known_by), or a newer one whose
            # period is under way, marked so the map says "this may have changed" rather than hide it.
            sql = current_decisions_sql(f"{columns}, NOT ({known_by('?')}) AS uncertain",
                                        where=f"d.topic = ? AND {begun_by('?')}", partition="d.country")
            params = (as_of, topic, as_of)
        current = {r["country"]: r for r in self._all(sql + " LIMIT ?", (*params, limit))}
        # CROSS JOIN keeps the disputes (rare) as the outer loop: with the kind test, SQLite would
        # otherwise walk every decision of the topic (1 ms at 20,000 decisions, against 0.01 ms).
        disputed = {
            r["country"]
            for r in self._all(
                f"""
                SELECT DISTINCT d.country FROM evidence e CROSS JOIN decisions d ON d.id = e.claim_id
                WHERE e.role = 'disputes' AND e.claim_table = 'decisions' AND d.topic = ? AND {ON_TOPIC}
                      {"" if as_of is None else f"AND {begun_by('?')} AND {_source_published_by('?')}"}
                LIMIT ?
                """,
                (topic, limit) if as_of is None else (topic, as_of, as_of, limit),
            )
        }
        return [_tile(checks.country(c), current.get(c["code"]), c["code"] in disputed, as_of is not None)
                for c in countries]

    def countries(self, limit: int = MAX_COUNTRIES) -> list[CountryInfo]:
        rows = self._all("SELECT code, name, region, tile_row, tile_col FROM countries ORDER BY name LIMIT ?",
                         (limit,))
        return [checks.country(r) for r in rows]

    def actors(self, limit: int = 2000) -> list[ActorInfo]:
        rows = self._all("SELECT id, name, kind, role, affiliation, country FROM actors ORDER BY name, id LIMIT ?",
                         (limit,))
        return [checks.actor(r) for r in rows]

    def country(self, code: str) -> CountryInfo | None:
        rows = self._all(
            "SELECT code, name, region, tile_row, tile_col FROM countries WHERE code = ?", (code,)
        )
        return checks.country(rows[0]) if rows else None

    def evidence_for(self, claim_table: str, claim_ids: list[str],
                     per_claim: int = MAX_EVIDENCE_PER_CLAIM) -> dict[str, list[EvidenceItem]]:
        """Evidence for several claims at once, at most `per_claim` each (so one claim with many
        excerpts cannot crowd out another), in a stable order: role, field, source date, start."""
        out: dict[str, list[EvidenceItem]] = {cid: [] for cid in claim_ids}
        if not claim_ids:
            return out
        marks = ",".join("?" * len(claim_ids))
        rows = self._all(
            f"""
            SELECT * FROM (
                SELECT e.id, e.claim_table, e.claim_id, e.claim_field, e.role, e.start, e."end", e.excerpt,
                       {_SOURCE_COLUMNS},
                       ROW_NUMBER() OVER (PARTITION BY e.claim_id
                                          ORDER BY e.role DESC, e.claim_field, s.published, s.id, e.start) AS n
                FROM evidence e JOIN sources s ON s.id = e.source
                WHERE e.claim_table = ? AND e.claim_id IN ({marks})
            ) WHERE n <= ?
            ORDER BY claim_id, n
            """,
            (claim_table, *claim_ids, per_claim),
        )
        for r in rows:
            out[r["claim_id"]].append(checks.evidence_item(r))
        return out

    def country_detail(self, topic: str, code: str, limit: int = MAX_TIMELINE,
                       as_of: str | None = None) -> CountryDetail | None:
        """The country's position and history; `as_of` (YYYY-MM-DD): as they stood at the end of that
        day, events whose year or month is under way listed as uncertain, never as the position."""
        info = self.country(code)
        if info is None:
            return None
        # Latest first, in the order the current_positions view uses: the first decision on the topic
        # is the current one (db/store/positions.py).
        begun = "" if as_of is None else f"AND {begun_by(':as_of')}"
        rows = self._all(
            f"""
            SELECT d.id, d.topic, d.country, d.kind, d.stance, d.status, d.date, d.date_precision,
                   d.date_inferred, d.summary, d.conditions,
                   {"0" if as_of is None else f"NOT ({known_by(':as_of')})"} AS uncertain
            FROM decisions d WHERE topic = :topic AND country = :code {begun}
            ORDER BY {LATEST_FIRST}
            LIMIT :limit
            """,
            {"topic": topic, "code": code, "limit": limit, "as_of": as_of},
        )
        evidence = self.evidence_for("decisions", [r["id"] for r in rows])
        events = [checks.decision_event(r, evidence[r["id"]], uncertain=bool(r["uncertain"])) for r in rows]
        current = next((e for e in events if e.kind == "decision" and not e.uncertain), None)
        return CountryDetail(country=info, current=current, timeline=[e for e in events if e is not current],
                             as_of=as_of)

    def event_dates(self, topic: str, limit: int = MAX_TOPIC_EVENTS) -> list[tuple[str, str]]:
        """(date, country) of every event on the topic that is placed on a date, oldest first: the
        steps of the as-of date. The date is the day the event counts from (positions.period_end:
        the last day of a year or month), so each step shows the event as certain."""
        rows = self._all(
            f"""
            SELECT DISTINCT {period_end(ORDERED_ON)} AS settled, d.country FROM decisions d
            WHERE d.topic = ? AND settled IS NOT NULL
            ORDER BY settled, d.country LIMIT ?
            """,
            (topic, limit),
        )
        # Steps, not records: a damaged decision (shown as such in its country) gives no step.
        return [(r["settled"], r["country"]) for r in rows
                if isinstance(r["settled"], str) and isinstance(r["country"], str)]

    def quotes_about(self, topic: str, code: str, limit: int = 50,
                     after: QuoteItem | None = None, as_of: str | None = None) -> list[QuoteItem]:
        """Quotes about one country: newest source first, then in reading order.

        Keyset pagination: pass the last quote of a page as `after` for the next page. `as_of`
        (YYYY-MM-DD): only what had certainly been said by the end of that day (said on, else
        published; a year or month counts once it is over), so the pane shows what was known then.
        """
        cursor = ""
        params: dict[str, Any] = {"topic": topic, "code": code, "limit": limit, "as_of": as_of}
        if as_of is not None:
            cursor = f"AND {known_by(':as_of', 'COALESCE(q.said_on, s.published)')} "
        if after is not None:
            # The id settles ties: two quotes may start at the same place in one source.
            cursor += """AND (COALESCE(s.published, '') < :pub OR (COALESCE(s.published, '') = :pub
                         AND (q.source > :src OR (q.source = :src AND (q.start > :start
                              OR (q.start = :start AND q.id > :id))))))"""
            params.update(pub=after.source.published or "", src=after.source.id, start=after.start, id=after.id)
        rows = self._all(
            f"""
            SELECT q.id, q.topic, q.country, q.text, q.said_on, q.start, q."end", q.attribution,
                   a.id AS a_id, a.name AS a_name, a.kind AS a_kind, a.role AS a_role,
                   a.affiliation AS a_affiliation, a.country AS a_country,
                   {_SOURCE_COLUMNS}
            FROM quotes q JOIN actors a ON a.id = q.actor JOIN sources s ON s.id = q.source
            WHERE q.topic = :topic AND q.country = :code {cursor}
            ORDER BY COALESCE(s.published, '') DESC, q.source, q.start, q.id
            LIMIT :limit
            """,
            params,
        )
        return [checks.quote_item(r) for r in rows]

    def source(self, source_id: str) -> SourceDoc | None:
        rows = self._all(
            f"SELECT {_SOURCE_COLUMNS}, s.seed_file AS s_seed_file, s.notes AS s_notes, s.sha256 AS s_sha256, "
            "s.text AS s_text "
            "FROM sources s WHERE s.id = ?",
            (source_id,),
        )
        if not rows:
            return None
        return checks.source_doc(rows[0])

    def excerpts(self, source_id: str, limit: int = 500) -> list[Excerpt]:
        """The distinct spans of one source that any evidence cites, in reading order."""
        rows = self._all(
            """
            SELECT start, "end", COUNT(*) AS claims FROM evidence WHERE source = ?
            GROUP BY start, "end" ORDER BY start, "end" LIMIT ?
            """,
            (source_id, limit),
        )
        return [checks.excerpt(r) for r in rows]

    # ----- the analyst's views (issue 15) -----
    def person(self, actor_id: str, limit: int = MAX_PERSON_QUOTES, as_of: str | None = None) -> PersonView | None:
        """A speaker with every quote of theirs on any topic, newest first (said, else reported);
        `as_of`: only what had certainly been said by the end of that day (as quotes_about)."""
        rows = self._all("SELECT id, name, kind, role, affiliation, country FROM actors WHERE id = ?", (actor_id,))
        if not rows:
            return None
        actor = checks.actor(rows[0])
        quotes = [checks.quote_item(r) for r in self._all(
            f"""
            SELECT q.id, q.topic, q.country, q.text, q.said_on, q.start, q."end", q.attribution,
                   a.id AS a_id, a.name AS a_name, a.kind AS a_kind, a.role AS a_role,
                   a.affiliation AS a_affiliation, a.country AS a_country,
                   {_SOURCE_COLUMNS}
            FROM quotes q JOIN actors a ON a.id = q.actor JOIN sources s ON s.id = q.source
            WHERE q.actor = ? {"" if as_of is None else f"AND {_SAID_BY}"}
            ORDER BY COALESCE(q.said_on, s.published, '') DESC, q.source, q.start, q.id
            LIMIT ?
            """,
            (actor_id, limit + 1) if as_of is None else (actor_id, as_of, limit + 1),
        )]
        codes = sorted({q.country for q in quotes[:limit] if q.country} | ({actor.country} if actor.country else set()))
        names = {r["code"]: r["name"] for r in self._all(
            f"SELECT code, name FROM countries WHERE code IN ({','.join('?' * len(codes))}) LIMIT ?",
            (*codes, len(codes)))} if codes else {}
        return PersonView(actor=actor, affiliation_country=self.country(actor.country) if actor.country else None,
                          quotes=quotes[:limit], country_names=names, more=len(quotes) > limit)

    def speakers(self, limit: int = 2000, as_of: str | None = None) -> list[Speaker]:
        """Everyone quoted or known, most quoted first, then by name; `as_of`: quotes counted as
        `person` shows them then."""
        said = "" if as_of is None else f"AND {_SAID_BY}"
        rows = self._all(
            f"""
            SELECT a.id, a.name, a.kind, a.role, a.affiliation, a.country,
                   (SELECT COUNT(*) FROM quotes q JOIN sources s ON s.id = q.source
                    WHERE q.actor = a.id {said}) AS n
            FROM actors a ORDER BY n DESC, a.name, a.id LIMIT ?
            """,
            (limit,) if as_of is None else (as_of, limit),
        )
        return [Speaker(actor=checks.actor(r), quotes=r["n"]) for r in rows]

    def _events(self, topic: str, limit: int, as_of: str | None = None) -> dict[str, list[TimelineEvent]]:
        """Every country's events on a topic, latest first (the order of current_positions);
        `as_of`: those begun by the end of that day, as the map's (`tiles`), one whose period is
        still under way marked uncertain."""
        # On a date, a dispute counts once its source had been published (as the Disputes view says).
        disputed_by = "" if as_of is None else f"AND {_source_published_by(':as_of')}"
        rows = self._all(
            f"""
            SELECT d.id, d.country, d.kind, d.stance, d.status, d.date, d.date_precision, d.date_inferred,
                   d.summary, {ORDERED_ON} AS placed_on,
                   EXISTS (SELECT 1 FROM evidence e WHERE e.role = 'disputes' AND e.claim_table = 'decisions'
                           AND e.claim_id = d.id {disputed_by}) AS disputed,
                   {"0" if as_of is None else f"NOT ({known_by(':as_of')})"} AS uncertain,
                   ROW_NUMBER() OVER (PARTITION BY d.country ORDER BY {LATEST_FIRST}) AS rank
            FROM decisions d WHERE d.topic = :topic {"" if as_of is None else f"AND {begun_by(':as_of')}"}
            ORDER BY d.country, rank
            LIMIT :limit
            """,
            {"topic": topic, "limit": limit, "as_of": as_of},
        )
        out: dict[str, list[TimelineEvent]] = {}
        for r in rows:
            out.setdefault(checks.key_text(r["country"]), []).append(checks.timeline_event(r))
        return out

    def _countries_by_code(self) -> dict[str, CountryInfo]:
        return {c.code: c for c in self.countries()}

    def timeline(self, topic: str, limit: int = MAX_TOPIC_EVENTS) -> list[CountryTimeline]:
        """Per country with any event on the topic, its events oldest first; countries by name."""
        events = self._events(topic, limit)
        countries = self._countries_by_code()
        known = [code for code in events if code in countries]
        return [CountryTimeline(country=countries[code], events=events[code][::-1])
                for code in sorted(known, key=lambda c: (countries[c].name, c))]

    def positions(self, topic: str, limit: int = MAX_TOPIC_EVENTS, as_of: str | None = None) -> list[Position]:
        """Every country's current position on the topic, by country name: its latest decision on the
        topic (techstance.db.store.positions), never a related action or a stated view; `as_of`: as
        the map shows it on that day (`tiles`)."""
        every = self._events(topic, limit, as_of)
        events = {code: on_topic for code, latest in every.items()
                  if (on_topic := [e for e in latest if e.kind == "decision"])}
        countries = self._countries_by_code()
        current_ids = [latest[0].id for latest in events.values()]
        sources = {r["claim_id"]: r["n"] for r in self._all(
            f"""
            SELECT claim_id, COUNT(DISTINCT source) AS n FROM evidence
            WHERE claim_table = 'decisions' AND claim_field = 'decision' AND role = 'supports'
              AND claim_id IN ({','.join('?' * len(current_ids))})
            GROUP BY claim_id LIMIT ?
            """,
            (*current_ids, len(current_ids)),
        )} if current_ids else {}
        out = []
        for code in sorted(events, key=lambda c: (countries[c].name, c) if c in countries else ("", c)):
            if code not in countries:
                continue
            latest = events[code]
            since = latest[0]
            for event in latest[1:]:
                if event.stance != since.stance:
                    break
                since = event
            out.append(Position(country=countries[code], current=latest[0], since=since,
                                # As the map's "!": some source disputes an event of this country.
                                sources=sources.get(latest[0].id, 0),
                                disputed=any(e.disputed for e in every[code])))
        return out

    def disputes(self, topic: str, limit: int = MAX_DISPUTES, as_of: str | None = None) -> list[Dispute]:
        """Decisions some source disputes, latest first, each with both sides' excerpts; `as_of`:
        decisions begun by then, disputed by a source published by then, each side as it stood."""
        events = self._events(topic, MAX_TOPIC_EVENTS, as_of)
        countries = self._countries_by_code()
        disputed = [(code, event) for code, latest in events.items() for event in latest if event.disputed]
        disputed.sort(key=lambda pair: (pair[1].placed_on or "", pair[1].id), reverse=True)
        disputed = disputed[:limit]
        evidence = self.evidence_for("decisions", [event.id for _, event in disputed])
        if as_of is not None:
            known = self._published_by([item.id for items in evidence.values() for item in items], as_of)
            evidence = {claim: [item for item in items if item.id in known] for claim, items in evidence.items()}
            disputed = [(code, event) for code, event in disputed
                        if any(item.role == "disputes" for item in evidence.get(event.id, []))]
        return [Dispute(country=countries[code], event=event,
                        supports=[e for e in evidence[event.id] if e.role == "supports"],
                        disputes=[e for e in evidence[event.id] if e.role == "disputes"])
                for code, event in disputed if code in countries]

    def _published_by(self, evidence_ids: list[str], as_of: str) -> set[str]:
        """The evidence whose source had certainly been published by the end of the day `as_of`."""
        if not evidence_ids:
            return set()
        return {r["id"] for r in self._all(
            f"""
            SELECT e.id FROM evidence e JOIN sources s ON s.id = e.source
            WHERE e.id IN ({','.join('?' * len(evidence_ids))}) AND {known_by('?', 's.published')}
            LIMIT ?
            """,
            (*evidence_ids, as_of, len(evidence_ids)),
        )}

    def search(self, text: str, limit_per_kind: int = 20, budget_s: float = 0.03,
               cancelled: Callable[[], bool] | None = None) -> SearchResults:
        """Full-text search grouped by kind (see _search)."""
        try:
            return self._search(text, limit_per_kind, budget_s, cancelled)
        except sqlite3.OperationalError as err:
            if not _undecodable(err):
                raise
        # Text that is not UTF-8 (written with checks off) met on the way: search again, read leniently.
        with self._lock:
            self.conn.text_factory = checks.tolerant_text
        try:
            return self._search(text, limit_per_kind, budget_s, cancelled)
        finally:
            with self._lock:
                self.conn.text_factory = str

    def _search(self, text: str, limit_per_kind: int, budget_s: float,
                cancelled: Callable[[], bool] | None) -> SearchResults:
        """Full-text search over quotes, decisions, actors and sources, grouped by kind.

        Bounded for any query: a kind with more than RANK_LIMIT matches is not ranked (ranking
        every match of a common word takes 300 ms at 200,000 quotes) but shown in stored order;
        each kind gets `budget_s` of SQLite time and is cut short past it. `cancelled` is polled
        while SQLite works, so a newer keystroke stops an older search (SearchCancelled).
        """
        queries = fts_queries(text)
        if not queries:
            return SearchResults(hits=[])
        hits: list[SearchHit] = []
        counts: dict[str, int] = {}
        slow: list[str] = []
        snip = f"'{MATCH_START}', '{MATCH_END}', '…', 12"
        first_word = re.findall(r"\w+", text.casefold())[:1]
        near = "'" + (first_word[0] if first_word else "").replace("'", "''") + "'"
        for kind, (fts, select, join) in _SEARCH_PLANS.items():
            count_sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? LIMIT {RANK_LIMIT + 1}"
            body = f"""SELECT {select.format(snip=snip, near=near)} FROM {fts} {join} WHERE {fts} MATCH ?"""
            deadline = time.monotonic() + budget_s

            def stop(deadline: float = deadline) -> int:
                return 1 if (cancelled is not None and cancelled()) or time.monotonic() > deadline else 0

            found: dict[str, sqlite3.Row] = {}
            count = 0
            for attempt in range(TRANSIENT_RETRIES + 1):
                with self._lock:
                    self.conn.set_progress_handler(stop, 2000)
                    try:
                        for query in queries:  # the whole word first; its prefix only if that is not enough
                            count = max(count, len(self.conn.execute(count_sql, (query,)).fetchall()))
                            order = "" if count > RANK_LIMIT else "ORDER BY rank"
                            for row in self.conn.execute(f"{body} {order} LIMIT ?", (query, limit_per_kind)):
                                found.setdefault(row["id"], row)
                            if len(found) >= limit_per_kind:
                                break
                        if kind == "quote":  # then the quotes of speakers whose name matches
                            query = f"name : ({queries[-1]})"
                            said = {r[0] for r in self.conn.execute(_SPEAKER_COUNT, (query, RANK_LIMIT + 1))}
                            if said:
                                texts = {r[0] for r in self.conn.execute(count_sql, (queries[-1],))}
                                count = max(count, len(texts | said))
                                for row in self.conn.execute(_SPEAKER_QUOTES, (query, limit_per_kind)):
                                    if len(found) >= limit_per_kind:
                                        break
                                    found.setdefault(row["id"], row)
                        break
                    except sqlite3.OperationalError as err:
                        if "interrupted" in str(err):
                            if cancelled is not None and cancelled():
                                raise SearchCancelled from None
                            slow.append(kind)
                            break
                        if str(err) not in TRANSIENT_ERRORS or attempt == TRANSIENT_RETRIES:
                            raise
                    except sqlite3.DatabaseError as err:
                        if str(err) not in TRANSIENT_ERRORS or attempt == TRANSIENT_RETRIES:
                            raise
                    finally:
                        self.conn.set_progress_handler(None, 0)
                found.clear()
                count = 0
                time.sleep(0.02 * (attempt + 1))  # another process's commit was half done: read again
            counts[kind] = max(count, len(found))
            hits += [checks.search_hit(kind, r) for r in list(found.values())[:limit_per_kind]]
        return SearchResults(hits=hits, counts=counts, slow=slow)


def _tile(country: CountryInfo, current: sqlite3.Row | None, disputed: bool, as_of: bool = False) -> CountryTile:
    """A country on the map with its current decision; a damaged decision marks the tile damaged."""
    if country.damage is not None:
        return CountryTile(country=country, damage=country.damage)
    if current is None:
        return CountryTile(country=country, disputed=disputed)
    c = checks.Checked(current, "decisions", key="decision")
    try:
        return CountryTile(country=country, stance=c.choice("stance", checks.STANCES, "a stance"),
                           status=c.choice("status", checks.STATUSES, "a status"), date=c.optional("date"),
                           decision=c.name("decision"), disputed=disputed,
                           uncertain=bool(current["uncertain"]) if as_of else False)
    except checks.Damaged as damage:
        return CountryTile(country=country, decision=c.key, disputed=disputed, damage=damage.record)


def _undecodable(err: sqlite3.OperationalError) -> bool:
    return str(err).startswith("Could not decode to UTF-8")


class SearchCancelled(Exception):
    """A newer search replaced this one."""


# Ranking is cheap below this many matches; above it, results come unranked.
RANK_LIMIT = 100

# kind -> (FTS table, columns selected, join). Snippets are computed only for the rows shown.
# Results name countries, not codes: a user reads "United Kingdom", not "GB".
# FTS5's snippet() over a long text costs seconds (1.7 s for an article of 1.5 MB with 1,300 hits of
# the word), past any budget: SQLite cannot interrupt a function. A longer source's excerpt starts
# near the first plain occurrence of the first word typed instead (one scan, milliseconds).
SNIPPET_TEXT_LIMIT = 100_000

_SEARCH_PLANS: dict[str, tuple[str, str, str]] = {
    "quote": ("quotes_fts",
              "q.id, a.name AS label, snippet(quotes_fts, 0, {snip}) AS snippet, q.country, q.topic, "
              "c.name AS country_name",
              "JOIN quotes q ON q.rowid = quotes_fts.rowid JOIN actors a ON a.id = q.actor "
              "LEFT JOIN countries c ON c.code = q.country"),
    "decision": ("decisions_fts",
                 "d.id, COALESCE(c.name, d.country) || ': ' || d.stance || ', ' || d.status AS label, "
                 "snippet(decisions_fts, -1, {snip}) AS snippet, d.country, d.topic, c.name AS country_name",
                 "JOIN decisions d ON d.rowid = decisions_fts.rowid LEFT JOIN countries c ON c.code = d.country"),
    "actor": ("actors_fts",
              "a.id, a.name AS label, snippet(actors_fts, -1, {snip}) AS snippet, a.country, NULL AS topic, "
              "c.name AS country_name",
              "JOIN actors a ON a.rowid = actors_fts.rowid LEFT JOIN countries c ON c.code = a.country"),
    "source": ("sources_fts",
               "s.id, COALESCE(s.title, COALESCE(s.outlet, 'unknown outlet') || ', ' || "
               "COALESCE(s.published, 'date unknown')) AS label, "
               f"CASE WHEN length(s.text) <= {SNIPPET_TEXT_LIMIT} THEN snippet(sources_fts, -1, {{snip}}) "
               "ELSE '…' || substr(s.text, max(1, instr(lower(s.text), {near}) - 60), 160) || '…' END AS snippet, "
               "NULL AS country, NULL AS topic, NULL AS country_name",
               "JOIN sources s ON s.rowid = sources_fts.rowid"),
}

# A speaker's name finds their quotes ("Pompeo" listed none of his ten): the name is matched in
# the actors' index, name column only (not role: "government" would list every official's
# quotes), and their quotes read through the quotes' actor index. In the index's order, with no
# sort: LIMIT stops the read as soon as enough are found, however much a speaker said.
_SPEAKER_QUOTES = """
SELECT q.id, a.name AS label, substr(q.text, 1, 200) || CASE WHEN length(q.text) > 200 THEN '…' ELSE '' END
       AS snippet, q.country, q.topic, c.name AS country_name
FROM actors_fts JOIN actors a ON a.rowid = actors_fts.rowid JOIN quotes q ON q.actor = a.id
LEFT JOIN countries c ON c.code = q.country
WHERE actors_fts MATCH ? ORDER BY actors_fts.rowid LIMIT ?
"""
_SPEAKER_COUNT = """
SELECT q.rowid FROM actors_fts JOIN actors a ON a.rowid = actors_fts.rowid JOIN quotes q ON q.actor = a.id
WHERE actors_fts MATCH ? ORDER BY actors_fts.rowid LIMIT ?
"""
