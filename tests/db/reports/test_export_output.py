"""Export output never acts: CSV cells cannot run as spreadsheet formulas, and a file is written
whole or not at all."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from techstance.db.reports import export
from techstance.db.reports.export import csv_cell, export_positions, write_export


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\tindent", "\rreturn"])
def test_a_formula_leading_cell_is_prefixed_with_a_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "ban", "at most 35% of the periphery", "a=b", "2020-01-28", "'quoted"])
def test_other_cells_are_left_as_they_are(text: str) -> None:
    assert csv_cell(text) == text


def test_a_stored_formula_is_written_to_csv_as_text(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "formula.db"
    db.write_bytes(seed_db.read_bytes())
    conn = sqlite3.connect(db)
    conn.execute("UPDATE decisions SET summary = '=HYPERLINK(\"http://evil.example\",\"click\")' "
                 "WHERE country = 'GB'")
    conn.execute("UPDATE decisions SET conditions = '[\"-1+1\", \"kept\"]' WHERE country = 'GB'")
    conn.commit()
    rows = list(csv.DictReader(io.StringIO(export_positions(conn, "csv"), newline="")))
    uk = next(r for r in rows if r["country"] == "GB")
    assert uk["summary"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"  # before: the formula as stored
    # Each condition says how many sources state it; the leading "-" is still neutralised.
    assert uk["conditions"].startswith("'-1+1 (") and "\nkept (" in uk["conditions"]
    # JSON and markdown are not spreadsheets: the text stays exactly as stored there.
    assert '"summary": "=HYPERLINK' in export_positions(conn, "json")
    conn.close()


def test_a_failed_write_leaves_the_old_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "positions.json"
    target.write_text("[]\n", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_export(target, '[{"country": "GB"}]\n' * 1000)
    assert target.read_text(encoding="utf-8") == "[]\n"  # before: truncated JSON
    assert sorted(p.name for p in tmp_path.iterdir()) == ["positions.json"]  # no temporary left behind


def test_a_written_file_replaces_the_old_one_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "positions.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_export(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.csv"
    write_export(fresh, "a\n")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_killed_export_leaves_the_old_file_whole(seed_db: Path, tmp_path: Path) -> None:
    # The command is killed while writing: the file named by --output is the old one, or the new
    # one, never a mixture.
    target = tmp_path / "positions.json"
    target.write_text("[]\n", encoding="utf-8")
    code = ("import os, sys, techstance.db.reports.export as e\n"
            "os.fsync = lambda fd: os.kill(os.getpid(), 9)\n"
            "sys.exit(__import__('techstance.tui.cli', fromlist=['main']).main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", code, "export", "--format", "json", "--db", str(seed_db),
                             "-o", str(target)], capture_output=True, text=True, timeout=60)
    assert result.returncode == -9
    assert target.read_text(encoding="utf-8") == "[]\n"
