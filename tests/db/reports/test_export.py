"""Export: current positions as CSV, JSON and markdown (also as of a date), and the database back
out as seed files that rebuild into the same rows."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from techstance.db.curation.build import build_database
from techstance.db.curation.seed_export import export_seeds
from techstance.db.curation.seeds import SEED_FILES
from techstance.db.reports.export import CSV_COLUMNS, MARKDOWN_COLUMNS, export_positions
from techstance.db.store.evidence_rows import evidence_id
from techstance.db.store.records import Evidence

from tests.helpers import SEEDS

UK_CONDITIONS = [
    "excluded from the core",
    "a limit on the amount of its kit in a network's periphery",
    "at most 35% of the equipment in the periphery",
    "excluded from areas near military bases",
    "excluded from areas near nuclear sites",
]
# Each condition with the number of sources that state it: 35% and nuclear rest on the paraphrase alone.
UK_CONDITIONS_COUNTED = [f"{c} ({n})" for c, n in zip(UK_CONDITIONS, [
    "2 sources", "2 sources, none an original report", "1 source: machine paraphrase",
    "2 sources, none an original report", "1 source: machine paraphrase"], strict=True)]
UK_EXCERPT = "the U.K. has decided to allow Huawei to play a limited role in the advancement of their 5G networks"
UK_CITATION = f'unknown outlet [relayed report], 2020-01 (inferred): "{UK_EXCERPT}"'
# Every country with a decision on huawei-5g in the seeds (China has none; Italy and the EU only
# stated views, which are not positions).
WITH_DECISION = {"AU", "CA", "GB", "JP", "NZ", "US"}

# Primary key of every table the seeds describe, for comparing two databases row by row.
TABLE_KEYS = {
    "topics": "id", "countries": "code", "sources": "id", "actors": "id", "decisions": "id",
    "quotes": "id", "evidence": "id",
}


def _connect(path: Path, readonly: bool = True) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode={'ro' if readonly else 'rw'}", uri=True)


@pytest.fixture
def seed_conn(seed_db: Path) -> Iterator[sqlite3.Connection]:
    conn = _connect(seed_db)
    yield conn
    conn.close()


def _json(conn: sqlite3.Connection, **kwargs: Any) -> list[dict[str, Any]]:
    data = json.loads(export_positions(conn, "json", **kwargs))
    assert isinstance(data, list)
    return data


def _by_country(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    codes = [r["country"] for r in rows]
    assert len(codes) == len(set(codes)), f"a country appears twice: {codes}"
    return {r["country"]: r for r in rows}


def _md_cells(line: str) -> list[str]:
    """The cells of one markdown table row, split at unescaped pipes."""
    assert line.startswith("| ") and line.endswith(" |"), line
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def _table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = _connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall() for t, key in TABLE_KEYS.items()}
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------------
# export_positions


def test_csv_has_a_header_and_the_current_positions(seed_conn: sqlite3.Connection) -> None:
    text = export_positions(seed_conn, "csv")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    by_country = _by_country(rows)
    assert set(by_country) == WITH_DECISION
    uk = by_country["GB"]
    assert (uk["stance"], uk["status"], uk["date"], uk["date_precision"], uk["date_inferred"]) == (
        "restrict", "announced", "2020-01-28", "day", "true")
    assert uk["decision"] == "gb-2020-01-28-limited-role"
    assert uk["conditions"].split("\n") == UK_CONDITIONS_COUNTED
    assert UK_CITATION in uk["citations"].split("\n")
    nz = by_country["NZ"]
    assert (nz["stance"], nz["status"], nz["decision"]) == ("restrict", "expected", "nz-restrict-expected")
    # The 2019 source cannot dispute the 2020 expectation; the earlier reported ban is disputed by the later report.
    assert "disputes" not in nz["citations"]
    [ban] = nz["earlier_events"].split("\n")
    assert ban.startswith("undated, reported by 2019, decision: ban, reported: New Zealand reported")
    assert " — disputed by a later report: unknown outlet [relayed report], 2020-01 (inferred): " in ban


def test_json_lists_positions_with_citations(seed_conn: sqlite3.Connection) -> None:
    text = export_positions(seed_conn, "json")
    rows = json.loads(text)
    by_country = _by_country(rows)
    assert set(by_country) == WITH_DECISION
    assert [r["country_name"] for r in rows] == sorted(r["country_name"] for r in rows)
    uk = by_country["GB"]
    assert list(uk) == ["topic", "country", "country_name", "decision", "stance", "status", "date",
                        "date_precision", "date_inferred", "summary", "conditions", "condition_sources", "citations",
                        "earlier_events"]
    assert (uk["stance"], uk["status"], uk["date_inferred"]) == ("restrict", "announced", True)
    assert uk["conditions"] == UK_CONDITIONS
    assert uk["condition_sources"] == [2, 2, 1, 2, 1]
    first = uk["citations"][0]
    assert list(first) == ["source", "outlet", "quality", "published", "published_precision", "published_inferred",
                           "excerpt", "role", "start", "end"]
    assert {c["source"]: c["quality"] for c in uk["citations"]} == {
        "uk-limited-role-us-reaction": "relayed", "pompeo-relationship-not-at-risk": "original",
        "pompeo-policy-exchange-paraphrase": "paraphrase"}
    assert [e["decision"] for e in uk["earlier_events"]] == ["gb-2020-proposal", "gb-2019-proposal-postponed",
                                                             "gb-2019-non-core"]
    cited = {(c["source"], c["outlet"], c["published"], c["excerpt"], c["role"]) for c in uk["citations"]}
    assert ("uk-limited-role-us-reaction", "unknown outlet", "2020-01", UK_EXCERPT, "supports") in cited
    # Only the decision claim is cited, not the date or the conditions.
    assert len(uk["citations"]) == 3
    nz = by_country["NZ"]
    assert (nz["stance"], nz["status"]) == ("restrict", "expected")
    assert [c["role"] for c in nz["citations"]] == ["supports"]
    [ban] = nz["earlier_events"]
    assert (ban["decision"], ban["first_reported"]) == ("nz-5g-ban-reported", "2019")
    assert {(c["source"], c["published"]) for c in ban["disputes"]} == {("uk-limited-role-us-reaction", "2020-01")}
    us = by_country["US"]
    assert us["decision"] == "us-5g-ban"
    assert [(e["decision"], e["kind"]) for e in us["earlier_events"]] == [
        ("us-trade-blacklist-2019-05", "related"), ("us-federal-agencies-ban", "related")]
    # ensure_ascii=False: the curly apostrophe of a source is written as itself.
    assert "UK’s choice" in text and "\\u2019" not in text
    # Deterministic.
    assert export_positions(seed_conn, "json") == text


def test_markdown_is_a_table_with_one_row_per_country(seed_conn: sqlite3.Connection) -> None:
    lines = export_positions(seed_conn, "markdown").splitlines()
    assert _md_cells(lines[0]) == list(MARKDOWN_COLUMNS)
    assert re.fullmatch(r"\|( --- \|)+", lines[1]) and lines[1].count("---") == len(MARKDOWN_COLUMNS)
    body = lines[2:]
    assert len(body) == len(WITH_DECISION)
    cells = [_md_cells(line) for line in body]
    assert all(len(c) == len(MARKDOWN_COLUMNS) for c in cells)
    by_country = {c[0]: c for c in cells}
    uk = by_country["United Kingdom (GB)"]
    assert uk[1:4] == ["restrict", "announced", "2020-01-28 (day, inferred)"]
    assert uk[5] == "<br>".join(UK_CONDITIONS_COUNTED)
    assert UK_CITATION in uk[6].split("<br>")
    assert 'machine paraphrase' in uk[6]
    nz = by_country["New Zealand (NZ)"]
    assert nz[1:4] == ["restrict", "expected", "unknown"]
    assert "disputed by a later report" in nz[7] and "2019" in nz[7] and "2020-01" in nz[7]
    assert "2019-05 (month, inferred), related action: ban, enacted: Huawei added to the US trade blacklist" \
        in by_country["United States (US)"][7]
    assert "China (CN)" not in by_country and "Italy (IT)" not in by_country


def test_markdown_escapes_pipes_and_line_breaks_only(db: Path) -> None:
    conn = _connect(db, readonly=False)
    summary = "Core | periphery\nsplit *literally* <b>as written</b> \\ `here`"
    condition = "caps:\r\n35% | 0%"
    with conn:
        conn.execute("UPDATE decisions SET summary = ?, conditions = ? WHERE id = 'gb-2020-01-28-limited-role'",
                     (summary, json.dumps([condition])))
        # A pipe in the source's own words (same length: every span stays on its words).
        conn.execute("UPDATE sources SET text = replace(text, 'a limited role', 'a limited|role') "
                     "WHERE id = 'uk-limited-role-us-reaction'")
        conn.execute("UPDATE evidence SET excerpt = replace(excerpt, 'a limited role', 'a limited|role') "
                     "WHERE claim_table = 'decisions' "
                     "AND claim_id = 'gb-2020-01-28-limited-role' AND claim_field = 'decision' "
                     "AND source = 'uk-limited-role-us-reaction'")
    lines = export_positions(conn, "markdown").splitlines()
    conn.close()
    assert len(lines) == 2 + len(WITH_DECISION)
    uk = next(_md_cells(line) for line in lines if line.startswith("| United Kingdom"))
    assert len(uk) == len(MARKDOWN_COLUMNS)
    assert uk[4] == "Core \\| periphery<br>split *literally* <b>as written</b> \\ `here`"
    assert uk[5] == "caps:<br>35% \\| 0% (2 sources)"  # the evidence of the first condition
    assert ('unknown outlet [relayed report], 2020-01 (inferred): "the U.K. has decided to allow Huawei to play '
            'a limited\\|role in the advancement of their 5G networks"') in uk[6].split("<br>")


def test_default_topic_is_the_first_by_id(db: Path) -> None:
    conn = _connect(db, readonly=False)
    with conn:
        conn.execute("INSERT INTO topics (id, title, description) VALUES ('aaa-first', 'First', '')")
    try:
        assert _json(conn) == []
        assert export_positions(conn, "csv").splitlines() == [",".join(CSV_COLUMNS)]
        assert len(export_positions(conn, "markdown").splitlines()) == 2
        assert {r["country"] for r in _json(conn, topic="huawei-5g")} == WITH_DECISION
    finally:
        conn.close()


def test_positions_agree_with_the_current_positions_view(seed_conn: sqlite3.Connection) -> None:
    view = dict(seed_conn.execute(
        "SELECT country, decision FROM current_positions WHERE topic = 'huawei-5g' ORDER BY country").fetchall())
    assert {r["country"]: r["decision"] for r in _json(seed_conn)} == view


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"fmt": "xml"}, "unknown format"),
    ({"fmt": "csv", "topic": "no-such-topic"}, "unknown topic"),
    ({"fmt": "csv", "as_of": "2019-12"}, "YYYY-MM-DD"),
    ({"fmt": "csv", "as_of": "2019-02-30"}, "not a real date"),
])
def test_bad_arguments_are_refused(seed_conn: sqlite3.Connection, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as err:
        export_positions(seed_conn, **kwargs)
    assert "\n" not in str(err.value)


def test_as_of_gives_the_positions_as_they_stood(seed_conn: sqlite3.Connection) -> None:
    then = _by_country(_json(seed_conn, as_of="2019-12-31"))
    # Two 2019 events (year precision): the NSC decision reported in 2019 and, reported a year later,
    # the postponed final decision; ties go to the larger id, so the later account stands.
    assert then["GB"]["decision"] == "gb-2019-proposal-postponed"
    assert [e["decision"] for e in then["GB"]["earlier_events"]] == ["gb-2019-non-core"]
    # New Zealand's expected restriction is known only from a January 2020 source: in 2019 only the
    # reported ban stood.
    assert then["NZ"]["decision"] == "nz-5g-ban-reported"
    # Canada's only event is reported in January 2020: before that it is absent.
    assert "CA" not in then
    # The trade blacklist is a related action: never a position, even when it is the only dated event.
    assert then["US"]["decision"] == "us-5g-ban"
    # The January 2020 proposal, known only to the year 2020, does not count within 2020: on the 27th
    # the 2019 position still stands (db/store/positions.py: a partial date counts once its period is over).
    assert _by_country(_json(seed_conn, as_of="2020-01-27"))["GB"]["decision"] == "gb-2019-proposal-postponed"
    assert _by_country(_json(seed_conn, as_of="2020-01-28"))["GB"]["decision"] == "gb-2020-01-28-limited-role"
    # Before any event, nobody has a position.
    assert _json(seed_conn, as_of="2018-12-31") == []
    assert export_positions(seed_conn, "csv", as_of="2018-12-31").splitlines() == [",".join(CSV_COLUMNS)]


def test_as_of_counts_a_partial_date_once_its_period_is_over(seed_conn: sqlite3.Connection) -> None:
    # The 2019 events (year precision) are not placed on 2019-01-01: they count from 2019-12-31 on.
    assert "GB" not in _by_country(_json(seed_conn, as_of="2019-12-30"))
    assert _by_country(_json(seed_conn, as_of="2019-12-31"))["GB"]["decision"] == "gb-2019-proposal-postponed"
    # A month counts from its last day: Canada's restriction, reported 2020-01, from 2020-01-31.
    assert "CA" not in _by_country(_json(seed_conn, as_of="2020-01-30"))
    assert _by_country(_json(seed_conn, as_of="2020-01-31"))["CA"]["decision"] == "ca-restrict-expected"
    # Today: the same as without as_of.
    assert _json(seed_conn, as_of="2100-01-01") == _json(seed_conn)


# ------------------------------------------------------------------------------------------------
# export_seeds


def test_exported_seeds_rebuild_the_same_rows(seed_db: Path, seed_conn: sqlite3.Connection,
                                             tmp_path: Path) -> None:
    out = tmp_path / "exported"
    counts = export_seeds(seed_conn, out)
    report = build_database(out, tmp_path / "again.db")
    assert _table_rows(tmp_path / "again.db") == _table_rows(seed_db)
    assert counts == {"topics": report.topics, "countries": report.countries, "sources": report.sources,
                      "actors": report.actors, "decisions": report.decisions, "quotes": report.quotes,
                      "evidence": report.evidence, "proposals": 0, "history": 0}
    # Each source's text byte for byte, under its own file name.
    bundled = sorted(p.name for p in (SEEDS / "sources").glob("*.txt"))
    assert sorted(p.name for p in (out / "sources").iterdir()) == bundled
    for name in bundled:
        assert (out / "sources" / name).read_bytes() == (SEEDS / "sources" / name).read_bytes()
    # The bundled layout: the same records, fields and nesting; sorted by key (made for version control).
    for name in SEED_FILES:
        exported = tomllib.loads((out / name).read_text(encoding="utf-8"))
        assert _sorted_records(exported) == _sorted_records(tomllib.loads((SEEDS / name).read_text("utf-8"))), name


def _sorted_records(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    def key(record: dict[str, Any]) -> str:
        return json.dumps(record, sort_keys=True)

    return {kind: sorted(({k: sorted(v, key=key) if k == "evidence" else v for k, v in r.items()} for r in records),
                         key=key) for kind, records in data.items()}


def test_round_trip_keeps_a_decision_added_outside_the_seeds(tmp_path: Path) -> None:
    first = tmp_path / "first.db"
    build_database(SEEDS, first)
    conn = _connect(first, readonly=False)
    text = conn.execute("SELECT text FROM sources WHERE id = 'china-ambassador-urges-uk'").fetchone()[0]
    excerpt = "The risks should be taken seriously but they must not be allowed to incite fear"
    start = text.index(excerpt)
    item = Evidence(claim="decision", source="china-ambassador-urges-uk", start=start, end=start + len(excerpt),
                    excerpt=excerpt)
    assert text[item.start:item.end] == excerpt
    with conn:
        conn.execute(
            "INSERT INTO decisions (id, topic, country, stance, status, date, date_precision, date_inferred, "
            "summary, conditions) VALUES ('cn-urges-uk-allow', 'huawei-5g', 'CN', 'allow', 'announced', NULL, "
            "'unknown', 0, 'China urges the UK not to let fear of Huawei’s risks decide', ?)",
            (json.dumps([], ensure_ascii=False),),
        )
        conn.execute(
            'INSERT INTO evidence (id, claim_table, claim_id, claim_field, source, start, "end", excerpt, role) '
            "VALUES (?, 'decisions', 'cn-urges-uk-allow', 'decision', ?, ?, ?, ?, 'supports')",
            (evidence_id("decisions", "cn-urges-uk-allow", item), item.source, item.start, item.end, item.excerpt),
        )
    assert _by_country(_json(conn))["CN"]["decision"] == "cn-urges-uk-allow"
    out = tmp_path / "exported"
    counts = export_seeds(conn, out)
    conn.close()
    assert (counts["decisions"], counts["evidence"]) == (15, 84)
    build_database(out, tmp_path / "second.db")
    assert _table_rows(tmp_path / "second.db") == _table_rows(first)
    for path in (SEEDS / "sources").glob("*.txt"):
        assert (out / "sources" / path.name).read_bytes() == path.read_bytes()


def test_imported_sources_get_a_file_named_after_their_id(db: Path, tmp_path: Path) -> None:
    text = "Line one, verbatim.\r\nA “curly” line with a tab\tand no final newline"
    raw = text.encode("utf-8")
    conn = _connect(db, readonly=False)
    with conn:
        for source_id in ("imported-article", "another-article"):
            conn.execute(
                "INSERT INTO sources (id, outlet, title, published, date_precision, date_inferred, seed_file, "
                "text, sha256, notes) VALUES (?, NULL, NULL, NULL, 'unknown', 0, NULL, ?, ?, '')",
                (source_id, text, hashlib.sha256(raw).hexdigest()),
            )
        # A real seed file already named as "another-article" would be: the derived name avoids it.
        conn.execute("UPDATE sources SET seed_file = 'another-article.txt' WHERE id = 'china-ambassador-urges-uk'")
    out = tmp_path / "exported"
    export_seeds(conn, out)
    conn.close()
    assert (out / "sources" / "imported-article.txt").read_bytes() == raw
    assert (out / "sources" / "another-article-2.txt").read_bytes() == raw
    assert (out / "sources" / "another-article.txt").read_bytes() == \
        (SEEDS / "sources" / "004_d9930b5cfd6c8aa7.txt").read_bytes()
    build_database(out, tmp_path / "again.db")
    before, after = _table_rows(db), _table_rows(tmp_path / "again.db")
    assert {t: r for t, r in after.items() if t != "sources"} == {t: r for t, r in before.items() if t != "sources"}
    seed_file = 6  # sources: id, outlet, title, published, date_precision, date_inferred, seed_file, ...
    files = {r[0]: r[seed_file] for r in after["sources"]}
    assert (files["imported-article"], files["another-article"]) == ("imported-article.txt", "another-article-2.txt")
    strip = [r[:seed_file] + r[seed_file + 1:] for r in before["sources"]]
    assert [r[:seed_file] + r[seed_file + 1:] for r in after["sources"]] == strip


def test_evidence_of_no_record_is_refused_by_name(db: Path, tmp_path: Path) -> None:
    conn = _connect(db, readonly=False)
    with conn:
        conn.execute(
            'INSERT INTO evidence (id, claim_table, claim_id, claim_field, source, start, "end", excerpt, role) '
            "SELECT 'ev-orphan', 'decisions', 'no-such-decision', claim_field, source, start, \"end\", excerpt, role "
            "FROM evidence ORDER BY id LIMIT 1"
        )
    with pytest.raises(ValueError, match=r"cannot export .*1 evidence row of no decision or quote .*'ev-orphan'"):
        export_seeds(conn, tmp_path / "exported")
    conn.close()
    assert not (tmp_path / "exported").exists()  # nothing written: seeds without it would lose it silently
    assert [p.name for p in tmp_path.iterdir()] == ["copy.db"]


def test_an_empty_folder_is_used_and_a_non_empty_one_refused(seed_conn: sqlite3.Connection,
                                                             tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export_seeds(seed_conn, empty)["decisions"] == 14
    assert (empty / "decisions.toml").is_file()

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty") as err:
        export_seeds(seed_conn, busy)
    assert "\n" not in str(err.value)
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]

    a_file = tmp_path / "a-file"
    a_file.write_text("")
    with pytest.raises(ValueError, match="not a folder"):
        export_seeds(seed_conn, a_file)
    # Nothing left behind: no temporary folders beside the targets.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "busy", "empty"]


def test_export_does_not_change_the_database(db: Path, tmp_path: Path) -> None:
    before = db.read_bytes()
    conn = _connect(db, readonly=False)
    export_seeds(conn, tmp_path / "exported")
    for fmt in ("csv", "json", "markdown"):
        export_positions(conn, fmt)  # type: ignore[arg-type]
    assert not conn.in_transaction
    conn.close()
    assert db.read_bytes() == before


def test_a_citation_whose_span_holds_other_words_is_left_out_and_named(db: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # Before: the stored excerpt went into the report as what the source says, though the source
    # says other words at that span (a row written by another tool): a citation nobody could find.
    conn = _connect(db, readonly=False)
    with conn:
        conn.execute("UPDATE evidence SET excerpt = 'Japan lifted its ban on Huawei' WHERE claim_table = 'decisions' "
                     "AND claim_id = 'jp-5g-ban' AND claim_field = 'decision' "
                     "AND source = 'uk-limited-role-us-reaction'")
    japan = _by_country(_json(conn))["JP"]
    conn.close()
    excerpts = [c["excerpt"] for c in japan["citations"]]
    assert excerpts and "Japan lifted its ban on Huawei" not in excerpts
    said = capsys.readouterr().err
    assert "evidence" in said and "excerpt" in said and "uk-limited-role-us-reaction" in said
