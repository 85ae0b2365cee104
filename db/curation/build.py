"""Build the database from the seeds, atomically and reproducibly.

The file is written beside its destination under a temporary name and renamed over it only
when complete, so a failed build leaves any previous database untouched. Nothing that varies
between runs (time, paths, random ids) goes into the file: the same seeds give the same bytes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database
from techstance.db.curation.replacing import backup_database, work_at_risk
from techstance.db.curation.seeds import SeedSet, load_seeds
from techstance.db.store.evidence_rows import evidence_row, specifics_json
from techstance.db.store.records import Evidence
from techstance.db.store.schema import APPLICATION_ID, SCHEMA_VERSION, create_search_and_views, create_tables


class BuildError(Exception):
    """The database could not be written; the message is one line for the user."""


@dataclass(frozen=True)
class BuildReport:
    path: Path
    topics: int
    countries: int
    sources: int
    actors: int
    decisions: int
    quotes: int
    evidence: int
    proposals: int = 0  # rows of proposed_quotes and edits the seeds carried
    edits: int = 0
    backup: Path | None = None  # where --force kept the database it replaced

    def summary(self) -> str:
        def count(n: int, one: str, many: str) -> str:
            return f"{n} {one if n == 1 else many}"

        kinds = ((self.proposals, "proposed quote", "proposed quotes"),
                 (self.edits, "history entry", "history entries"))
        work = [count(n, one, many) for n, one, many in kinds if n]
        line = (
            f"built {self.path}: {count(self.decisions, 'decision', 'decisions')}, "
            f"{count(self.quotes, 'quote', 'quotes')}, {count(self.evidence, 'evidence row', 'evidence rows')}"
            + "".join(f", {w}" for w in work)
            + f" from {count(self.sources, 'source', 'sources')} "
            f"({count(self.countries, 'country', 'countries')}, {count(self.actors, 'actor', 'actors')}, "
            f"{count(self.topics, 'topic', 'topics')})"
        )
        if self.backup is not None:
            line += f"; the database it replaced was kept as {self.backup}"
        return line


def write_seeds(db: Database, seeds: SeedSet) -> int:
    """Insert every record; returns the number of evidence rows."""
    db.table("topics").insert_all(t.model_dump() for t in seeds.topics)
    db.table("countries").insert_all(c.model_dump() for c in seeds.countries)
    db.table("sources").insert_all(
        {
            "id": s.id, "outlet": s.outlet, "title": s.title, "published": s.published,
            "date_precision": s.date_precision, "date_inferred": int(s.date_inferred),
            "seed_file": s.seed_file, "text": seeds.texts[s.id], "sha256": s.sha256,
            "notes": s.notes, "quality": s.quality,
        }
        for s in seeds.sources
    )
    db.table("actors").insert_all(a.model_dump() for a in seeds.actors)
    evidence: list[dict[str, object]] = []
    decisions = []
    for d in seeds.decisions:
        row = d.model_dump(exclude={"evidence"})
        row["date_inferred"] = int(d.date_inferred)
        row["conditions"] = json.dumps(d.conditions, ensure_ascii=False)
        row["specifics"] = specifics_json(d.specifics)
        decisions.append(row)
        evidence += [evidence_row("decisions", d.id, e) for e in d.evidence]
    db.table("decisions").insert_all(decisions)
    quotes = []
    for q in seeds.quotes:
        quotes.append(q.model_dump(exclude={"evidence"}))
        own = Evidence(claim="quote", source=q.source, start=q.start, end=q.end, excerpt=q.text)
        evidence.append(evidence_row("quotes", q.id, own))
        evidence += [evidence_row("quotes", q.id, e) for e in q.evidence]
    db.table("quotes").insert_all(quotes)
    db.table("evidence").insert_all(evidence)
    db.table("meta").insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "seeds_sha256", "value": seeds.digest},
        ]
    )
    return len(evidence)


def write_work(db: Database, seeds: SeedSet) -> None:
    """Proposals waiting for review and the edit history, as exported with the seeds. The history is
    numbered in time order (ties in the order of the file), so logs merged from two analysts interleave."""
    db.table("proposed_quotes").insert_all(p.model_dump() for p in seeds.proposals)
    history = sorted(seeds.history, key=lambda e: e.at)
    db.table("edits").insert_all({"id": n, **e.model_dump()} for n, e in enumerate(history, 1))


class WouldLoseError(BuildError):
    """The database holds work the seeds do not carry; nothing was written."""


def _refuse_if_work_is_lost(db_path: Path, seeds: SeedSet) -> None:
    try:
        at_risk = work_at_risk(db_path, seeds)
    except sqlite3.Error as err:
        raise BuildError(f"cannot tell whether {db_path} holds edits ({err}); "
                         "--force replaces it and keeps a backup") from None
    if at_risk:
        raise WouldLoseError(
            f"{db_path} holds {at_risk} that these seeds do not have; not replaced "
            f"(`techstance export-seeds --db {db_path} DIR` keeps them; --force rebuilds and keeps a backup)"
        )


def _backup(db_path: Path) -> Path:
    try:
        return backup_database(db_path)
    except OSError as err:
        raise BuildError(f"cannot back up {db_path} beside it: {err.strerror or err}") from None
    except sqlite3.Error as err:
        raise BuildError(f"cannot back up {db_path} beside it: {err}") from None


# meta `seeds_origin`: built from techstance's bundled seeds, or from anyone else's.
ORIGIN_KEY, ORIGIN_BUNDLED, ORIGIN_OTHER = "seeds_origin", "bundled", "other"


def build_database(seed_dir: Path, db_path: Path, *, bundled: bool = False, force: bool = False) -> BuildReport:
    """Validate the seeds and replace `db_path` with a fresh database built from them.

    A database holding edits or pending proposals that the seeds do not carry is not replaced
    (WouldLoseError, one line with the counts); with `force` it is, after a backup beside it
    (BuildReport.backup; --force backs up whatever file it replaces).

    `bundled` says the seeds are techstance's own: meta `seeds_origin` records it, and only such
    a database is ever rebuilt from newer bundled seeds (techstance.db.curation.default_db.refresh_default_database).

    Raises SeedError (from load_seeds) when the seeds are invalid, BuildError when the file
    cannot be written. In both cases an existing file at `db_path` is left as it was.
    """
    seeds = load_seeds(seed_dir)
    db_path = Path(db_path)
    if db_path.is_dir():
        raise BuildError(f"{db_path} is a directory, not a database file")
    if db_path.exists() and not force:
        _refuse_if_work_is_lost(db_path, seeds)
    folder = db_path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".building", dir=folder)
        os.close(fd)
        # mkstemp makes the file private; a database is an ordinary file for its readers.
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp_name, 0o666 & ~mask)
    except OSError as err:
        raise BuildError(f"cannot write in {folder}: {err.strerror or err}") from None
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db = Database(conn)
            with conn:
                create_tables(db)
                evidence_count = write_seeds(db, seeds)
                write_work(db, seeds)
                db.table("meta").insert({"key": ORIGIN_KEY, "value": ORIGIN_BUNDLED if bundled else ORIGIN_OTHER})
                create_search_and_views(db)
            conn.execute("VACUUM")
        finally:
            conn.close()
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        backup = None
        if db_path.exists():
            if force:
                backup = _backup(db_path)
            else:
                _refuse_if_work_is_lost(db_path, seeds)  # again: an edit may have been made meanwhile
        os.replace(tmp, db_path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise BuildError(f"cannot write {db_path}: {err.strerror or err}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(
        path=db_path,
        topics=len(seeds.topics),
        countries=len(seeds.countries),
        sources=len(seeds.sources),
        actors=len(seeds.actors),
        decisions=len(seeds.decisions),
        quotes=len(seeds.quotes),
        evidence=evidence_count,
        proposals=len(seeds.proposals),
        edits=len(seeds.history),
        backup=backup,
    )
