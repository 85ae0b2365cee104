"""Load the curated seed files and check every invariant, reporting all problems at once.

Each problem is one line naming the file, the record and the field, so that a curator can fix
a whole batch in one pass: `seeds/decisions.toml: decision 'gb-2020': field 'date': ...`.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from techstance.db.curation.work_records import EditEntry, ProposalRecord
from techstance.db.store.records import Actor, Country, Decision, Evidence, FieldError, Quote, Source, Topic
from techstance.db.store.rules import decision_claim_problems, span_problem
from techstance.db.store.support import SourceDate, decision_support_problems, quote_support_problems

# file name -> (array name, model); the order is the order records are checked and built in.
SEED_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "topics.toml": ("topic", Topic),
    "countries.toml": ("country", Country),
    "sources.toml": ("source", Source),
    "actors.toml": ("actor", Actor),
    "decisions.toml": ("decision", Decision),
    "quotes.toml": ("quote", Quote),
}
# Optional folders of the work a database holds besides the curated records, written by `export-seeds`
# so that a build recreates the same database (techstance.db.curation.work_records): proposals/<source
# id>.toml and history/<UTC second>-<digest>.toml. One file per source and per second (and content):
# two analysts' additions are new files, which git merges without a conflict.
WORK_DIRS: dict[str, tuple[str, type[BaseModel]]] = {
    "proposals": ("proposal", ProposalRecord),
    "history": ("edit", EditEntry),
}
SOURCES_DIR = "sources"


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f": {self.record}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class SeedError(Exception):
    """The seeds break one or more invariants; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the seeds")


@dataclass
class SeedSet:
    topics: list[Topic] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # source id -> verbatim text
    proposals: list[ProposalRecord] = field(default_factory=list)
    history: list[EditEntry] = field(default_factory=list)  # in the order of the files
    digest: str = ""  # SHA-256 over every seed file: tells whether a database is out of date


def bundled_seeds_dir() -> Path:
    """The seeds installed with the package (works for editable and wheel installs)."""
    import techstance.seeds as seeds

    return Path(seeds.__file__).parent


def work_files(seed_dir: Path, folder: str) -> list[str]:
    """The files of one work folder (relative names, in order); none when the folder is absent."""
    return [f"{folder}/{p.name}" for p in sorted((seed_dir / folder).glob("*.toml"))]


def seeds_digest(seed_dir: Path) -> str:
    digest = hashlib.sha256()
    paths = [seed_dir / name for name in SEED_FILES]
    paths += [seed_dir / name for folder in WORK_DIRS for name in work_files(seed_dir, folder)]
    paths += sorted((seed_dir / SOURCES_DIR).glob("*.txt"))
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(seed_dir).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _display(path: Path, seed_dir: Path) -> str:
    """A file name as the curator thinks of it: relative to where the seeds live."""
    try:
        return str(Path(seed_dir.name) / path.relative_to(seed_dir))
    except ValueError:
        return str(path)


def _record_name(kind: str, raw: Any, index: int) -> str:
    key = "code" if kind == "country" else "id"
    if isinstance(raw, dict) and isinstance(raw.get(key), str) and raw[key]:
        return f"{kind} '{raw[key]}'"
    return f"{kind} #{index + 1}"


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read_toml(path: Path, shown: str, problems: list[Problem]) -> dict[str, Any] | None:
    if not path.is_file():
        problems.append(Problem(shown, "", "", "file is missing"))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        problems.append(Problem(shown, "", "", f"not UTF-8 text (bad byte at offset {err.start})"))
        return None
    # Editors on Windows add a byte order mark; it carries no meaning in TOML.
    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problems.append(Problem(shown, "", "", f"TOML syntax error: {err}"))
        return None


def _load_records(
    seed_dir: Path, name: str, problems: list[Problem], spec: tuple[str, type[BaseModel]] | None = None
) -> list[tuple[str, BaseModel]]:
    kind, model = spec or SEED_FILES[name]
    shown = _display(seed_dir / name, seed_dir)
    data = _read_toml(seed_dir / name, shown, problems)
    if data is None:
        return []
    for key in data:
        if key != kind:
            problems.append(Problem(shown, "", key, f"unknown table; expected only [[{kind}]]"))
    raws = data.get(kind, [])
    if not isinstance(raws, list):
        problems.append(Problem(shown, "", kind, f"must be an array of tables [[{kind}]]"))
        return []
    records = []
    for index, raw in enumerate(raws):
        record = _record_name(kind, raw, index)
        try:
            records.append((record, model.model_validate(raw)))
        except ValidationError as err:
            for error in err.errors():
                message = error["msg"].removeprefix("Value error, ")
                if error["type"] == "extra_forbidden":
                    message = "unknown field"
                loc = _loc(error["loc"])
                cause = error.get("ctx", {}).get("error")
                if isinstance(cause, FieldError):
                    loc = f"{loc}.{cause.field}" if loc else cause.field
                problems.append(Problem(shown, record, loc, message))
    return records


