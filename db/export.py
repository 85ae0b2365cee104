"""Export: the current positions of one topic as CSV, JSON or a markdown table, and the whole
database back out as seed files that rebuild into the same data.

Reads only; never imports the UI. Every query has an ORDER BY, so the same database always gives
the same output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from db.schema import LATEST_FIRST
from db.seeds import SOURCES_DIR
from db.toml_writer import dumps

Format = Literal["csv", "json", "markdown"]
FORMATS: tuple[str, ...] = ("csv", "json", "markdown")

UNKNOWN_OUTLET = "unknown outlet"
UNKNOWN_DATE = "date unknown"

# The date an event is ordered by (db/schema.py LATEST_FIRST without its direction and tie-break):
# its own date, or for an undated event the earliest published date of a source supporting it.
# Partial dates compare as their start as plain strings: "2019-05" <= "2019-05-01" <= "2019-05-31".
ORDERED_ON = """COALESCE(d.date, (
                SELECT MIN(s.published) FROM evidence e JOIN sources s ON s.id = e.source
                WHERE e.claim_table = 'decisions' AND e.claim_id = d.id AND e.role = 'supports'
            ))"""

_POSITIONS_SQL = f"""
WITH ranked AS (
    SELECT d.id, d.topic, d.country, d.stance, d.status, d.date, d.date_precision, d.date_inferred,
           d.summary, d.conditions,
           ROW_NUMBER() OVER (PARTITION BY d.country ORDER BY {LATEST_FIRST}) AS rank
    FROM decisions d
    WHERE d.topic = :topic AND (:as_of IS NULL OR {ORDERED_ON} <= :as_of)
)
SELECT r.id, r.topic, r.country, c.name AS country_name, r.stance, r.status, r.date, r.date_precision,
       r.date_inferred, r.summary, r.conditions,
       e.id AS e_id, e.role AS e_role, e.source AS e_source, e.start AS e_start, e."end" AS e_end,
       e.excerpt AS e_excerpt, s.outlet AS s_outlet, s.published AS s_published,
       s.date_precision AS s_date_precision, s.date_inferred AS s_date_inferred
FROM ranked r
LEFT JOIN countries c ON c.code = r.country
LEFT JOIN evidence e ON e.claim_table = 'decisions' AND e.claim_id = r.id AND e.claim_field = 'decision'
LEFT JOIN sources s ON s.id = e.source
WHERE r.rank = 1
ORDER BY COALESCE(c.name, r.country), r.country, e.role DESC, s.published IS NULL, s.published, e.source,
         e.start, e."end", e.id
"""

CSV_COLUMNS: tuple[str, ...] = (
    "topic", "country", "country_name", "decision", "stance", "status", "date", "date_precision",
    "date_inferred", "summary", "conditions", "citations",
)
MARKDOWN_COLUMNS: tuple[str, ...] = (
    "Country", "Stance", "Status", "Date", "Summary", "Conditions", "Citations",
)


@dataclass(frozen=True)
class Citation:
    """One excerpt cited for a decision claim."""

    source: str
    outlet: str | None
    published: str | None
    published_precision: str
    published_inferred: bool
    excerpt: str
    role: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "outlet": self.outlet or UNKNOWN_OUTLET,
            "published": self.published,
            "published_precision": self.published_precision,
            "published_inferred": self.published_inferred,
            "excerpt": self.excerpt,
            "role": self.role,
            "start": self.start,
            "end": self.end,
        }

    def text(self) -> str:
        """`outlet, date: "excerpt"`, prefixed with `disputes: ` when the source says otherwise."""
        when = self.published or UNKNOWN_DATE
        if self.published and self.published_inferred:
            when += " (inferred)"
        prefix = "disputes: " if self.role == "disputes" else ""
        return f'{prefix}{self.outlet or UNKNOWN_OUTLET}, {when}: "{self.excerpt}"'


@dataclass
class Position:
    """A country's current position on a topic, with the citations for the decision claim."""

    topic: str
    country: str
    country_name: str
    decision: str
    stance: str
    status: str
    date: str | None
    date_precision: str
    date_inferred: bool
    summary: str
    conditions: list[str]
    citations: list[Citation] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "country": self.country,
            "country_name": self.country_name,
            "decision": self.decision,
            "stance": self.stance,
            "status": self.status,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_inferred": self.date_inferred,
            "summary": self.summary,
            "conditions": list(self.conditions),
            "citations": [c.as_dict() for c in self.citations],
        }

    def date_text(self) -> str:
        """`2020-01-28 (day, inferred)`, `2019-05 (month)`, or `unknown`."""
        if self.date is None:
            return "unknown"
        notes = [self.date_precision] + (["inferred"] if self.date_inferred else [])
        return f"{self.date} ({', '.join(notes)})"


