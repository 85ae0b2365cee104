"""Changes to a built database: validated by the seed models, one transaction each, audited.

Every change is checked against the data already there (references, spans against the stored
source text, the same evidence rules as the build), written in one transaction together with
its row in `edits` (when, what, before, after), or not written at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.db.store.edit_errors import EditError, StaleEdit
from techstance.db.store.evidence_rows import evidence_row, specifics_json
from techstance.db.store.read_models import read_model
from techstance.db.store.records import Actor, Country, Decision, Evidence, Quote
from techstance.db.store.rules import decision_claim_problems, span_problem
from techstance.db.store.support import SourceDate, decision_support_problems, quote_support_problems


@read_model
class EditRecord:
    id: int
    at: str
    action: str
    record_table: str
    record_id: str
    before: str | None
    after: str | None
    note: str | None


def open_for_editing(path: Path, busy_timeout: float | None = None) -> sqlite3.Connection:
    """A read-write connection to an existing techstance database (never creates one).

    Refused up front when the file or its folder cannot be written: SQLite would open it and
    only fail at the first write, with "attempt to write a readonly database", naming no file.
    """
    if busy_timeout is None:
        conn = open_database(path, readonly=False)
    else:
        conn = open_database(path, readonly=False, busy_timeout=busy_timeout)
    path = Path(path)
    folder = path.parent
    problem = None
    if not os.access(path, os.W_OK):
        problem = f"{path}: read-only: you may read this database but not change it"
    elif not os.access(folder, os.W_OK | os.X_OK):
        problem = (f"{path}: cannot be changed: its folder {folder} is read-only "
                   "(SQLite writes its journal beside the database)")
    if problem is not None:
        conn.close()
        raise DatabaseOpenError(problem)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One user action, one transaction: BEGIN IMMEDIATE (the write lock is taken before anything
    is read, so what is checked is what is written over), COMMIT at the end, ROLLBACK on any error.

    Nested use joins the outer transaction: accepting a proposal with a new person adds the person
    and the quote together or not at all."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def validate(model_class: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    """The seed model, or EditError naming each bad field."""
    try:
        return model_class.model_validate(data)
    except ValidationError as err:
        problems = []
        for error in err.errors():
            field = ".".join(str(p) for p in error["loc"])
            cause_field = getattr(error.get("ctx", {}).get("error"), "field", None)
            if cause_field:
                field = f"{field}.{cause_field}" if field else str(cause_field)
            problems.append((field, _human(error, field, data)))
        raise EditError(problems) from None


def _human(error: Any, field: str, data: dict[str, Any]) -> str:
    """One line a person can act on, never pydantic's wording ("String should have at least 1
    character")."""
    kind = error["type"]
    given = data.get(field) if "." not in field else None
    if kind == "missing" or kind == "string_too_short" or (kind == "string_pattern_mismatch" and given == ""):
        return "required"
    if kind == "string_pattern_mismatch" and field in ("country", "code"):
        return "an ISO 3166 two-letter code in capitals, e.g. GB"
    if kind == "string_pattern_mismatch":
        return "use lowercase letters, digits and single hyphens, e.g. gb-2026-11-ban"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"choose one of {expected.replace(chr(39), '')}" if expected else "choose one of the list"
    if kind == "string_too_long":
        return f"at most {error.get('ctx', {}).get('max_length')} characters"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind in ("greater_than_equal", "less_than_equal"):
        ctx = error.get("ctx", {})
        return f"from {ctx['ge']}" if "ge" in ctx else f"up to {ctx['le']}"
    return str(error["msg"]).removeprefix("Value error, ")


