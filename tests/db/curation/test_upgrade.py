"""`techstance upgrade`: a schema-3 database opens after one command, every row and edit kept, or
the rows it cannot keep are named and the file is left byte for byte as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from techstance.db.curation import upgrade as upgrade_module
from techstance.db.curation.upgrade import UpgradeError, upgrade_database
from techstance.db.store.connection import OlderSchemaError, open_database
from techstance.db.store.schema import SCHEMA_VERSION

from tests.db.curation.v3_database import columns, make_v3, table_rows, worked_database


@pytest.fixture(scope="module")
def worked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return worked_database(tmp_path_factory.mktemp("worked"))


@pytest.fixture
def v3(worked: Path, tmp_path: Path) -> Path:
    return make_v3(tmp_path / "tracker.db", worked)


def _techstance(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "techstance.tui", *args], capture_output=True, text=True,
                          timeout=120)


def _spoil(path: Path, *statements: str) -> None:
    """Write what schema 3 accepted and schema 4 refuses, as a sqlite-utils user could have."""
    conn = sqlite3.connect(path)
    with conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def test_a_v3_database_is_refused_with_the_command_that_upgrades_it(v3: Path) -> None:
    with pytest.raises(OlderSchemaError) as err:
        open_database(v3)
    assert f"`techstance upgrade --db {v3}`" in str(err.value)
    result = _techstance("history", "--db", str(v3))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"techstance: error: {v3}: made by an older techstance (schema 3; this version reads {SCHEMA_VERSION}): "
        f"upgrade it with `techstance upgrade --db {v3}`"]


def test_upgrade_keeps_every_row_and_edit_and_the_original_as_a_backup(worked: Path, v3: Path) -> None:
    original = v3.read_bytes()
    report = upgrade_database(v3)
    assert report.from_version == 3 and report.backup == v3.with_name("tracker.db.v3.bak")
    assert report.backup.read_bytes() == original
    upgraded, expected = table_rows(v3), table_rows(worked)
    assert upgraded == expected  # the edits, the imported source, the reviewed proposals: every row, every field
    assert sorted(r[2] for r in upgraded["edits"]) == ["import", "insert", "reject", "update"]
    conn = open_database(v3)  # opens now: the current schema, with its search
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'networks'").fetchone()[0] >= 1
    finally:
        conn.close()
    conn = open_database(v3, readonly=False)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="decisions.stance"):
            conn.execute("UPDATE decisions SET stance = 'maybe'")
    finally:
        conn.close()
    assert sorted(p.name for p in v3.parent.iterdir()) == ["tracker.db", "tracker.db.v3.bak"]


def test_the_command_upgrades_once_then_says_there_is_nothing_to_do(v3: Path) -> None:
    first = _techstance("upgrade", "--db", str(v3))
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"upgraded {v3} from schema 3 to {SCHEMA_VERSION}, every row kept")
    assert f"the original is kept as {v3}.v3.bak" in first.stdout
    assert "topics: 1," in first.stdout  # was "1 topics": a row count, read as the table's name
    again = _techstance("--db", str(v3), "upgrade")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{v3} is already schema {SCHEMA_VERSION}; nothing to upgrade"
    assert sorted(p.name for p in v3.parent.iterdir()) == ["tracker.db", "tracker.db.v3.bak"]


def test_rows_the_new_schema_refuses_are_named_and_the_original_is_untouched(v3: Path) -> None:
    _spoil(v3, "UPDATE decisions SET stance = 'maybe' WHERE id = 'gb-2020-01-28-limited-role'",
           "UPDATE countries SET tile_row = 100000 WHERE code = 'CN'",
           "UPDATE decisions SET conditions = '[1, \"x\"]' WHERE id = 'nz-restrict-expected'",
           "UPDATE quotes SET \"end\" = 99999999 WHERE id = 'liu-risks-incite-fear'",
           "UPDATE proposed_quotes SET status = 'maybe' WHERE status = 'rejected'")
    original = v3.read_bytes()
    with pytest.raises(UpgradeError) as err:
        upgrade_database(v3)
    assert "5 values the current schema refuses; nothing was changed" in str(err.value)
    lines = [str(p) for p in err.value.problems]
    assert "countries 'CN': field 'tile_row' holds 100000: must be a whole number from 0 to 99" in lines
    assert ("decisions 'gb-2020-01-28-limited-role': field 'stance' holds 'maybe': "
            "must be one of ban, restrict, allow, undecided") in lines
    assert ("decisions 'nz-restrict-expected': field 'conditions' holds '[1, \"x\"]': "
            "must be a JSON array of non-empty strings") in lines
    assert ("quotes 'liu-risks-incite-fear': field 'end' holds 99999999: "
            "must be within the length of its source's text") in lines
    assert any(line.startswith("proposed_quotes ") and "field 'status' holds 'maybe'" in line for line in lines)
    assert v3.read_bytes() == original
    assert sorted(p.name for p in v3.parent.iterdir()) == ["tracker.db"]


def test_the_command_prints_each_refused_row_then_one_error_line(v3: Path) -> None:
    _spoil(v3, "UPDATE actors SET kind = 'alien' WHERE id = 'dominic-raab'")
    original = v3.read_bytes()
    result = _techstance("upgrade", "--db", str(v3))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "actors 'dominic-raab': field 'kind' holds 'alien': must be one of person, body, company, anonymous, document",
        f"techstance: error: {v3}: 1 value the current schema refuses; nothing was changed (correct them, e.g. "
        "with sqlite-utils, and run upgrade again)"]
    assert v3.read_bytes() == original


def test_an_added_column_is_named_rather_than_dropped(v3: Path) -> None:
    _spoil(v3, "ALTER TABLE quotes ADD COLUMN my_note TEXT")
    original = v3.read_bytes()
    with pytest.raises(UpgradeError) as err:
        upgrade_database(v3)
    assert [str(p) for p in err.value.problems] == [
        "quotes '(every row)': field 'my_note' holds '(its values)': must be a column of the current schema; "
        "export or drop it first"]
    assert v3.read_bytes() == original


def test_a_table_someone_added_is_carried_over(v3: Path) -> None:
    _spoil(v3, "CREATE TABLE my_notes (id INTEGER PRIMARY KEY, body TEXT)",
           "INSERT INTO my_notes (body) VALUES ('check the Canadian review')")
    upgrade_database(v3)
    conn = open_database(v3)
    try:
        assert conn.execute("SELECT body FROM my_notes").fetchall() == [("check the Canadian review",)]
    finally:
        conn.close()


@pytest.mark.parametrize("fails_in", ["create_search_and_views", "replace"])
def test_an_interrupted_upgrade_leaves_the_original(v3: Path, monkeypatch: pytest.MonkeyPatch, fails_in: str) -> None:
    original = v3.read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if fails_in == "replace":
        monkeypatch.setattr(upgrade_module.os, "replace", fail)
    else:
        monkeypatch.setattr(upgrade_module, fails_in, fail)
    with pytest.raises(UpgradeError) as err:
        upgrade_database(v3)
    assert "No space left on device; nothing was changed" in str(err.value)
    assert v3.read_bytes() == original
    assert not [p for p in v3.parent.iterdir() if p.name.endswith(".upgrading")]


def test_a_crash_midway_leaves_the_original(v3: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not an error we expected: the temporary file goes, the original stays."""
    original = v3.read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(upgrade_module, "create_search_and_views", crash)
    with pytest.raises(RuntimeError):
        upgrade_database(v3)
    assert v3.read_bytes() == original
    assert sorted(p.name for p in v3.parent.iterdir()) == ["tracker.db"]


