"""Export the whole database back out as seed files that `techstance build` turns into the same
data. Reads only, in one transaction; every query has an ORDER BY, so the same database always
gives the same files."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from techstance.db.curation.seeds import SEED_FILES, SOURCES_DIR, WORK_DIRS
from techstance.db.curation.toml_writer import dumps
from techstance.db.curation.work_records import EditEntry, ProposalRecord
from techstance.db.store.records import Actor, Country, Decision, Quote, Source, Topic
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
    "proposals": _HEADER + "\nQuotations found in one imported article; status is proposed, accepted or rejected.",
    "history": _HEADER + "\nThe changes made in one second (UTC), in order; before and after are the rows as JSON.",
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


def _foreign(folder: Path) -> str | None:
    """The first entry of `folder` that an export does not write (a --replace would delete it), or None."""
    inside = {SOURCES_DIR: ".txt", **{name: ".toml" for name in WORK_DIRS}}
    for entry in sorted(folder.iterdir()):
        if entry.name in SEED_FILES and entry.is_file() and not entry.is_symlink():
            continue
        if entry.name in inside and entry.is_dir() and not entry.is_symlink():
            odd = [p for p in sorted(entry.iterdir())
                   if p.is_symlink() or not p.is_file() or not p.name.endswith(inside[entry.name])]
            if not odd:
                continue
            entry = odd[0]
        return entry.relative_to(folder).as_posix()
    return None


def _check_target(folder: Path, replace: bool = False) -> None:
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ValueError(f"{folder} is not a folder; export needs a new or empty folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not replace:
            raise ValueError(f"{folder} is not empty; export needs a new or empty folder "
                             "(--replace replaces an earlier export)")
        foreign = _foreign(folder)
        if foreign is not None:
            raise ValueError(f"{folder} holds {foreign}, which an export does not write; "
                             "--replace only replaces an earlier export")


def _file_names(conn: sqlite3.Connection) -> dict[str, str]:
    """source id -> file name under sources/: its seed_file when it has a usable, unused one,
    else one derived from its id (imported sources have none), never clashing with another."""
    query = "SELECT id, seed_file FROM sources ORDER BY id"
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


def _claim_order(claim: str) -> tuple[int, int, str]:
    """Evidence in the order a curator reads a record: the event, its date, its conditions by number."""
    kind, _, number = claim.partition(":")
    rank = {"decision": 0, "quote": 0, "date": 1, "said_on": 1, "condition": 2}.get(kind, 3)
    return (rank, int(number) if number.isdigit() else 0, claim)


def _evidence_key(e: sqlite3.Row) -> tuple[Any, ...]:
    return (_claim_order(e["claim_field"]), e["source"], e["start"], e["end"], e["role"], e["excerpt"])


def _evidence_record(r: sqlite3.Row) -> dict[str, Any]:
    record = {"claim": r["claim_field"], "source": r["source"], "start": r["start"], "end": r["end"],
              "excerpt": r["excerpt"], "role": r["role"]}
    if r["date_rule"] is not None:
        record["date_rule"] = r["date_rule"]
    return record


class CannotCarry(ValueError):  # noqa: N818 - read as "export_seeds: cannot carry ..."
    """The database holds something seed files cannot hold; nothing was written."""


# Each table's seed model: a column is carried when it is a field of its model (a schema change that
# adds a field to both travels without touching this module); any other column would be lost, so the
# export refuses it. Evidence rows are nested in their records, with fields renamed.
MODELS: dict[str, type[BaseModel]] = {
    "topics": Topic, "countries": Country, "sources": Source, "actors": Actor, "decisions": Decision,
    "quotes": Quote, "proposed_quotes": ProposalRecord, "edits": EditEntry,
}
NOT_FIELDS = {"sources": {"text"}, "edits": {"id"}}  # the text is its file; the history is renumbered
EVIDENCE_COLUMNS = {"id", "claim_table", "claim_id", "claim_field", "source", "start", "end", "excerpt", "role",
                    "date_rule"}
# Fields written the curated way, which leaves some out when they say nothing (no conditions, an
# unknown date's precision): never added back as "other fields".
CURATED_FIELDS = {
    "decisions": {"date_inferred", "conditions"},
    "quotes": {"said_on_precision"},
}
# meta rows a build writes itself (schema version, digest of the seeds, where they came from).
REGENERATED_META = {"schema_version", "seeds_sha256", "seeds_origin"}


def _carried(table: str) -> set[str]:
    if table == "evidence":
        return EVIDENCE_COLUMNS
    return set(MODELS[table].model_fields) | NOT_FIELDS.get(table, set())


def _seed_value(model: type[BaseModel], column: str, value: Any) -> Any:
    """A column's value as its seed field holds it: SQLite keeps booleans as 0/1 and lists as JSON."""
    annotation = model.model_fields[column].annotation
    if annotation is bool and isinstance(value, int):
        return bool(value)
    if typing.get_origin(annotation) in (list, dict) and isinstance(value, str):
        return json.loads(value)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and isinstance(value, str) and \
            any(typing.get_origin(arg) in (list, dict) for arg in typing.get_args(annotation)):
        return json.loads(value)  # an optional list or mapping, kept as JSON text
    return value


def _with_other_fields(record: dict[str, Any], row: sqlite3.Row, table: str) -> dict[str, Any]:
    """`record` (the fields written the curated way) plus every other field of the row's seed model
    that has a value, before the nested evidence."""
    model = MODELS[table]
    nested = record.pop("evidence", None)
    for column in row.keys():  # noqa: SIM118 - a Row iterates over its values, not its keys
        if column in record or column in CURATED_FIELDS.get(table, ()) or column == "evidence":
            continue
        if column not in model.model_fields or row[column] is None:
            continue
        value = _seed_value(model, column, row[column])
        default = model.model_fields[column].get_default(call_default_factory=True)
        if value == default and not model.model_fields[column].is_required():
            continue  # as a curator writes it: a field at its default is left out (quality 'original', ...)
        record[column] = value
    if nested is not None:
        record["evidence"] = nested
    return record


def _uncarried(conn: sqlite3.Connection) -> list[str]:
    """Everything in the database that seed files cannot hold, one phrase each."""
    cur = _cursor(conn)
    lost: list[str] = []
    tables = [r["name"] for r in cur.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    search = tuple(f"{t}_fts" for t in MODELS)  # full-text indexes: rebuilt from the rows
    for table in tables:
        if table.startswith(search):
            continue
        if table not in MODELS and table not in ("evidence", "meta"):
            lost.append(f"table '{table}'")
            continue
        if table == "meta":
            continue
        columns = [r["name"] for r in cur.execute(f"PRAGMA table_info([{table}])")]
        lost += [f"column {table}.{c}" for c in columns if c not in _carried(table)]
    if "meta" in tables:
        keys = [r["key"] for r in cur.execute("SELECT key FROM meta ORDER BY key")]
        lost += [f"meta '{k}'" for k in keys if k not in REGENERATED_META]
    orphans = cur.execute(
        "SELECT COUNT(*) AS n, MIN(e.id) AS first FROM evidence e WHERE NOT ("
        "(e.claim_table = 'decisions' AND EXISTS (SELECT 1 FROM decisions d WHERE d.id = e.claim_id)) OR "
        "(e.claim_table = 'quotes' AND EXISTS (SELECT 1 FROM quotes q WHERE q.id = e.claim_id)))"
    ).fetchone()
    if orphans["n"]:
        lost.append(f"{orphans['n']} evidence row{'s' if orphans['n'] != 1 else ''} of no decision or quote "
                    f"(e.g. '{orphans['first']}')")
    return lost


def _write_seeds(conn: sqlite3.Connection, folder: Path) -> dict[str, int]:
    cur = _cursor(conn)
    tables: dict[str, tuple[str, list[dict[str, Any]]]] = {}

    tables["topics.toml"] = ("topic", [
        _with_other_fields({"id": r["id"], "title": r["title"], "description": r["description"]}, r, "topics")
        for r in cur.execute("SELECT * FROM topics ORDER BY id")
    ])
    tables["countries.toml"] = ("country", [
        _with_other_fields({"code": r["code"], "name": r["name"], "region": r["region"], "tile_row": r["tile_row"],
                            "tile_col": r["tile_col"]}, r, "countries")
        for r in cur.execute("SELECT * FROM countries ORDER BY code")
    ])

    names = _file_names(conn)
    (folder / SOURCES_DIR).mkdir()
    sources = []
    for r in cur.execute("SELECT * FROM sources ORDER BY id"):
        # The text byte for byte; sha256 as stored: if it no longer matches the text, the build says so.
        (folder / SOURCES_DIR / names[r["id"]]).write_bytes(r["text"].encode("utf-8"))
        sources.append(_with_other_fields({
            "id": r["id"], "seed_file": names[r["id"]], "outlet": r["outlet"], "title": r["title"],
            "published": r["published"], "date_precision": r["date_precision"],
            "date_inferred": bool(r["date_inferred"]), "notes": r["notes"], "sha256": r["sha256"],
        }, r, "sources"))
    tables["sources.toml"] = ("source", sources)

    tables["actors.toml"] = ("actor", [
        _with_other_fields({"id": r["id"], "name": r["name"], "kind": r["kind"], "role": r["role"],
                            "affiliation": r["affiliation"], "country": r["country"]}, r, "actors")
        for r in cur.execute("SELECT * FROM actors ORDER BY id")
    ])

    evidence: dict[tuple[str, str], list[sqlite3.Row]] = {}
    for r in cur.execute(
        'SELECT claim_table, claim_id, claim_field, source, start, "end", excerpt, role, date_rule FROM evidence '
        "WHERE claim_table IN ('decisions', 'quotes') ORDER BY id"
    ):
        evidence.setdefault((r["claim_table"], r["claim_id"]), []).append(r)
    for items in evidence.values():
        items.sort(key=_evidence_key)
    exported = 0  # rows of this database's evidence table that the seeds hold
    added = 0  # quotes' own spans that this database lacks, which a build adds

    decisions = []
    for r in cur.execute("SELECT * FROM decisions ORDER BY id"):
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
        decisions.append(_with_other_fields(record, r, "decisions"))
    tables["decisions.toml"] = ("decision", decisions)

    quotes = []
    for r in cur.execute("SELECT * FROM quotes ORDER BY id"):
        record = {"id": r["id"], "topic": r["topic"], "actor": r["actor"], "country": r["country"],
                  "text": r["text"], "said_on": r["said_on"]}
        if r["said_on"] is not None or r["said_on_precision"] != "unknown":
            record["said_on_precision"] = r["said_on_precision"]
        record.update(source=r["source"], start=r["start"], end=r["end"])
        own: tuple[Any, ...] | None = ("quote", r["source"], r["start"], r["end"], "supports")
        extra = []
        for e in evidence.pop(("quotes", r["id"]), []):
            exported += 1
            if own is not None and (e["claim_field"], e["source"], e["start"], e["end"], e["role"]) == own:
                own = None  # the quote's own span: written as its fields, added back by the build
                continue
            extra.append(_evidence_record(e))
        added += own is not None
        record["evidence"] = extra
        quotes.append(_with_other_fields(record, r, "quotes"))
    tables["quotes.toml"] = ("quote", quotes)

    for name, (kind, records) in tables.items():
        (folder / name).write_text(dumps({kind: records}, header=_HEADERS[name]), encoding="utf-8", newline="\n")
    counts = {name.removesuffix(".toml"): len(records) for name, (_, records) in tables.items()}
    counts["evidence"] = exported + added
    counts["proposals"] = _write_work(folder, "proposals", "proposal", _by_file(
        cur.execute("SELECT * FROM proposed_quotes ORDER BY source, id"), "proposed_quotes",
        lambda r: str(r["source"])))
    # The log in the order it was written; its numbers are not kept (a build numbers it in time order).
    counts["history"] = _write_work(folder, "history", "edit", _by_file(
        cur.execute("SELECT * FROM edits ORDER BY id"), "edits", lambda r: _second(r["at"])), content_named=True)
    return counts


def _by_file(rows: Iterable[sqlite3.Row], table: str,
             name: Callable[[sqlite3.Row], str]) -> dict[str, list[dict[str, Any]]]:
    """Rows as records of their seed model (every field, in the model's order), grouped by file."""
    model = MODELS[table]
    files: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        record = {f: _seed_value(model, f, r[f]) for f in model.model_fields if f in r.keys()}  # noqa: SIM118
        files.setdefault(name(r), []).append(record)
    return files


def _second(at: str) -> str:
    """The file of an edit: its second in UTC, so files sort in time order and two analysts' edits
    land in different files unless made in the very same second."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return "undated"  # the build names the entry's bad `at`
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _write_work(folder: Path, sub: str, kind: str, files: dict[str, list[dict[str, Any]]],
                *, content_named: bool = False) -> int:
    """One file per source (proposals) or per second (history): what two analysts add is new files,
    which git merges without a conflict. `content_named` adds a digest of the records to the name, so
    that edits two analysts made in the very same second still land in two files."""
    if not files:
        return 0
    (folder / sub).mkdir()
    for name, records in sorted(files.items()):
        body = dumps({kind: records})
        if content_named:
            name = f"{name}-{hashlib.sha256(body.encode()).hexdigest()[:8]}"
        text = dumps({kind: records}, header=_HEADERS[sub])
        (folder / sub / f"{name}.toml").write_text(text, encoding="utf-8", newline="\n")
    return sum(len(records) for records in files.values())


def export_seeds(conn: sqlite3.Connection, folder: Path, *, replace: bool = False) -> dict[str, int]:
    """Write the database back out as seed files that `build_database(folder, path)` turns into the same
    database: topics.toml, countries.toml, sources.toml, actors.toml, decisions.toml, quotes.toml,
    sources/<seed_file> with each source's text byte for byte (UTF-8), and the work in progress and audit
    trail: proposals/<source id>.toml (every proposed_quotes row of that source) and history/<UTC
    second>-<digest>.toml (every edits row, in the order written; the folders are left out when empty).

    Made for version control: every record sorted by its key (id; countries by code; proposals by id; the
    history in the order it was written), one record per block, nested evidence in reading order (event,
    date, conditions by number, then source and position), so the same data always gives the same bytes
    whatever order its rows were written in; new work goes into new files, so merges of two analysts'
    proposals and history do not conflict. Sources without seed_file (imported ones) get a file name
    derived from their id. A quote's own span is its fields; its other evidence rows are [[quote.evidence]].

    Regenerated by the build rather than carried (docs/curating.md): evidence ids (derived from what each row
    says), the history's numbers (time order), meta (schema version, digest of the seeds, their origin) and
    the search indexes. Every column that is a field of its table's seed model is carried (MODELS). Anything
    else seed files cannot hold (evidence of no decision or quote, an unknown table, a column that is no seed
    field, another meta key) is refused with CannotCarry (a ValueError) naming it, before anything is
    written. The folder must not exist or be empty (ValueError with a one-line message
    otherwise); with `replace` it may hold an earlier export (only files an export writes: in a git
    checkout, the previous version of these seeds), which is replaced as a whole. Everything is written
    into a temporary folder beside it and moved into place only when complete. A source's sha256 is
    written as stored: when it no longer matches the text, building the export reports it (the spans need
    checking) rather than this hiding it. The database is only read, in one transaction.

    Returns counts per file (topics ... quotes, proposals, history) and evidence: the evidence rows the
    seeds hold, each quote's own span included (what a build of them reports).
    """
    folder = Path(folder)
    _check_target(folder, replace)
    folder.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".exporting", dir=folder.absolute().parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes the folder private; seeds are ordinary files
        with _snapshot(conn):
            lost = _uncarried(conn)
            if lost:
                raise CannotCarry("cannot export what seed files cannot hold, so nothing was written: "
                                  + ", ".join(lost))
            counts = _write_seeds(conn, tmp)
        _check_target(folder, replace)  # nothing appeared there meanwhile
        old = None
        if folder.is_dir() and replace and any(folder.iterdir()):
            old = folder.absolute().parent / f".{folder.name}.{tmp.name}.replaced"
            os.replace(folder, old)  # moved aside, so the new export takes its place in one rename
        elif folder.is_dir():
            folder.rmdir()
        try:
            os.replace(tmp, folder)
        except BaseException:
            if old is not None:
                os.replace(old, folder)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return counts