class _Checks:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.problems: list[tuple[str, str]] = []
        self._texts: dict[str, str | None] = {}

    def exists(self, table: str, key: str, value: str | None, field: str, what: str) -> None:
        if value is None:
            return
        row = self.conn.execute(f"SELECT 1 FROM {table} WHERE {key} = ?", (value,)).fetchone()
        if row is None:
            self.problems.append((field, f"unknown {what} '{value}'"))

    def new_id(self, table: str, value: str) -> None:
        if self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (value,)).fetchone():
            self.problems.append(("id", f"id '{value}' is already taken"))

    def source_dates(self, items: list[Evidence], extra: str | None = None) -> dict[str, SourceDate]:
        """The dates of the sources cited, for the support checks."""
        wanted = sorted({e.source for e in items} | ({extra} if extra else set()))
        marks = ",".join("?" * len(wanted))
        rows = self.conn.execute(f"SELECT id, published, date_precision, date_inferred FROM sources "
                                 f"WHERE id IN ({marks})", wanted).fetchall()
        return {r[0]: SourceDate(r[1], r[2], bool(r[3])) for r in rows}

    def text(self, source: str) -> str | None:
        if source not in self._texts:
            row = self.conn.execute("SELECT text FROM sources WHERE id = ?", (source,)).fetchone()
            self._texts[source] = row[0] if row else None
        return self._texts[source]

    def span(self, field: str, source: str, start: int, end: int, expected: str, what: str) -> None:
        text = self.text(source)
        if text is None:
            self.problems.append((field, f"unknown source '{source}'"))
            return
        problem = span_problem(text, source, start, end, expected, what)
        if problem:
            self.problems.append((field, problem))

    def evidence(self, items: list[Evidence], own: Evidence | None = None) -> None:
        seen = {(own.claim, own.source, own.start, own.end, own.role)} if own else set()
        for i, item in enumerate(items):
            key = (item.claim, item.source, item.start, item.end, item.role)
            if key in seen:
                self.problems.append((f"evidence[{i}]", "the same evidence is listed twice"))
            seen.add(key)
            self.span(f"evidence[{i}].excerpt", item.source, item.start, item.end, item.excerpt, "excerpt")

    def done(self) -> None:
        if self.problems:
            raise EditError(self.problems)


def _record(conn: sqlite3.Connection, action: str, table: str, record_id: str, before: Any, after: Any,
            note: str) -> None:
    conn.execute(
        'INSERT INTO edits (at, action, record_table, record_id, "before", "after", note) VALUES (?, ?, ?, ?, ?, ?, ?)',
        (_now(), action, table, record_id,
         None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
         None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True), note or None),
    )


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any], *, or_ignore: bool = False) -> None:
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    conn.execute(f"{verb} INTO {table} ({columns}) VALUES ({marks})", list(row.values()))


def add_decision(conn: sqlite3.Connection, data: dict[str, Any], note: str = "") -> Decision:
    """Add one decision event with its evidence; EditError (nothing written) when it is invalid."""
    decision = validate(Decision, data)
    assert isinstance(decision, Decision)
    checks = _Checks(conn)
    checks.new_id("decisions", decision.id)
    checks.exists("topics", "id", decision.topic, "topic", "topic")
    checks.exists("countries", "code", decision.country, "country", "country")
    checks.evidence(decision.evidence)
    checks.problems += decision_claim_problems(decision)
    checks.problems += decision_support_problems(decision, checks.source_dates(decision.evidence))
    checks.done()
    row = decision.model_dump(exclude={"evidence"})
    row["date_inferred"] = int(decision.date_inferred)
    row["conditions"] = json.dumps(decision.conditions, ensure_ascii=False)
    row["specifics"] = specifics_json(decision.specifics)
    with transaction(conn):
        _insert(conn, "decisions", row)
        for item in decision.evidence:
            _insert(conn, "evidence", evidence_row("decisions", decision.id, item))
        _record(conn, "insert", "decisions", decision.id, None, decision.model_dump(), note)
    return decision


def add_quote(conn: sqlite3.Connection, data: dict[str, Any], note: str = "",
              also: Callable[[sqlite3.Connection], None] | None = None) -> Quote:
    """Add one quote (its own span is its first evidence); `also` runs in the same transaction."""
    quote = validate(Quote, data)
    assert isinstance(quote, Quote)
    checks = _Checks(conn)
    checks.new_id("quotes", quote.id)
    checks.exists("topics", "id", quote.topic, "topic", "topic")
    checks.exists("actors", "id", quote.actor, "actor", "actor")
    checks.exists("countries", "code", quote.country, "country", "country")
    checks.span("text", quote.source, quote.start, quote.end, quote.text, "quote text")
    own = Evidence(claim="quote", source=quote.source, start=quote.start, end=quote.end, excerpt=quote.text)
    checks.evidence(quote.evidence, own=own)
    checks.problems += quote_support_problems(quote, checks.source_dates(quote.evidence, quote.source))
    checks.done()
    with transaction(conn):
        _insert(conn, "quotes", quote.model_dump(exclude={"evidence"}))
        for item in [own, *quote.evidence]:
            _insert(conn, "evidence", evidence_row("quotes", quote.id, item))
        _record(conn, "insert", "quotes", quote.id, None, quote.model_dump(), note)
        if also is not None:
            also(conn)
    return quote