def test_a_schema_2_database_is_upgraded_too(worked: Path, tmp_path: Path) -> None:
    """Schema 2 lacks the columns schema 3 added: they take their defaults (a decision, no specifics,
    an original source, no attribution, a stated date); every value the old file had is kept."""
    v2 = make_v3(tmp_path / "old.db", worked, version=2)
    old_columns = columns(v2)
    assert "kind" not in old_columns["decisions"]
    before = table_rows(v2)
    report = upgrade_database(v2)
    assert report.from_version == 2 and report.backup == tmp_path / "old.db.v2.bak"
    after = table_rows(v2, only=old_columns)
    assert after.pop("meta") == [(k, "4" if k == "schema_version" else v) for k, v in before.pop("meta")]
    assert after == before
    conn = open_database(v2)
    try:
        assert conn.execute("SELECT DISTINCT kind, specifics FROM decisions").fetchall() == [("decision", "{}")]
        assert conn.execute("SELECT DISTINCT quality FROM sources").fetchall() == [("original",)]
    finally:
        conn.close()


def test_files_that_are_not_older_techstance_databases_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    conn.close()
    with pytest.raises(UpgradeError, match="not a techstance database"):
        upgrade_database(other)
    with pytest.raises(UpgradeError, match="no such database"):
        upgrade_database(tmp_path / "missing.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_backup_never_overwrites_an_earlier_one(worked: Path, tmp_path: Path) -> None:
    v3 = make_v3(tmp_path / "tracker.db", worked)
    (tmp_path / "tracker.db.v3.bak").write_bytes(b"an earlier backup")
    report = upgrade_database(v3)
    assert report.backup == tmp_path / "tracker.db.v3.2.bak"
    assert (tmp_path / "tracker.db.v3.bak").read_bytes() == b"an earlier backup"


def test_a_database_in_write_ahead_log_mode_is_refused_with_the_command_that_switches_it(v3: Path) -> None:
    """Its last changes may live in NAME-wal, which a copy and a rename of the file would not carry."""
    conn = sqlite3.connect(v3)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    original = v3.read_bytes()
    with pytest.raises(UpgradeError, match=f"`sqlite-utils disable-wal {v3}`"):
        upgrade_database(v3)
    assert v3.read_bytes() == original
    subprocess.run([str(Path(sys.executable).parent / "sqlite-utils"), "disable-wal", str(v3)], check=True)
    assert upgrade_database(v3).from_version == 3