def _cursor(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor returning sqlite3.Row, without changing the caller's connection."""
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    return cur


def _conditions(decision_id: str, raw: str) -> list[str]:
    try:
        value = json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"decision '{decision_id}': conditions is not a JSON list of strings: {raw!r}")
    return value


def _check_as_of(as_of: str | None) -> None:
    if as_of is None:
        return
    if not isinstance(as_of, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        raise ValueError(f"as_of must be a date written YYYY-MM-DD, not {as_of!r}")
    try:
        dt.date.fromisoformat(as_of)
    except ValueError:
        raise ValueError(f"as_of {as_of!r} is not a real date") from None


def _resolve_topic(conn: sqlite3.Connection, topic: str | None) -> str:
    if topic is None:
        row = _cursor(conn).execute("SELECT id FROM topics ORDER BY id LIMIT 1").fetchone()
        if row is None:
            raise ValueError("the database has no topics")
        return str(row["id"])
    if _cursor(conn).execute("SELECT 1 FROM topics WHERE id = ? ORDER BY id LIMIT 1", (topic,)).fetchone() is None:
        raise ValueError(f"unknown topic '{topic}'")
    return topic


def current_positions(conn: sqlite3.Connection, topic: str | None = None,
                      as_of: str | None = None) -> list[Position]:
    """The positions export_positions writes out, ordered by country name then code."""
    _check_as_of(as_of)
    topic = _resolve_topic(conn, topic)
    positions: list[Position] = []
    by_id: dict[str, Position] = {}
    for r in _cursor(conn).execute(_POSITIONS_SQL, {"topic": topic, "as_of": as_of}):
        position = by_id.get(r["id"])
        if position is None:
            position = Position(
                topic=r["topic"], country=r["country"], country_name=r["country_name"] or r["country"],
                decision=r["id"], stance=r["stance"], status=r["status"], date=r["date"],
                date_precision=r["date_precision"], date_inferred=bool(r["date_inferred"]),
                summary=r["summary"], conditions=_conditions(r["id"], r["conditions"]),
            )
            by_id[r["id"]] = position
            positions.append(position)
        if r["e_id"] is not None:
            position.citations.append(Citation(
                source=r["e_source"], outlet=r["s_outlet"], published=r["s_published"],
                published_precision=r["s_date_precision"] or "unknown",
                published_inferred=bool(r["s_date_inferred"]), excerpt=r["e_excerpt"], role=r["e_role"],
                start=r["e_start"], end=r["e_end"],
            ))
    return positions


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def markdown_cell(text: str) -> str:
    """Text made safe for one cell of a markdown table: `|` escaped, line breaks as `<br>`.
    Everything else (markup characters included) is left exactly as it is."""
    return _LINE_BREAK.sub("<br>", text.replace("|", "\\|"))


def _markdown(positions: list[Position]) -> str:
    lines = ["| " + " | ".join(MARKDOWN_COLUMNS) + " |", "|" + " --- |" * len(MARKDOWN_COLUMNS)]
    for p in positions:
        cells = [
            f"{p.country_name} ({p.country})", p.stance, p.status, p.date_text(), p.summary,
            "<br>".join(markdown_cell(c) for c in p.conditions),
            "<br>".join(markdown_cell(c.text()) for c in p.citations),
        ]
        escaped = [markdown_cell(c) for c in cells[:5]] + cells[5:]
        lines.append("| " + " | ".join(escaped) + " |")
    return "\n".join(lines) + "\n"


def _csv(positions: list[Position]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in positions:
        writer.writerow([
            p.topic, p.country, p.country_name, p.decision, p.stance, p.status, p.date or "",
            p.date_precision, "true" if p.date_inferred else "false", p.summary,
            "\n".join(p.conditions), "\n".join(c.text() for c in p.citations),
        ])
    return out.getvalue()


def export_positions(conn: sqlite3.Connection, fmt: Literal["csv", "json", "markdown"], topic: str | None = None,
                     as_of: str | None = None) -> str:
    """The current positions (one row per country with a decision on the topic; default topic: the first by id)
    with stance, status, date (and precision, 'inferred' when inferred), summary, conditions, and citations
    (outlet or 'unknown outlet', source date, excerpt) for the decision claim; `as_of` (YYYY-MM-DD) gives the
    positions as they stood on that date: only events whose ordering date (see db/schema.py LATEST_FIRST: the
    event's date, or for an undated event the earliest published date of a source supporting it) is on or before
    it; partial dates compare as their start (2019-05 is on or before 2019-05-31). Markdown is a table ready for a
    report (escape | and newlines in cells; text from sources is emitted literally otherwise); CSV via the csv
    module with a header row; JSON a list of objects, deterministic key order, ensure_ascii=False.

    Rows are ordered by country name, then code; citations supporting the claim come before those disputing
    it (prefixed `disputes: ` in CSV and markdown, `"role": "disputes"` in JSON). An event with no ordering
    date (undated, and no dated source supports it) stands in the positions without `as_of`, but on no date.
    In CSV, conditions and citations are one per line within their cell; in markdown, one per `<br>`.
    Raises ValueError (one line) for an unknown format or topic, a malformed `as_of`, or a database without
    topics.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    positions = current_positions(conn, topic, as_of)
    if fmt == "json":
        return json.dumps([p.as_dict() for p in positions], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(positions)
    return _markdown(positions)


# ---------------------------------------------------------------------------------------------
# Seeds

_SEED_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.txt$")  # as db.models.Source.seed_file
_HEADER = ("Exported from a techstance database. Spans are [start, end) in characters (code points) of the\n"
           "source text decoded as UTF-8; `techstance check` validates every file.")
_HEADERS = {
    "topics.toml": _HEADER,
    "countries.toml": _HEADER + "\nCountries and bodies that take decisions, with their place on the tile map.",
    "sources.toml": _HEADER + "\nSource articles: metadata of the verbatim texts in sources/.",
    "actors.toml": _HEADER + "\nWho speaks or decides: kind is person, body, company, anonymous or document.",
    "decisions.toml": _HEADER + "\nclaim is 'decision', 'date' or 'condition:N'; role is 'supports' or 'disputes'.",
    "quotes.toml": _HEADER + "\nA quote's own span is its first evidence; [[quote.evidence]] adds corroboration.",
}


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read every table in one transaction, so a concurrent writer cannot tear the export."""
    started = not conn.in_transaction
    if started:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if started and conn.in_transaction:
            conn.rollback()


def _check_target(folder: Path) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ValueError(f"{folder} is not a folder; export needs a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty; export needs a new or empty folder")


def _file_names(conn: sqlite3.Connection) -> dict[str, str]:
    """source id -> file name under sources/: its seed_file when it has a usable, unused one,
    else one derived from its id (imported sources have none), never clashing with another."""
    query = "SELECT id, seed_file FROM sources ORDER BY rowid"
    rows = [(r["id"], r["seed_file"]) for r in _cursor(conn).execute(query)]
    reserved = {f.casefold() for _, f in rows if f is not None and _SEED_FILE.match(f)}
    used: set[str] = set()
    names: dict[str, str] = {}
    for source_id, seed_file in rows:
        name = seed_file if seed_file is not None and _SEED_FILE.match(seed_file) else None
        if name is None or name.casefold() in used:
            base = re.sub(r"[^A-Za-z0-9_.-]+", "-", source_id).strip("-.") or "source"
            name, n = f"{base}.txt", 1
            while name.casefold() in used or name.casefold() in reserved:
                n += 1
                name = f"{base}-{n}.txt"
        used.add(name.casefold())
        names[source_id] = name
    return names


def _evidence_record(r: sqlite3.Row) -> dict[str, Any]:
    return {"claim": r["claim_field"], "source": r["source"], "start": r["start"], "end": r["end"],
            "excerpt": r["excerpt"], "role": r["role"]}


def _write_seeds(conn: sqlite3.Connection, folder: Path) -> dict[str, int]:
    cur = _cursor(conn)
    tables: dict[str, tuple[str, list[dict[str, Any]]]] = {}

    tables["topics.toml"] = ("topic", [
        {"id": r["id"], "title": r["title"], "description": r["description"]}
        for r in cur.execute("SELECT id, title, description FROM topics ORDER BY rowid")
    ])
    tables["countries.toml"] = ("country", [
        {"code": r["code"], "name": r["name"], "region": r["region"], "tile_row": r["tile_row"],
         "tile_col": r["tile_col"]}
        for r in cur.execute("SELECT code, name, region, tile_row, tile_col FROM countries ORDER BY rowid")
    ])

    names = _file_names(conn)
    (folder / SOURCES_DIR).mkdir()
    sources = []
    for r in cur.execute(
        "SELECT id, outlet, title, published, date_precision, date_inferred, text, sha256, notes "
        "FROM sources ORDER BY rowid"
    ):
        # The text byte for byte; sha256 as stored: if it no longer matches the text, the build says so.
        (folder / SOURCES_DIR / names[r["id"]]).write_bytes(r["text"].encode("utf-8"))
        sources.append({
            "id": r["id"], "seed_file": names[r["id"]], "outlet": r["outlet"], "title": r["title"],
            "published": r["published"], "date_precision": r["date_precision"],
            "date_inferred": bool(r["date_inferred"]), "notes": r["notes"], "sha256": r["sha256"],
        })
    tables["sources.toml"] = ("source", sources)

    tables["actors.toml"] = ("actor", [
        {"id": r["id"], "name": r["name"], "kind": r["kind"], "role": r["role"],
         "affiliation": r["affiliation"], "country": r["country"]}
        for r in cur.execute("SELECT id, name, kind, role, affiliation, country FROM actors ORDER BY rowid")
    ])

    evidence: dict[tuple[str, str], list[sqlite3.Row]] = {}
    for r in cur.execute(
        'SELECT claim_table, claim_id, claim_field, source, start, "end", excerpt, role FROM evidence '
        "WHERE claim_table IN ('decisions', 'quotes') ORDER BY rowid"
    ):
        evidence.setdefault((r["claim_table"], r["claim_id"]), []).append(r)
    total_evidence = cur.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
    exported = 0  # rows of this database's evidence table that the seeds hold
    added = 0  # quotes' own spans that this database lacks, which a build adds

    decisions = []
    for r in cur.execute(
        "SELECT id, topic, country, stance, status, date, date_precision, date_inferred, summary, conditions "
        "FROM decisions ORDER BY rowid"
    ):
        record: dict[str, Any] = {
            "id": r["id"], "topic": r["topic"], "country": r["country"], "stance": r["stance"],
            "status": r["status"], "date": r["date"], "date_precision": r["date_precision"],
        }
        if r["date"] is not None or r["date_inferred"]:
            record["date_inferred"] = bool(r["date_inferred"])
        record["summary"] = r["summary"]
        conditions = _conditions(r["id"], r["conditions"])
        if conditions:
            record["conditions"] = conditions
        items = evidence.pop(("decisions", r["id"]), [])
        record["evidence"] = [_evidence_record(e) for e in items]
        exported += len(items)
        decisions.append(record)
    tables["decisions.toml"] = ("decision", decisions)

    quotes = []
    for r in cur.execute(
        'SELECT id, topic, actor, country, text, said_on, said_on_precision, source, start, "end" '
        "FROM quotes ORDER BY rowid"
    ):
        record = {"id": r["id"], "topic": r["topic"], "actor": r["actor"], "country": r["country"],
                  "text": r["text"], "said_on": r["said_on"]}
        if r["said_on"] is not None or r["said_on_precision"] != "unknown":
            record["said_on_precision"] = r["said_on_precision"]
        record.update(source=r["source"], start=r["start"], end=r["end"])
        own = ("quote", r["source"], r["start"], r["end"], "supports")
        extra = []
        for e in evidence.pop(("quotes", r["id"]), []):
            exported += 1
            if own is not None and (e["claim_field"], e["source"], e["start"], e["end"], e["role"]) == own:
                own = None  # the quote's own span: written as its fields, added back by the build
                continue
            extra.append(_evidence_record(e))
        added += own is not None
        record["evidence"] = extra
        quotes.append(record)
    tables["quotes.toml"] = ("quote", quotes)

    for name, (kind, records) in tables.items():
        (folder / name).write_text(dumps({kind: records}, header=_HEADERS[name]), encoding="utf-8", newline="\n")
    counts = {name.removesuffix(".toml"): len(records) for name, (_, records) in tables.items()}
    counts["evidence"] = exported + added
    counts["skipped_evidence"] = total_evidence - exported
    return counts


def export_seeds(conn: sqlite3.Connection, folder: Path) -> dict[str, int]:
    """Write the database back out as seed files (topics.toml, countries.toml, sources.toml, actors.toml,
    decisions.toml, quotes.toml and sources/<seed_file> with each source's text byte for byte, encoded UTF-8)
    that `db.build.build_database(folder, path)` turns into the same data. Use db.toml_writer.dumps and the same
    record layout as the bundled seeds (look at seeds/*.toml): decision evidence as [[decision.evidence]] with
    claim/source/start/end/excerpt/role; a quote's own span is its fields, and its extra evidence rows (claim
    'quote' or 'said_on' other than its own span) as [[quote.evidence]]. Sources without seed_file (imported
    ones) get a file name derived from their id. Records in a stable order (the tables' rowid order). The folder
    must not exist or be empty; refuse otherwise (ValueError with a one-line message). Returns counts per kind.

    The counts are topics, countries, sources, actors, decisions, quotes; evidence (the evidence rows the
    seeds hold, each quote's own span included: what a build of them reports); skipped_evidence (rows that
    belong to no decision or quote, which seeds cannot hold). Everything is written into a temporary folder
    beside `folder` and moved into place only when complete. A source's sha256 is written as stored: when it
    no longer matches the text, building the export reports it (the spans need checking) rather than this
    hiding it. The database is only read, in one transaction.
    """
    folder = Path(folder)
    _check_target(folder)
    folder.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".exporting", dir=folder.absolute().parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes the folder private; seeds are ordinary files
        with _snapshot(conn):
            counts = _write_seeds(conn, tmp)
        _check_target(folder)  # nothing appeared there meanwhile
        if folder.is_dir():
            folder.rmdir()
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts
