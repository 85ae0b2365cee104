"""Import articles: store each verbatim as a source and propose its quotations for review.

The same text twice is recognised by its SHA-256 and not stored again, also when two processes
import it at the same moment; but when that source has no proposals at all (a curated source, or one
whose proposals an older export lost), its quotations are proposed again, except those already made
quotes. Each file is one transaction: it is stored with all its proposals, or not at all. A file is
read only if it is a regular file, and never past its size limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from techstance.db.curation.input_file import InputFileError, decode_utf8, read_regular_file
from techstance.db.curation.quotes.finder import ProposedQuote, extract_quotes
from techstance.db.store.records import check_partial_date

MAX_BYTES = 2_000_000  # far beyond any news article; a bigger file is not an article


class ImportError_(Exception):  # noqa: N801 - ImportError is a builtin
    """One line naming the file; nothing was stored for it."""


@dataclass(frozen=True)
class ImportResult:
    path: Path
    source_id: str
    stored: bool  # False: the same text was already there
    proposals: int  # proposed now (for a text already there: proposed again)
    bom_removed: bool = False  # the file began with a byte order mark, not stored


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-") or "article"


def _read(path: Path) -> tuple[str, bool]:
    """The article's text, and whether a byte order mark was removed from its start."""
    try:
        text, bom = decode_utf8(path, read_regular_file(path, MAX_BYTES, "an article"))
    except InputFileError as err:
        raise ImportError_(str(err)) from None
    if not text.strip():
        raise ImportError_(f"{path}: the file is empty")
    return text, bom


def _known(conn: sqlite3.Connection, digest: str) -> str | None:
    row = conn.execute("SELECT id FROM sources WHERE sha256 = ? ORDER BY id LIMIT 1", (digest,)).fetchone()
    return None if row is None else str(row[0])


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _insert_proposals(conn: sqlite3.Connection, source_id: str, topic: str | None,
                      proposals: list[ProposedQuote]) -> None:
    for i, p in enumerate(proposals):
        conn.execute(
            'INSERT INTO proposed_quotes (id, source, topic, start, "end", text, speaker, speaker_start, '
            "speaker_end, cue, cue_start, cue_end, confidence, reason, status) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed')",
            (f"{source_id}-q{i + 1:03d}", source_id, topic, p.start, p.end, p.text, p.speaker,
             p.speaker_start, p.speaker_end, p.cue, p.cue_start, p.cue_end, p.confidence, p.reason),
        )


def _propose_again(conn: sqlite3.Connection, path: Path, source_id: str, text: str,
                   topic: str | None, bom: bool = False) -> ImportResult:
    """A text already stored: nothing changes when its proposals are there (reviewed or not). With none
    at all, the "already stored" check alone would make its quotations impossible ever to propose again."""
    if conn.execute("SELECT 1 FROM proposed_quotes WHERE source = ? LIMIT 1", (source_id,)).fetchone():
        return ImportResult(path, source_id, stored=False, proposals=0, bom_removed=bom)
    if topic is not None and conn.execute("SELECT 1 FROM topics WHERE id = ?", (topic,)).fetchone() is None:
        raise ImportError_(f"{path}: --topic: unknown topic '{topic}'")
    quoted = conn.execute('SELECT start, "end" FROM quotes WHERE source = ?', (source_id,)).fetchall()
    proposals = [p for p in extract_quotes(text) if not any(p.start < e and s < p.end for s, e in quoted)]
    if not proposals:
        return ImportResult(path, source_id, stored=False, proposals=0, bom_removed=bom)
    with conn:
        _insert_proposals(conn, source_id, topic, proposals)
        conn.execute(
            'INSERT INTO edits (at, action, record_table, record_id, "before", "after", note) '
            "VALUES (?, 'propose', 'sources', ?, NULL, ?, ?)",
            (_now(), source_id, json.dumps({"file": path.name, "proposals": len(proposals)}),
             f"proposed again from {path.name}"),
        )
    return ImportResult(path, source_id, stored=False, proposals=len(proposals), bom_removed=bom)


def import_article(conn: sqlite3.Connection, path: Path, *, outlet: str | None = None, title: str | None = None,
                   date: str | None = None, topic: str | None = None) -> ImportResult:
    path = Path(path)
    text, bom = _read(path)
    raw = text.encode("utf-8")
    digest = hashlib.sha256(raw).hexdigest()
    # The options first, whether or not the article is new: a typo is refused, not passed over.
    precision = "unknown"
    if date:
        precision = "day" if len(date) == 10 else "month"
        try:
            check_partial_date(date, precision)
        except ValueError as err:
            raise ImportError_(f"{path}: --date: {err}") from None
    if topic is not None and conn.execute("SELECT 1 FROM topics WHERE id = ?", (topic,)).fetchone() is None:
        raise ImportError_(f"{path}: --topic: unknown topic '{topic}'")
    known = _known(conn, digest)
    if known:
        return _propose_again(conn, path, known, text, topic, bom)
    source_id = f"{_slug(title or path.stem)}-{digest[:8]}"
    proposals = extract_quotes(text)
    now = _now()
    # Checked again under the write lock: another process importing the same text at the same
    # moment has either stored it by now (then it is "already stored") or waits for this one.
    conn.execute("BEGIN IMMEDIATE")
    known = _known(conn, digest)
    if known:
        conn.rollback()
        return _propose_again(conn, path, known, text, topic, bom)
    with conn:
        conn.execute(
            "INSERT INTO sources (id, outlet, title, published, date_precision, date_inferred, seed_file, text, "
            "sha256, notes) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            (source_id, outlet, title, date, precision, f"{source_id}.txt", text, digest,
             f"Imported from {path.name}."),
        )
        _insert_proposals(conn, source_id, topic, proposals)
        conn.execute(
            'INSERT INTO edits (at, action, record_table, record_id, "before", "after", note) '
            "VALUES (?, 'import', 'sources', ?, NULL, ?, ?)",
            (now, source_id, json.dumps({"file": path.name, "sha256": digest, "proposals": len(proposals)}),
             f"imported {path.name}"),
        )
    return ImportResult(path, source_id, stored=True, proposals=len(proposals), bom_removed=bom)
