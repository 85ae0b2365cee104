"""A build never silently replaces a database holding work the seeds lack: edits, pending proposals."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from techstance.db.curation.build import BuildError, WouldLoseError, build_database
from techstance.db.curation.default_db import refresh_default_database
from techstance.db.curation.importer import import_article
from techstance.db.store.edits import open_for_editing, reject_proposal

from tests.helpers import SEEDS

ARTICLE = ('The minister said: "We will not allow this company anywhere near our networks," on Monday.\n'
           '"It is a risk we cannot take," she added.\n')


def _import(db: Path, tmp_path: Path, text: str = ARTICLE) -> str:
    article = tmp_path / "article.txt"
    article.write_text(text, encoding="utf-8")
    conn = open_for_editing(db)
    try:
        result = import_article(conn, article, topic="huawei-5g")
    finally:
        conn.close()
    assert result.stored and result.proposals == 2
    return result.source_id


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def _techstance(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "techstance.tui", *args], capture_output=True, text=True,
                          timeout=120)


def test_a_database_with_edits_and_proposals_is_not_replaced(tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    build_database(SEEDS, db)
    _import(db, tmp_path)
    before = db.read_bytes()
    with pytest.raises(WouldLoseError) as err:
        build_database(SEEDS, db)
    message = str(err.value)
    assert "\n" not in message
    assert "1 edit and 2 pending proposed quotes" in message and str(db) in message
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "work.db"]  # no temporary file left


def test_reviewed_proposals_are_not_counted_but_their_edits_are(tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    build_database(SEEDS, db)
    source = _import(db, tmp_path)
    conn = open_for_editing(db)
    for n in (1, 2):
        reject_proposal(conn, f"{source}-q00{n}")
    conn.close()
    with pytest.raises(WouldLoseError, match=r"holds 3 edits that these seeds"):
        build_database(SEEDS, db)


def test_pending_proposals_alone_are_enough_to_refuse(tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    build_database(SEEDS, db)
    _import(db, tmp_path)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM edits")
    conn.close()
    with pytest.raises(WouldLoseError, match=r"holds 2 pending proposed quotes that"):
        build_database(SEEDS, db)


def test_build_command_refuses_in_one_line_and_force_keeps_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "work.db"
    build_database(SEEDS, db)
    _import(db, tmp_path)
    before = db.read_bytes()

    refused = _techstance("build", "--db", str(db))
    assert refused.returncode == 1
    assert refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert len(lines) == 1 and "1 edit and 2 pending proposed quotes" in lines[0] and "--force" in lines[0]
    assert db.read_bytes() == before

    forced = _techstance("build", "--db", str(db), "--force")
    assert forced.returncode == 0, forced.stderr
    backups = sorted(tmp_path.glob("work.backup-*.db"))
    assert len(backups) == 1
    assert str(backups[0]) in forced.stdout  # the user is told where the old database went
    # The backup holds everything the replaced file held; the new database has none of it.
    assert _count(backups[0], "SELECT COUNT(*) FROM proposed_quotes") == 2
    assert _count(backups[0], "SELECT COUNT(*) FROM edits") == 1
    assert _count(db, "SELECT COUNT(*) FROM edits") == 0

    # A second --force in the same second keeps the first backup and adds another.
    assert _techstance("build", "--db", str(db), "--force").returncode == 0
    assert len(list(tmp_path.glob("work.backup-*.db"))) == 2
    assert _count(backups[0], "SELECT COUNT(*) FROM edits") == 1


def test_a_fresh_database_is_rebuilt_without_asking(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    build_database(SEEDS, db)
    report = build_database(SEEDS, db)
    assert report.backup is None
    assert [p.name for p in tmp_path.iterdir()] == ["plain.db"]


def test_default_database_with_pending_proposals_is_not_rebuilt(tmp_path: Path, seed_copy: Path) -> None:
    path = tmp_path / "techstance.db"
    refresh_default_database(path, seed_copy)
    _import(path, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM edits")  # only the proposals remain to be lost
    conn.close()
    before = path.read_bytes()
    (seed_copy / "topics.toml").write_text((seed_copy / "topics.toml").read_text() + "\n")
    note = refresh_default_database(path, seed_copy)
    assert note is not None and "2 pending proposed quotes" in note and "not rebuilt" in note
    assert path.read_bytes() == before


def test_an_edit_made_while_the_build_runs_is_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from techstance.db.curation import build

    db = tmp_path / "busy.db"
    build_database(SEEDS, db)
    write_work = build.write_work

    def and_meanwhile(*args: object) -> None:
        write_work(*args)  # type: ignore[arg-type]
        conn = sqlite3.connect(db)  # another process edits the old file while the new one is written
        with conn:
            conn.execute("INSERT INTO edits (at, action, record_table, record_id, note) "
                         "VALUES ('2026-11-21T09:00:00+00:00', 'insert', 'quotes', 'q', 'made meanwhile')")
        conn.close()

    monkeypatch.setattr(build, "write_work", and_meanwhile)
    with pytest.raises(WouldLoseError, match="holds 1 edit that"):
        build_database(SEEDS, db)
    assert _count(db, "SELECT COUNT(*) FROM edits") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["busy.db"]


def test_force_over_a_file_that_is_not_a_database_keeps_it_byte_for_byte(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes(b"my notes, not a database\n")
    report = build_database(SEEDS, db, force=True)
    assert report.backup is not None and report.backup.read_bytes() == b"my notes, not a database\n"
    assert report.backup.parent == tmp_path and report.backup.name.startswith("notes.backup-")


def test_a_database_locked_by_another_program_is_not_replaced(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: the lock's "database is locked" was taken for "not an SQLite database", so the
    # build replaced the file, edits and pending proposals with it, without --force.
    from techstance.db.curation import replacing

    monkeypatch.setattr(replacing, "LOCK_WAIT", 0.1)
    db = tmp_path / "work.db"
    build_database(SEEDS, db)
    _import(db, tmp_path)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(BuildError, match="database is locked"):
            build_database(SEEDS, db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _count(db, "SELECT COUNT(*) FROM edits") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "work.db"]