_QUOTE_KEYS = ("id", "topic", "actor", "country", "text", "said_on", "said_on_precision", "source", "start", "end",
               "attribution")


def correct_quote(conn: sqlite3.Connection, quote_id: str, changes: dict[str, Any], note: str = "",
                  seen: dict[str, Any] | None = None) -> Quote:
    """Change a quote's speaker, country, date or span; the new span must match the source.

    `seen`: the quote's fields as the user saw them when they began the correction. If the stored
    quote differs (another editor saved first), StaleEdit and nothing is written: the later save
    must not silently overwrite the earlier, and the audit's "before" is read under the write lock.
    """
    with transaction(conn):
        row = conn.execute('SELECT id, topic, actor, country, text, said_on, said_on_precision, source, start, '
                           '"end", attribution FROM quotes WHERE id = ?', (quote_id,)).fetchone()
        if row is None:
            raise EditError([("id", f"no quote '{quote_id}'")])
        before = dict(zip(_QUOTE_KEYS, row, strict=True))
        if seen is not None:
            moved = [k for k, v in seen.items() if k in before and before[k] != v]
            if moved:
                raise StaleEdit([("quote", f"changed by someone else since you opened it ({', '.join(moved)}); "
                                           "nothing was saved: close the form to see the new version")])
        if "id" in changes and changes["id"] != quote_id:
            raise EditError([("id", "a quote's id cannot change")])
        quote = validate(Quote, {**before, **changes})
        assert isinstance(quote, Quote)
        checks = _Checks(conn)
        checks.exists("topics", "id", quote.topic, "topic", "topic")
        checks.exists("actors", "id", quote.actor, "actor", "actor")
        checks.exists("countries", "code", quote.country, "country", "country")
        checks.exists("sources", "id", quote.source, "source", "source")
        checks.span("text", quote.source, quote.start, quote.end, quote.text, "quote text")
        checks.done()
        after = quote.model_dump(exclude={"evidence"})
        assignments = ", ".join(f'"{k}" = ?' for k in after if k != "id")
        conn.execute(f"UPDATE quotes SET {assignments} WHERE id = ?",
                     [v for k, v in after.items() if k != "id"] + [quote_id])
        # The quote's own evidence follows its span.
        conn.execute("DELETE FROM evidence WHERE claim_table = 'quotes' AND claim_id = ? AND claim_field = 'quote' "
                     'AND source = ? AND start = ? AND "end" = ?',
                     (quote_id, before["source"], before["start"], before["end"]))
        own = Evidence(claim="quote", source=quote.source, start=quote.start, end=quote.end, excerpt=quote.text)
        _insert(conn, "evidence", evidence_row("quotes", quote_id, own), or_ignore=True)
        _record(conn, "update", "quotes", quote_id, before, after, note)
    return quote


