"""Import treats the file it is given as untrusted input: bounded reads, regular files only, a byte
order mark removed (and said), and two processes importing the same article store it once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from techstance.db.curation import input_file
from techstance.db.curation.importer import MAX_BYTES, ImportError_, ImportResult, import_article
from techstance.db.store.edits import open_for_editing

ARTICLE = ('"We will not allow this vendor anywhere near our networks," the minister, Jane Doe, said on Monday. '
           'She added: "The decision is final."\n')


def _sources(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM sources").fetchone()[0])
    finally:
        conn.close()


def test_a_link_to_dev_zero_is_refused_without_reading_it(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    started = time.monotonic()
    with pytest.raises(ImportError_, match=r"zero\.txt: is a character device, not an article"):
        import_article(open_for_editing(db), link)
    assert time.monotonic() - started < 1.0  # before: 1.3 GB read in 3 s, then a traceback
    assert _sources(db) == 5


def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    caught: list[BaseException] = []

    def attempt() -> None:
        try:
            import_article(open_for_editing(db), fifo)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            caught.append(err)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # free the blocked open, so the test run can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("import blocked on a FIFO")
    assert len(caught) == 1 and isinstance(caught[0], ImportError_)
    assert "pipe.txt: is a FIFO (named pipe), not an article" in str(caught[0])


def test_a_huge_file_is_refused_after_at_most_its_limit_plus_one_byte(db: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(3 * 1024**3)  # sparse: 3 GB without using the disk
    read = [0]
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read[0] += len(data)
        return data

    monkeypatch.setattr(input_file.os, "read", counting_read)
    with pytest.raises(ImportError_, match="too large for an article"):
        import_article(open_for_editing(db), huge)
    assert read[0] == MAX_BYTES + 1


def test_a_byte_order_mark_is_removed_and_the_first_quotation_found(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    conn = open_for_editing(db)
    result = import_article(conn, path)
    assert result.stored and result.bom_removed
    text = conn.execute("SELECT text FROM sources WHERE id = ?", (result.source_id,)).fetchone()[0]
    assert text == ARTICLE
    quotes = [r[0] for r in conn.execute("SELECT text FROM proposed_quotes WHERE source = ? ORDER BY start",
                                         (result.source_id,))]
    assert quotes[0] == "We will not allow this vendor anywhere near our networks"
    # The same article without the mark is the same article.
    plain = tmp_path / "plain.txt"
    plain.write_text(ARTICLE, encoding="utf-8")
    again = import_article(conn, plain)
    assert not again.stored and again.source_id == result.source_id


def test_the_import_command_says_the_mark_was_removed(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "import", "--db", str(db), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "a byte order mark at its start was removed" in result.stdout


def test_the_same_article_imported_at_the_same_moment_is_stored_once(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    # Both importers pass the first "already stored?" check while a third connection holds the
    # write lock, then race for it when it is released.
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    results: list[ImportResult | BaseException] = []

    def attempt() -> None:
        try:
            results.append(import_article(open_for_editing(db), path))
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            results.append(err)

    workers = [threading.Thread(target=attempt) for _ in range(2)]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # both are waiting for the lock (the busy timeout is 5 s)
    holder.execute("ROLLBACK")
    holder.close()
    for worker in workers:
        worker.join(timeout=30)
    assert all(isinstance(r, ImportResult) for r in results), results  # before: UNIQUE constraint failed
    stored = [r for r in results if isinstance(r, ImportResult) and r.stored]
    assert len(stored) == 1 and len(results) == 2
    assert _sources(db) == 6


def test_two_import_commands_at_once_store_the_article_once(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # both commands start and queue for the write lock
    commands = [subprocess.Popen([sys.executable, "-m", "techstance.tui", "import", "--db", str(db), str(path)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(2.5)  # well inside the 5 s busy timeout
    holder.execute("ROLLBACK")
    holder.close()
    outputs = [c.communicate(timeout=60) for c in commands]
    assert [c.returncode for c in commands] == [0, 0], outputs
    said = sorted("already stored" in out for out, _ in outputs)
    assert said == [False, True], outputs  # before: "UNIQUE constraint failed" for the second
    assert _sources(db) == 6


def test_a_file_with_a_nul_byte_is_refused_as_not_text(db: Path, tmp_path: Path) -> None:
    # Before: stored, and SQLite's text functions stop or slip at a NUL: the search result for
    # "words" read 'abcwords here" said Bob.', words the article does not contain.
    article = tmp_path / "nul.txt"
    article.write_bytes(b'abc\x00def "quoted words here" said Bob.\n')
    with pytest.raises(ImportError_, match=r"nul\.txt: not text: a NUL byte at offset 3"):
        import_article(open_for_editing(db), article)
    assert _sources(db) == 5


@pytest.mark.parametrize(("option", "value", "said"), [("date", "2019-02-30", "--date: malformed date"),
                                                        ("topic", "nope", "--topic: unknown topic 'nope'")])
def test_a_bad_option_is_refused_for_an_article_already_stored_too(db: Path, tmp_path: Path, option: str,
                                                                   value: str, said: str) -> None:
    # Before: checked only for a new article; the same file again with a bad --date or --topic was
    # "already stored; nothing changed", exit 0, and the typo went unnoticed.
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    conn = open_for_editing(db)
    assert import_article(conn, article).stored
    with pytest.raises(ImportError_, match=said):
        import_article(conn, article, **{option: value})
