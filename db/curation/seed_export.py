"""Export the whole database back out as seed files that `techstance build` turns into the same
data. Reads only, in one transaction; every query has an ORDER BY, so the same database always
gives the same files."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from techstance.db.curation.seeds import SOURCES_DIR
from techstance.db.curation.toml_writer import dumps
from techstance.db.store.row_values import conditions_of as _conditions
from techstance.db.store.row_values import row_cursor as _cursor

_SEED_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.txt$")  # as techstance.db.store.records.Source.seed_file
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
    record = {"claim": r["claim_field"], "source": r["source"], "start": r["start"], "end": r["end"],
              "excerpt": r["excerpt"], "role": r["role"]}
    if r["date_rule"] is not None:
        record["date_rule"] = r["date_rule"]
    return record


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
        "SELECT id, outlet, title, published, date_precision, date_inferred, quality, text, sha256, notes "
        "FROM sources ORDER BY rowid"
    ):
        # The text byte for byte; sha256 as stored: if it no longer matches the text, the build says so.
        (folder / SOURCES_DIR / names[r["id"]]).write_bytes(r["text"].encode("utf-8"))
        sources.append({
            "id": r["id"], "seed_file": names[r["id"]], "outlet": r["outlet"], "title": r["title"],
            "published": r["published"], "date_precision": r["date_precision"],
            "date_inferred": bool(r["date_inferred"]),
            **({"quality": r["quality"]} if r["quality"] != "original" else {}),
            "notes": r["notes"], "sha256": r["sha256"],
        })
    tables["sources.toml"] = ("source", sources)

    tables["actors.toml"] = ("actor", [
        {"id": r["id"], "name": r["name"], "kind": r["kind"], "role": r["role"],
         "affiliation": r["affiliation"], "country": r["country"]}
        for r in cur.execute("SELECT id, name, kind, role, affiliation, country FROM actors ORDER BY rowid")
    ])

    evidence: dict[tuple[str, str], list[sqlite3.Row]] = {}
    for r in cur.execute(
        'SELECT claim_table, claim_id, claim_field, source, start, "end", excerpt, role, date_rule FROM evidence '
        "WHERE claim_table IN ('decisions', 'quotes') ORDER BY rowid"
    ):
        evidence.setdefault((r["claim_table"], r["claim_id"]), []).append(r)
    total_evidence = cur.execute("SELECT COUNT(*) FROM evidence").fetchone()[0]
    exported = 0  # rows of this database's evidence table that the seeds hold
    added = 0  # quotes' own spans that this database lacks, which a build adds

    decisions = []
    for r in cur.execute(
        "SELECT id, topic, country, kind, stance, status, date, date_precision, date_inferred, summary, conditions, "
        "specifics FROM decisions ORDER BY rowid"
    ):
        record: dict[str, Any] = {
            "id": r["id"], "topic": r["topic"], "country": r["country"], "kind": r["kind"], "stance": r["stance"],
            "status": r["status"], "date": r["date"], "date_precision": r["date_precision"],
        }
        if r["date"] is not None or r["date_inferred"]:
            record["date_inferred"] = bool(r["date_inferred"])
        record["summary"] = r["summary"]
        conditions = _conditions(r["id"], r["conditions"])
        if conditions:
            record["conditions"] = conditions
        specifics = json.loads(r["specifics"])
        if specifics:
            record["specifics"] = specifics
        items = evidence.pop(("decisions", r["id"]), [])
        record["evidence"] = [_evidence_record(e) for e in items]
        exported += len(items)
        decisions.append(record)
    tables["decisions.toml"] = ("decision", decisions)

    quotes = []
    for r in cur.execute(
        'SELECT id, topic, actor, country, text, said_on, said_on_precision, source, start, "end", attribution '
        "FROM quotes ORDER BY rowid"
    ):
        record = {"id": r["id"], "topic": r["topic"], "actor": r["actor"], "country": r["country"],
                  "text": r["text"], "said_on": r["said_on"]}
        if r["said_on"] is not None or r["said_on_precision"] != "unknown":
            record["said_on_precision"] = r["said_on_precision"]
        record.update(source=r["source"], start=r["start"], end=r["end"])
        if r["attribution"]:
            record["attribution"] = r["attribution"]
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
    that `build_database(folder, path)` turns into the same data, in the record layout of the bundled
    seeds (seeds/*.toml): decision evidence as [[decision.evidence]] with
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