def _free_id(conn: sqlite3.Connection, table: str, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70].strip("-") or "new"
    candidate, n = base, 1
    while conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def free_tile(conn: sqlite3.Connection, region: str) -> tuple[int, int]:
    """The free map cell nearest the region's tiles (any tile's, for a new region).

    Cells inside the map's present bounds come before cells that would widen it: every column or
    row added narrows all the tiles (tui/widgets/tile_map.py sizes them to the pane)."""
    rows = conn.execute("SELECT region, tile_row, tile_col FROM countries").fetchall()
    taken = {(r, c) for _, r, c in rows}
    if not taken:
        return 0, 0
    near = [(r, c) for reg, r, c in rows if reg == region] or sorted(taken)
    top, bottom = min(r for r, _ in taken), max(r for r, _ in taken)
    left, right = min(c for _, c in taken), max(c for _, c in taken)
    centre_r = sum(r for r, _ in near) / len(near)
    centre_c = sum(c for _, c in near) / len(near)

    def cost(cell: tuple[int, int]) -> tuple[int, int, float, int, int]:
        r, c = cell
        distance = min(abs(r - nr) + abs(c - nc) for nr, nc in near)
        outside = int(not (top <= r <= bottom and left <= c <= right))
        return distance, outside, abs(r - centre_r) + abs(c - centre_c), r, c

    cells = [(r, c) for r in range(max(0, top - 1), min(99, bottom + 1) + 1)
             for c in range(max(0, left - 1), min(99, right + 1) + 1) if (r, c) not in taken]
    if not cells:  # a full 100 x 100 map: nothing left to find
        raise EditError([("region", "the map has no free cell left")])
    return min(cells, key=cost)


def add_country(conn: sqlite3.Connection, data: dict[str, Any], note: str = "") -> Country:
    """Add a country (or a body that decides like one) on a free map cell near its region."""
    with transaction(conn):
        data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
        if isinstance(data.get("code"), str):
            data["code"] = data["code"].upper()
        if "tile_row" not in data and data.get("region"):
            data["tile_row"], data["tile_col"] = free_tile(conn, data["region"])
        try:
            country = validate(Country, data)
        except EditError as err:
            # The cell follows from the region: a missing region is the one thing to say.
            raise EditError([(f, m) for f, m in err.problems if f not in ("tile_row", "tile_col")]
                            or err.problems) from None
        assert isinstance(country, Country)
        checks = _Checks(conn)
        if conn.execute("SELECT 1 FROM countries WHERE code = ?", (country.code,)).fetchone():
            checks.problems.append(("code", f"{country.code} is already on the map"))
        named = conn.execute("SELECT code FROM countries WHERE lower(name) = lower(?)", (country.name,)).fetchone()
        if named:
            checks.problems.append(("name", f"already on the map as {named[0]}"))
        if conn.execute("SELECT 1 FROM countries WHERE tile_row = ? AND tile_col = ?",
                        (country.tile_row, country.tile_col)).fetchone():
            checks.problems.append(("tile_row", "that map cell is taken"))
        checks.done()
        _insert(conn, "countries", country.model_dump())
        _record(conn, "insert", "countries", country.code, None, country.model_dump(), note)
    return country


def add_actor(conn: sqlite3.Connection, data: dict[str, Any], note: str = "") -> Actor:
    """Add a speaker (a person, body, company, anonymous source or document).

    Without an id, one is made from the name (a person typing a name should not have to invent a
    slug); a name already listed is refused, so the same person is not added twice."""
    with transaction(conn):
        # Blank optional fields are absent ones; a blank name stays blank, to be refused as required.
        data = {k: ((v.strip() if k == "name" else v.strip() or None) if isinstance(v, str) else v)
                for k, v in data.items()}
        if not data.get("id") and isinstance(data.get("name"), str) and data["name"].strip():
            data["id"] = _free_id(conn, "actors", data["name"])
        try:
            actor = validate(Actor, data)
        except EditError as err:
            # An id made from the name is missing only because the name is: say that once.
            made = "id" not in data or data["id"] is None
            raise EditError([(f, m) for f, m in err.problems if not (made and f == "id")] or err.problems) from None
        assert isinstance(actor, Actor)
        checks = _Checks(conn)
        checks.new_id("actors", actor.id)
        checks.exists("countries", "code", actor.country, "country", "country")
        named = conn.execute("SELECT id FROM actors WHERE lower(name) = lower(?)", (actor.name,)).fetchone()
        if named:
            checks.problems.append(("name", f"already listed (as '{named[0]}')"))
        checks.done()
        _insert(conn, "actors", actor.model_dump())
        _record(conn, "insert", "actors", actor.id, None, actor.model_dump(), note)
    return actor


@read_model
class Proposal:
    id: str
    source: str
    topic: str | None
    start: int
    end: int
    text: str
    speaker: str | None
    cue: str | None
    # The evidence of the attribution: the cue's span in the source (to mark it with the quotation), the
    # finder's confidence (0..1) and why it chose the speaker ("named after the quote", ...).
    cue_start: int | None
    cue_end: int | None
    confidence: float | None
    reason: str | None


def open_proposals(conn: sqlite3.Connection, limit: int = 200) -> list[Proposal]:
    """Proposed quotations waiting for review, the surest first (then by source and position), so that a
    reviewer works through the likely ones quickly and spends attention where the finder was unsure."""
    keys = ("id", "source", "topic", "start", "end", "text", "speaker", "cue", "cue_start", "cue_end",
            "confidence", "reason")
    columns = ", ".join(f'"{k}"' for k in keys)
    rows = conn.execute(f"SELECT {columns} FROM proposed_quotes WHERE status = 'proposed' "
                        "ORDER BY confidence IS NULL, confidence DESC, source, start LIMIT ?", (limit,)).fetchall()
    return [Proposal(**dict(zip(keys, r, strict=True))) for r in rows]


def accept_proposal(conn: sqlite3.Connection, proposal_id: str, *, quote_id: str, actor: str,
                    country: str | None, topic: str | None = None, start: int | None = None,
                    end: int | None = None, note: str = "", new_speaker: dict[str, Any] | None = None) -> Quote:
    """Turn a proposed quotation into a quote (with its span, optionally corrected).

    `new_speaker`: an actor record to add first when `actor` is not known yet, in the same
    transaction: a refused quote leaves no orphan person (or audit row) behind."""
    with transaction(conn):
        row = conn.execute('SELECT source, topic, start, "end", status FROM proposed_quotes WHERE id = ?',
                           (proposal_id,)).fetchone()
        if row is None:
            raise EditError([("proposal", f"no proposed quote '{proposal_id}'")])
        source, proposed_topic, p_start, p_end, status = row
        if status != "proposed":
            raise EditError([("proposal", f"proposal '{proposal_id}' is already {status}")])
        start = p_start if start is None else start
        end = p_end if end is None else end
        text = conn.execute("SELECT substr(text, ?, ?) FROM sources WHERE id = ?",
                            (start + 1, max(0, end - start), source)).fetchone()[0]
        if new_speaker is not None and conn.execute("SELECT 1 FROM actors WHERE id = ?", (actor,)).fetchone() is None:
            add_actor(conn, {**new_speaker, "id": actor}, note=f"speaker of {proposal_id}")

        def mark(c: sqlite3.Connection) -> None:
            changed = c.execute("UPDATE proposed_quotes SET status = 'accepted', quote = ? "
                                "WHERE id = ? AND status = 'proposed'", (quote_id, proposal_id)).rowcount
            if not changed:
                raise EditError([("proposal", f"proposal '{proposal_id}' was reviewed meanwhile")])

        return add_quote(conn, {"id": quote_id, "topic": topic or proposed_topic, "actor": actor,
                                "country": country, "text": text, "source": source, "start": start, "end": end},
                         note=note or f"accepted {proposal_id}", also=mark)


def reject_proposal(conn: sqlite3.Connection, proposal_id: str, note: str = "") -> None:
    with transaction(conn):
        changed = conn.execute("UPDATE proposed_quotes SET status = 'rejected' WHERE id = ? AND status = 'proposed'",
                               (proposal_id,)).rowcount
        if not changed:
            raise EditError([("proposal", f"no open proposal '{proposal_id}'")])
        _record(conn, "reject", "proposed_quotes", proposal_id, None, None, note)


def history(conn: sqlite3.Connection, limit: int = 100, before_id: int | None = None) -> list[EditRecord]:
    """The newest edits first; pass the last id seen as `before_id` for the next page."""
    rows = conn.execute(
        'SELECT id, at, action, record_table, record_id, "before", "after", note FROM edits '
        "WHERE id < ? ORDER BY id DESC LIMIT ?",
        (before_id if before_id is not None else 2**62, limit),
    ).fetchall()
    keys = ("id", "at", "action", "record_table", "record_id", "before", "after", "note")
    return [EditRecord(**dict(zip(keys, r, strict=True))) for r in rows]