class _Checker:
    """Cross-record invariants: references resolve, spans match their sources."""

    def __init__(self, seed_dir: Path, problems: list[Problem]) -> None:
        self.seed_dir = seed_dir
        self.problems = problems
        self.texts: dict[str, str] = {}

    def file(self, name: str) -> str:
        return _display(self.seed_dir / name, self.seed_dir)

    def add(self, name: str, record: str, fld: str, message: str) -> None:
        self.problems.append(Problem(self.file(name), record, fld, message))

    def unique(self, name: str, items: list[tuple[str, BaseModel]], key: str) -> None:
        counts = Counter(getattr(model, key) for _, model in items)
        seen: set[str] = set()
        for record, model in items:
            value = getattr(model, key)
            if counts[value] > 1 and value not in seen:
                seen.add(value)
                self.add(name, record, key, f"duplicate {key} '{value}' ({counts[value]} records)")

    def load_texts(self, sources: list[tuple[str, BaseModel]]) -> None:
        for record, src in sources:
            assert isinstance(src, Source)
            path = self.seed_dir / SOURCES_DIR / src.seed_file
            if not path.is_file():
                self.add("sources.toml", record, "seed_file", f"no file {SOURCES_DIR}/{src.seed_file}")
                continue
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                self.add("sources.toml", record, "seed_file",
                         f"{src.seed_file} is not UTF-8 text (bad byte at offset {err.start})")
                continue
            actual = hashlib.sha256(raw).hexdigest()
            if actual != src.sha256:
                self.add("sources.toml", record, "sha256",
                         f"{src.seed_file} has changed since its spans were curated "
                         f"(SHA-256 is {actual[:12]}…, expected {src.sha256[:12]}…)")
                continue
            self.texts[src.id] = text

    def span(self, name: str, record: str, fld: str, source: str, start: int, end: int,
             expected: str, what: str) -> None:
        text = self.texts.get(source)
        if text is None:
            return  # the unknown or broken source is reported on its own
        problem = span_problem(text, source, start, end, expected, what)
        if problem:
            self.add(name, record, fld, problem)

    def evidence(self, name: str, record: str, prefix: str, items: list[Evidence],
                 sources: set[str]) -> None:
        seen: set[tuple[str, str, int, int, str]] = set()
        for i, item in enumerate(items):
            fld = f"{prefix}[{i}]"
            key = (item.claim, item.source, item.start, item.end, item.role)
            if key in seen:
                self.add(name, record, fld, "the same evidence is listed twice")
            seen.add(key)
            if item.source not in sources:
                self.add(name, record, f"{fld}.source", f"unknown source '{item.source}'")
                continue
            self.span(name, record, f"{fld}.excerpt", item.source, item.start, item.end,
                      item.excerpt, "excerpt")


def _load_work(seed_dir: Path, problems: list[Problem]) -> dict[str, list[tuple[str, str, BaseModel]]]:
    """folder -> (file, record, model) of every record in its files."""
    return {folder: [(name, record, model) for name in work_files(seed_dir, folder)
                     for record, model in _load_records(seed_dir, name, problems, spec)]
            for folder, spec in WORK_DIRS.items()}


def _check_proposals(check: _Checker, items: list[tuple[str, str, BaseModel]], topics: set[str], sources: set[str],
                     quotes: set[str]) -> None:
    """Proposals point at a stored source (their span is its text) and an accepted one at its quote."""
    counts = Counter(getattr(model, "id", None) for _, _, model in items)
    for name, record, proposal in items:
        assert isinstance(proposal, ProposalRecord)
        if counts[proposal.id] > 1:
            check.add(name, record, "id", f"duplicate id '{proposal.id}' ({counts[proposal.id]} records)")
        if proposal.topic is not None and proposal.topic not in topics:
            check.add(name, record, "topic", f"unknown topic '{proposal.topic}'")
        if proposal.quote is not None and proposal.quote not in quotes:
            check.add(name, record, "quote", f"unknown quote '{proposal.quote}'")
        text = check.texts.get(proposal.source)
        if text is None:
            if proposal.source not in sources:
                check.add(name, record, "source", f"unknown source '{proposal.source}'")
            continue
        check.span(name, record, "text", proposal.source, proposal.start, proposal.end, proposal.text,
                   "proposed text")
        if proposal.speaker_end is not None and proposal.speaker_end > len(text):
            check.add(name, record, "speaker_end",
                      f"speaker span ends at {proposal.speaker_end}, past the source's {len(text)} characters")


