"""Nothing curated is lost: exported seeds carry the work in progress and the audit trail, rebuild into
the same database, give the same bytes for the same data, and merge with git between analysts."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from techstance.db.curation import importer
from techstance.db.curation.build import build_database
from techstance.db.curation.importer import import_article
from techstance.db.curation.seed_export import CannotCarry, export_seeds
from techstance.db.curation.seeds import SeedError
from techstance.db.store import edits
from techstance.db.store.edits import (
    accept_proposal,
    add_actor,
    add_decision,
    correct_quote,
    open_for_editing,
    reject_proposal,
)

from tests.helpers import SEEDS

ARTICLE = ('Wellington, Tuesday. The minister said: "We will not allow this company anywhere near our networks," '
           'on Monday.\n"It is a risk we cannot take," she added. A third remark: "Nothing is decided yet," '
           "a spokesman said.\n")
# Every table a build writes from the seeds, and the columns that make a row the same row. What a build
# regenerates instead (documented in docs/curating.md): meta's seeds_sha256 and the search indexes.
TABLES = ("topics", "countries", "sources", "actors", "decisions", "quotes", "evidence", "edits", "proposed_quotes")


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
        out["meta"] = sorted(conn.execute("SELECT key, value FROM meta WHERE key != 'seeds_sha256'").fetchall())
        return out
    finally:
        conn.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _decision(conn: sqlite3.Connection, decision_id: str, country: str, source: str, excerpt: str) -> dict[str, Any]:
    text = conn.execute("SELECT text FROM sources WHERE id = ?", (source,)).fetchone()[0]
    start = text.index(excerpt)
    return {"id": decision_id, "topic": "huawei-5g", "country": country, "stance": "undecided",
            "status": "reported", "summary": "A decision recorded by an analyst after the build.",
            "evidence": [{"claim": "decision", "source": source, "start": start, "end": start + len(excerpt),
                          "excerpt": excerpt}]}


def _worked_on(tmp_path: Path) -> Path:
    """A database as an analyst leaves it: a decision and a speaker added, a quote corrected, an
    article imported with one proposal accepted, one rejected and one still pending."""
    db = tmp_path / "worked.db"
    build_database(SEEDS, db)
    conn = open_for_editing(db)
    add_decision(conn, _decision(conn, "cn-urges-calm", "CN", "china-ambassador-urges-uk",
                                 "The risks should be taken seriously but they must not be allowed to incite fear"),
                 note="an analyst's decision")
    add_actor(conn, {"id": "nz-minister", "name": "The minister", "kind": "person", "country": "NZ"})
    quote_id, quote_actor = conn.execute("SELECT id, actor FROM quotes ORDER BY id LIMIT 1").fetchone()
    correct_quote(conn, quote_id, {"country": "CN" if quote_actor else None}, note="country corrected")
    article = tmp_path / "wellington.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    source = import_article(conn, article, outlet="Wire", date="2026-11-20", topic="huawei-5g").source_id
    proposals = [r[0] for r in conn.execute("SELECT id FROM proposed_quotes ORDER BY id")]
    assert len(proposals) == 3
    accept_proposal(conn, proposals[0], quote_id="nz-minister-not-near", actor="nz-minister", country="NZ")
    reject_proposal(conn, proposals[1], note="not about the topic")
    conn.close()
    assert source
    return db


def test_a_worked_on_database_rebuilds_from_its_export_into_the_same_rows(tmp_path: Path) -> None:
    db = _worked_on(tmp_path)
    out = tmp_path / "exported"
    counts = export_seeds(sqlite3.connect(db), out)
    assert (counts["proposals"], counts["history"]) == (3, 6)
    report = build_database(out, tmp_path / "again.db")
    assert (report.proposals, report.edits) == (3, 6)
    before, after = _rows(db), _rows(tmp_path / "again.db")
    for table in [*TABLES, "meta"]:
        assert after[table] == before[table], table
    statuses = sorted(r[10] for r in after["proposed_quotes"])
    assert statuses == ["accepted", "proposed", "rejected"]
    # The rebuilt database is not "at risk": what it holds is what the seeds carry, so it rebuilds freely.
    assert build_database(out, tmp_path / "again.db").backup is None


def test_the_same_data_gives_the_same_bytes_whatever_the_row_order(tmp_path: Path) -> None:
    db = _worked_on(tmp_path)
    export_seeds(sqlite3.connect(db), tmp_path / "first")
    build_database(tmp_path / "first", tmp_path / "rebuilt.db")  # rows now in sorted order, not curated order
    export_seeds(sqlite3.connect(tmp_path / "rebuilt.db"), tmp_path / "second")
    assert _files(tmp_path / "second") == _files(tmp_path / "first")
    decisions = (tmp_path / "first" / "decisions.toml").read_text(encoding="utf-8")
    ids = [line.split('"')[1] for line in decisions.splitlines() if line.startswith("id = ")]
    assert ids == sorted(ids) and "cn-urges-calm" in ids
    # One record per block: each [[decision]] starts after a blank line.
    lines = decisions.splitlines()
    assert all(lines[i - 1] == "" for i, line in enumerate(lines) if line.startswith("[["))


def test_a_column_the_export_does_not_know_is_refused_by_name(tmp_path: Path) -> None:
    db = tmp_path / "wider.db"
    build_database(SEEDS, db)
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE decisions ADD COLUMN priority TEXT")
    conn.execute("INSERT INTO meta (key, value) VALUES ('reviewed_by', 'an analyst')")
    conn.commit()
    with pytest.raises(CannotCarry) as err:
        export_seeds(conn, tmp_path / "out")
    assert "column decisions.priority" in str(err.value) and "meta 'reviewed_by'" in str(err.value)
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_field_added_to_a_model_and_its_table_travels_without_changing_the_export(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from techstance.db.curation import seed_export, seeds
    from techstance.db.store.records import Decision

    class WiderDecision(Decision):  # as a schema change would add it: a seed field and a column
        priority: str = "normal"
        reviewed: bool = False

    db = tmp_path / "wider.db"
    build_database(SEEDS, db)
    monkeypatch.setitem(seed_export.MODELS, "decisions", WiderDecision)
    monkeypatch.setitem(seeds.SEED_FILES, "decisions.toml", ("decision", WiderDecision))
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE decisions ADD COLUMN priority TEXT")
    conn.execute("ALTER TABLE decisions ADD COLUMN reviewed INTEGER")
    first, second = [r[0] for r in conn.execute("SELECT id FROM decisions ORDER BY id LIMIT 2")]
    conn.execute("UPDATE decisions SET priority = 'high', reviewed = 1 WHERE id = ?", (first,))
    conn.commit()
    export_seeds(conn, tmp_path / "out")
    loaded = {d.id: d for d in seeds.load_seeds(tmp_path / "out").decisions}
    assert (loaded[first].priority, loaded[first].reviewed) == ("high", True)  # type: ignore[attr-defined]
    assert (loaded[second].priority, loaded[second].reviewed) == ("normal", False)  # type: ignore[attr-defined]


def test_export_seeds_command_refuses_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "wider.db"
    build_database(SEEDS, db)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    result = subprocess.run([os.sys.executable, "-m", "techstance.tui", "export-seeds", "--db", str(db),
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "table 'notes'" in result.stderr


def test_a_bad_proposal_or_history_entry_is_named_by_file_record_and_field(tmp_path: Path) -> None:
    out = tmp_path / "exported"
    export_seeds(sqlite3.connect(_worked_on(tmp_path)), out)
    [proposals] = (out / "proposals").iterdir()
    proposals.write_text(proposals.read_text(encoding="utf-8").replace('status = "rejected"', 'status = "maybe"'),
                         encoding="utf-8")
    history = sorted((out / "history").iterdir())[0]
    history.write_text(history.read_text(encoding="utf-8").replace('at = "', 'at = "yesterday ', 1), encoding="utf-8")
    with pytest.raises(SeedError) as err:
        build_database(out, tmp_path / "x.db")
    shown = [str(p) for p in err.value.problems]
    assert any(s.startswith(f"exported/proposals/{proposals.name}: proposal '") and "field 'status'" in s
               for s in shown), shown
    assert any(s.startswith(f"exported/history/{history.name}: edit #1: field 'at'") for s in shown), shown
    assert not (tmp_path / "x.db").exists()


def test_an_article_whose_proposals_were_lost_is_proposed_again(tmp_path: Path) -> None:
    db = tmp_path / "lost.db"
    build_database(SEEDS, db)
    article = tmp_path / "wellington.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    conn = open_for_editing(db)
    first = import_article(conn, article, topic="huawei-5g")
    with conn:  # as an export from before proposals were carried left it: the source without its proposals
        conn.execute("DELETE FROM proposed_quotes")
    again = import_article(conn, article, topic="huawei-5g")
    assert (again.stored, again.source_id, again.proposals) == (False, first.source_id, 3)
    # With its proposals there (whatever their review), the same text changes nothing.
    assert import_article(conn, article).proposals == 0
    assert conn.execute("SELECT COUNT(*) FROM proposed_quotes").fetchone()[0] == 3
    conn.close()


def test_proposing_again_skips_the_quotations_already_made_quotes(tmp_path: Path) -> None:
    db = _worked_on(tmp_path)
    conn = open_for_editing(db)
    with conn:
        conn.execute("DELETE FROM proposed_quotes")
    again = import_article(conn, tmp_path / "wellington.txt")
    texts = [r[0] for r in conn.execute("SELECT text FROM proposed_quotes ORDER BY start")]
    conn.close()
    assert again.proposals == 2 and not any("anywhere near our networks" in t for t in texts)


def test_replace_takes_an_earlier_export_and_nothing_else(tmp_path: Path) -> None:
    db = _worked_on(tmp_path)
    seeds = tmp_path / "seeds"
    build_database(SEEDS, tmp_path / "plain.db")
    export_seeds(sqlite3.connect(tmp_path / "plain.db"), seeds)
    with pytest.raises(ValueError, match="not empty.*--replace"):
        export_seeds(sqlite3.connect(db), seeds)
    export_seeds(sqlite3.connect(db), seeds, replace=True)
    assert (seeds / "history").is_dir() and "cn-urges-calm" in (seeds / "decisions.toml").read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # nothing left aside
    for stray in ("notes.md", "sources/README.md", "history/.keep"):
        (seeds / stray).write_text("not from an export", encoding="utf-8")
        before = _files(seeds)
        with pytest.raises(ValueError, match=f"holds {stray}, which an export does not write"):
            export_seeds(sqlite3.connect(db), seeds, replace=True)
        assert _files(seeds) == before
        (seeds / stray).unlink()


# ----- two analysts, one tracker, git -----

def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "analyst", "GIT_AUTHOR_EMAIL": "analyst@example.org",
           "GIT_COMMITTER_NAME": "analyst", "GIT_COMMITTER_EMAIL": "analyst@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, timeout=60)


def _publish(db: Path, repo: Path) -> None:
    """What the workflow in docs/curating.md does: export over the previous seeds, commit."""
    export_seeds(sqlite3.connect(db), repo / "seeds", replace=True)
    assert _git(repo, "add", "-A", "seeds").returncode == 0
    assert _git(repo, "commit", "-q", "-m", f"seeds from {db.name}").returncode == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("same_second", [False, True], ids=["on-different-days", "in-the-same-second"])
def test_two_analysts_exports_merge_with_git_and_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       same_second: bool) -> None:
    repo = tmp_path / "tracker"
    repo.mkdir()
    assert _git(repo, "init", "-q", "-b", "main").returncode == 0
    base = tmp_path / "base.db"
    build_database(SEEDS, base)
    _publish(base, repo)

    analysts = {"alice": ("au-analyst-note", "AU", "uk-limited-role-us-reaction",
                          "the U.K. has decided to allow Huawei to play a limited role"),
                "bob": ("us-analyst-note", "US", "china-ambassador-urges-uk",
                        "The risks should be taken seriously but they must not be allowed to incite fear")}
    for day, (name, (decision_id, country, source, excerpt)) in enumerate(analysts.items(), 20):
        # Each on a day of their own, or both (on two machines) in the very same second.
        at = "2026-11-20T09:00:00+00:00" if same_second else f"2026-11-{day}T09:00:00+00:00"
        monkeypatch.setattr(edits, "_now", lambda at=at: at)
        monkeypatch.setattr(importer, "_now", lambda at=at: at)
        assert _git(repo, "checkout", "-q", "-b", name, "main").returncode == 0
        db = tmp_path / f"{name}.db"
        build_database(repo / "seeds", db)
        conn = open_for_editing(db)
        add_decision(conn, _decision(conn, decision_id, country, source, excerpt), note=f"added by {name}")
        if name == "alice":  # she also imports an article: proposals and a second history entry
            article = tmp_path / "wellington.txt"
            article.write_text(ARTICLE, encoding="utf-8")
            import_article(conn, article, topic="huawei-5g")
        conn.close()
        _publish(db, repo)

    assert _git(repo, "checkout", "-q", "alice").returncode == 0
    merge = _git(repo, "merge", "--no-edit", "bob")
    assert merge.returncode == 0, merge.stdout + merge.stderr
    assert "<<<<<<<" not in "".join(p.read_text(encoding="utf-8") for p in (repo / "seeds").rglob("*.toml"))

    merged = tmp_path / "merged.db"
    report = build_database(repo / "seeds", merged)
    assert (report.decisions, report.proposals, report.edits) == (build_database(SEEDS, base).decisions + 2, 3, 3)
    conn = sqlite3.connect(merged)
    ids = {r[0] for r in conn.execute("SELECT id FROM decisions")}
    log = [r[0] for r in conn.execute("SELECT note FROM edits ORDER BY id")]
    conn.close()
    assert {"au-analyst-note", "us-analyst-note"} <= ids
    if same_second:  # each machine's entries of that second stay together, in their order
        assert sorted(log) == ["added by alice", "added by bob", "imported wellington.txt"]
        assert log.index("added by alice") + 1 == log.index("imported wellington.txt")
    else:
        assert log == ["added by alice", "imported wellington.txt", "added by bob"]  # one history, in time order
    # Re-exported, the merge is in its canonical form: publishing it changes nothing but, after edits of
    # the same second on two machines, joins their two history files into one.
    export_seeds(sqlite3.connect(merged), tmp_path / "canonical")
    canonical, published = _files(tmp_path / "canonical"), _files(repo / "seeds")
    assert {k: v for k, v in canonical.items() if not k.startswith("history/")} == \
        {k: v for k, v in published.items() if not k.startswith("history/")}
    history = [k for k in canonical if k.startswith("history/")]
    assert len(history) == (1 if same_second else 2)
    assert (history == [k for k in published if k.startswith("history/")]) != same_second