def load_seeds(seed_dir: Path) -> SeedSet:
    """Read and check every seed file; raise SeedError listing all problems found."""
    seed_dir = Path(seed_dir)
    problems: list[Problem] = []
    if not seed_dir.is_dir():
        raise SeedError([Problem(str(seed_dir), "", "", "seed directory not found")])
    loaded = {name: _load_records(seed_dir, name, problems) for name in SEED_FILES}
    work = _load_work(seed_dir, problems)
    check = _Checker(seed_dir, problems)

    check.unique("topics.toml", loaded["topics.toml"], "id")
    check.unique("countries.toml", loaded["countries.toml"], "code")
    check.unique("sources.toml", loaded["sources.toml"], "id")
    check.unique("sources.toml", loaded["sources.toml"], "seed_file")
    check.unique("actors.toml", loaded["actors.toml"], "id")
    check.unique("decisions.toml", loaded["decisions.toml"], "id")
    check.unique("quotes.toml", loaded["quotes.toml"], "id")

    tiles: dict[tuple[int, int], str] = {}
    for record, country in loaded["countries.toml"]:
        assert isinstance(country, Country)
        place = (country.tile_row, country.tile_col)
        if place in tiles:
            check.add("countries.toml", record, "tile_col",
                      f"tile ({place[0]}, {place[1]}) is already taken by {tiles[place]}")
        tiles.setdefault(place, country.code)

    topics = {m.id for _, m in loaded["topics.toml"]}  # type: ignore[attr-defined]
    countries = {m.code for _, m in loaded["countries.toml"]}  # type: ignore[attr-defined]
    sources = {m.id for _, m in loaded["sources.toml"]}  # type: ignore[attr-defined]
    actors = {m.id for _, m in loaded["actors.toml"]}  # type: ignore[attr-defined]
    check.load_texts(loaded["sources.toml"])
    dates = {m.id: SourceDate(m.published, m.date_precision, m.date_inferred)  # type: ignore[attr-defined]
             for _, m in loaded["sources.toml"]}

    for record, actor in loaded["actors.toml"]:
        assert isinstance(actor, Actor)
        if actor.country is not None and actor.country not in countries:
            check.add("actors.toml", record, "country", f"unknown country '{actor.country}'")

    for record, dec in loaded["decisions.toml"]:
        assert isinstance(dec, Decision)
        name = "decisions.toml"
        if dec.topic not in topics:
            check.add(name, record, "topic", f"unknown topic '{dec.topic}'")
        if dec.country not in countries:
            check.add(name, record, "country", f"unknown country '{dec.country}'")
        check.evidence(name, record, "evidence", dec.evidence, sources)
        for fld, message in decision_claim_problems(dec) + decision_support_problems(dec, dates):
            check.add(name, record, fld, message)

    for record, quote in loaded["quotes.toml"]:
        assert isinstance(quote, Quote)
        name = "quotes.toml"
        if quote.topic not in topics:
            check.add(name, record, "topic", f"unknown topic '{quote.topic}'")
        if quote.actor not in actors:
            check.add(name, record, "actor", f"unknown actor '{quote.actor}'")
        if quote.country is not None and quote.country not in countries:
            check.add(name, record, "country", f"unknown country '{quote.country}'")
        if quote.source not in sources:
            check.add(name, record, "source", f"unknown source '{quote.source}'")
        else:
            check.span(name, record, "text", quote.source, quote.start, quote.end, quote.text,
                       "quote text")
        check.evidence(name, record, "evidence", quote.evidence, sources)
        for fld, message in quote_support_problems(quote, dates):
            check.add(name, record, fld, message)
        claims = {e.claim for e in quote.evidence if e.role == "supports"}
        if quote.said_on is not None and "said_on" not in claims:
            check.add(name, record, "said_on",
                      f"date {quote.said_on} has no evidence (claim = 'said_on')")

    quote_ids = {m.id for _, m in loaded["quotes.toml"]}  # type: ignore[attr-defined]
    _check_proposals(check, work["proposals"], topics, sources, quote_ids)

    if problems:
        raise SeedError(problems)
    return SeedSet(
        topics=[m for _, m in loaded["topics.toml"]],  # type: ignore[misc]
        countries=[m for _, m in loaded["countries.toml"]],  # type: ignore[misc]
        sources=[m for _, m in loaded["sources.toml"]],  # type: ignore[misc]
        actors=[m for _, m in loaded["actors.toml"]],  # type: ignore[misc]
        decisions=[m for _, m in loaded["decisions.toml"]],  # type: ignore[misc]
        quotes=[m for _, m in loaded["quotes.toml"]],  # type: ignore[misc]
        texts=check.texts,
        proposals=[m for _, _, m in work["proposals"]],  # type: ignore[misc]
        history=[m for _, _, m in work["history"]],  # type: ignore[misc]
        digest=seeds_digest(seed_dir),
    )
