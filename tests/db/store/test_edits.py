"""Changes after the build: validated like the seeds, all-or-nothing, and audited."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from techstance.db.curation.importer import MAX_BYTES, ImportError_, import_article
from techstance.db.store.edits import (
    EditError,
    accept_proposal,
    add_decision,
    add_quote,
    correct_quote,
    history,
    open_for_editing,
    reject_proposal,
)
from techstance.db.store.reads import Store

ARTICLE = ('Ministers met on Monday.\n\n"We will not allow this vendor anywhere near our networks," the minister, '
           'Jane Doe, said. She added: "The decision is final and it applies from today."\n\nA so-called '
           '"high-risk vendor" list was published.\n')


@pytest.fixture
def conn(db: Path) -> sqlite3.Connection:
    return open_for_editing(db)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sources", "decisions", "quotes", "evidence", "edits", "proposed_quotes")}


def article(tmp_path: Path, text: str = ARTICLE, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----- import -----
def test_import_stores_the_text_verbatim_and_proposes_its_quotes(conn: sqlite3.Connection, tmp_path: Path) -> None:
    result = import_article(conn, article(tmp_path), outlet="Wire", title="Vendor ruled out", date="2026-11-20",
                            topic="huawei-5g")
    assert result.stored and result.proposals == 2
    text, published = conn.execute("SELECT text, published FROM sources WHERE id = ?", (result.source_id,)).fetchone()
    assert text == ARTICLE and published == "2026-11-20"
    rows = conn.execute('SELECT start, "end", text, speaker FROM proposed_quotes ORDER BY start').fetchall()
    assert [r[3] for r in rows] == ["Jane Doe", "Jane Doe"]
    assert all(ARTICLE[s:e] == t for s, e, t, _ in rows)
    assert "high-risk vendor" not in " ".join(r[2] for r in rows)  # a scare quote is not a quotation


def test_the_same_text_twice_is_stored_once(conn: sqlite3.Connection, tmp_path: Path) -> None:
    first = import_article(conn, article(tmp_path))
    before = counts(conn)
    again = import_article(conn, article(tmp_path, name="copy.txt"))
    assert not again.stored and again.source_id == first.source_id and counts(conn) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe not utf-8 \xff", "not UTF-8 text"),
    (b"", "the file is empty"),
    (b" \n\t\n", "the file is empty"),
    (b"x" * (MAX_BYTES + 1), "too large for an article"),
])
def test_bad_files_are_refused_and_nothing_is_stored(conn: sqlite3.Connection, tmp_path: Path, content: bytes,
                                                     message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    before = counts(conn)
    with pytest.raises(ImportError_, match=message):
        import_article(conn, path)
    assert counts(conn) == before


def test_import_command_reports_each_file_and_fails_if_any_was_refused(db: Path, tmp_path: Path) -> None:
    good = article(tmp_path)
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "import", "--db", str(db), str(good),
                             str(tmp_path / "missing.txt")], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[1/2]" in result.stdout and "2 quotation(s) proposed" in result.stdout
    assert "missing.txt: no such file" in result.stderr
    history_out = subprocess.run([sys.executable, "-m", "techstance.tui", "history", "--db", str(db)],
                                 capture_output=True, text=True, check=True).stdout
    assert "import  sources/" in history_out


# ----- accepting and rejecting proposals -----
def test_accepting_a_proposal_makes_a_quote_with_evidence(conn: sqlite3.Connection, tmp_path: Path) -> None:
    result = import_article(conn, article(tmp_path), topic="huawei-5g")
    first, second = [r[0] for r in conn.execute("SELECT id FROM proposed_quotes ORDER BY start")]
    quote = accept_proposal(conn, first, quote_id="doe-not-anywhere-near", actor="dominic-raab", country="GB")
    assert quote.text == "We will not allow this vendor anywhere near our networks"
    assert conn.execute("SELECT count(*) FROM evidence WHERE claim_id = 'doe-not-anywhere-near'").fetchone()[0] == 1
    assert conn.execute("SELECT status, quote FROM proposed_quotes WHERE id = ?", (first,)).fetchone() == \
        ("accepted", "doe-not-anywhere-near")
    with pytest.raises(EditError, match="already accepted"):
        accept_proposal(conn, first, quote_id="again", actor="dominic-raab", country="GB")
    reject_proposal(conn, second)
    assert [e.action for e in history(conn)][:3] == ["reject", "insert", "import"]
    found = Store(conn).quotes_about("huawei-5g", "GB", limit=100)
    assert any(q.id == "doe-not-anywhere-near" and q.source.id == result.source_id for q in found)


# ----- decisions -----
def _cn_decision(**changes: object) -> dict[str, object]:
    excerpt = "Huawei has rejected the allegations, saying it operates independently of the ruling party of China."
    data: dict[str, object] = {
        "id": "cn-test-position", "topic": "huawei-5g", "country": "CN", "stance": "allow", "status": "reported",
        "summary": "Huawei says it operates independently of the ruling party.",
        "evidence": [{"claim": "decision", "source": "pompeo-relationship-not-at-risk", "start": 1322,
                      "end": 1322 + len(excerpt), "excerpt": excerpt}],
    }
    data.update(changes)
    return data


def test_a_valid_decision_appears_on_the_map_and_in_the_audit_log(conn: sqlite3.Connection) -> None:
    text = conn.execute("SELECT text FROM sources WHERE id = 'pompeo-relationship-not-at-risk'").fetchone()[0]
    data = _cn_decision()
    start = text.index(data["evidence"][0]["excerpt"])  # type: ignore[index]
    data["evidence"][0].update(start=start, end=start + len(data["evidence"][0]["excerpt"]))  # type: ignore[index]
    add_decision(conn, data, note="test")
    tiles = {t.country.code: t for t in Store(conn).tiles("huawei-5g")}
    assert tiles["CN"].stance == "allow"
    last = history(conn)[0]
    assert (last.action, last.record_table, last.record_id, last.note) == ("insert", "decisions",
                                                                             "cn-test-position", "test")
    assert conn.execute("SELECT count(*) FROM decisions_fts WHERE decisions_fts MATCH 'independently'").fetchone()[0]


@pytest.mark.parametrize(("changes", "field"), [
    ({"stance": "banned"}, "stance"),
    ({"country": "XX"}, "country"),
    ({"date": "2020-02-30", "date_precision": "day"}, "date"),
    ({"id": "gb-2020-01-28-limited-role"}, "id"),
    ({"evidence": []}, "evidence"),
])
def test_an_invalid_decision_is_refused_and_nothing_changes(db: Path, conn: sqlite3.Connection,
                                                            changes: dict[str, object], field: str) -> None:
    before = counts(conn)
    with pytest.raises(EditError) as caught:
        add_decision(conn, _cn_decision(**changes))
    assert any(f.startswith(field) for f, _ in caught.value.problems), caught.value.problems
    assert counts(conn) == before


def test_a_decision_whose_excerpt_does_not_match_is_refused(conn: sqlite3.Connection) -> None:
    with pytest.raises(EditError, match="excerpt does not match"):
        add_decision(conn, _cn_decision())  # the span in _cn_decision is deliberately off


def _placed(conn: sqlite3.Connection, source: str, excerpt: str, claim: str = "decision",
            **extra: object) -> dict[str, object]:
    """Evidence whose span is right, so that only the support rule under test can refuse it."""
    text = conn.execute("SELECT text FROM sources WHERE id = ?", (source,)).fetchone()[0]
    start = text.index(excerpt)
    return {"claim": claim, "source": source, "start": start, "end": start + len(excerpt), "excerpt": excerpt,
            **extra}


RELATIONSHIP = "pompeo-relationship-not-at-risk"
HUAWEI_DENIES = "Huawei has rejected the allegations, saying it operates independently of the ruling party of China."


@pytest.mark.parametrize(("changes", "field", "message"), [
    # A specific the excerpt does not state (the "Prime Minister Conte" class).
    ({"summary": "Huawei says it operates independently of the ruling party since 2019."}, "summary",
     "does not state '2019'"),
    ({"summary": "Huawei tells Beijing it operates independently.", "specifics": {"decision": ["Beijing"]}},
     "summary", "does not state 'Beijing'"),
    # A month the excerpt does not give (the "April 2019" class): "In May" read by its rule gives 2019-05.
    ({"date": "2019-05-14", "date_precision": "day", "date_inferred": True}, "date_precision",
     "supports only 2019-05 (month)"),
])
def test_an_edit_must_be_supported_by_its_excerpts(conn: sqlite3.Connection, changes: dict[str, object],
                                                   field: str, message: str) -> None:
    supported = _cn_decision(evidence=[
        _placed(conn, RELATIONSHIP, HUAWEI_DENIES),
        _placed(conn, RELATIONSHIP, "In May", "date", date_rule="month-before-published")],
        date="2019-05", date_precision="month", date_inferred=True)
    before = counts(conn)
    with pytest.raises(EditError) as caught:
        add_decision(conn, {**supported, **changes})
    assert any(f == field and message in m for f, m in caught.value.problems), caught.value.problems
    assert counts(conn) == before
    add_decision(conn, supported)  # without the unsupported change, the same record is accepted


def test_an_edit_cannot_dispute_a_later_claim(conn: sqlite3.Connection) -> None:
    # The 2019 ambassador's article cannot dispute something first reported in January 2020.
    data = _cn_decision(evidence=[
        _placed(conn, RELATIONSHIP, HUAWEI_DENIES),
        _placed(conn, "china-ambassador-urges-uk", "Huawei has repeatedly denied accusations by the US",
                role="disputes")])
    with pytest.raises(EditError) as caught:
        add_decision(conn, data)
    assert caught.value.problems == [("evidence[1]", "'china-ambassador-urges-uk' (2019) cannot dispute a claim of "
                                      "2020-01-31: it was written before; record the earlier report as an event of "
                                      "its own disputed by the later one")]


def test_a_quote_added_by_hand_is_not_corroborated_by_its_own_article(conn: sqlite3.Connection) -> None:
    text = "a partner and a friend"
    own = _placed(conn, RELATIONSHIP, text)
    data = {"id": "pompeo-partner-again", "topic": "huawei-5g", "actor": "mike-pompeo", "country": "GB",
            "text": text, "source": RELATIONSHIP, "start": own["start"], "end": own["end"],
            "evidence": [_placed(conn, RELATIONSHIP, "“a partner and a friend”", "quote")]}
    with pytest.raises(EditError, match="is the quote's own article"):
        add_quote(conn, data)


# ----- correcting quotes -----
def test_correct_a_quote_speaker_and_refuse_a_bad_span(conn: sqlite3.Connection) -> None:
    quote = correct_quote(conn, "liu-risks-incite-fear", {"actor": "victor-zhang"}, note="wrong speaker")
    assert quote.actor == "victor-zhang"
    entry = history(conn)[0]
    assert entry.action == "update" and '"actor": "liu-xiaoming"' in (entry.before or "")
    with pytest.raises(EditError, match="quote text does not match"):
        correct_quote(conn, "liu-risks-incite-fear", {"start": 5, "end": 5 + len(quote.text)})
    assert conn.execute("SELECT actor FROM quotes WHERE id = 'liu-risks-incite-fear'").fetchone()[0] == "victor-zhang"


# ----- reviewing in the app -----
async def test_review_screen_accepts_and_rejects_proposals(db: Path, tmp_path: Path) -> None:
    from techstance.tui.app import TechstanceApp
    from techstance.tui.screens.review import AcceptForm, ReviewScreen
    from techstance.tui.widgets.claim_panes import QuotesPane
    from textual.widgets import Input, Select

    from tests.helpers import settle

    conn = open_for_editing(db)
    import_article(conn, article(tmp_path), title="Vendor ruled out", topic="huawei-5g")
    conn.close()

    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and len(app.screen.proposals) == 2
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AcceptForm)
        await pilot.click("#accept")  # no country chosen: refused, explained, nothing written
        await settle(pilot)
        assert isinstance(app.screen, AcceptForm) and "Choose the country" in str(
            form.query_one("#country-error").render())
        form.query_one("#country", Select).value = "GB"
        form.query_one("#quote-id", Input).value = "warner-disappointed"  # taken: refused by the edit layer
        await pilot.pause(0.6)  # not a double click
        await pilot.click("#accept")
        await settle(pilot)
        # Refused by the edit layer: the form stays open with what was typed, and says why.
        assert isinstance(app.screen, AcceptForm)
        assert "already taken" in str(form.query_one("#quote-id-error").render())
        assert form.query_one("#country", Select).value == "GB"
        form.query_one("#quote-id", Input).value = "jane-doe-disappointed"
        await pilot.pause(0.6)
        await pilot.click("#accept")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and len(app.screen.proposals) == 1
        await pilot.press("x", "y")  # reject, and confirm
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and not app.screen.proposals
        await pilot.press("escape")
        await settle(pilot)
        await settle(pilot)  # the map reloads, then the country's panes
        quotes = app.screen.query_one(QuotesPane)
        assert any(q.actor.name == "Jane Doe" for q in quotes.quotes.values())
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM quotes WHERE actor = 'jane-doe'").fetchone()[0] == 1
    assert check.execute("SELECT status FROM proposed_quotes ORDER BY start").fetchall() == [("accepted",),
                                                                                            ("rejected",)]


async def test_add_a_decision_from_the_source_reader(db: Path) -> None:
    from techstance.tui.app import TechstanceApp
    from techstance.tui.screens.editing import AddDecisionForm
    from techstance.tui.screens.source_reader import SourceReader
    from techstance.tui.widgets.tile_map import TileMap
    from textual.widgets import Input, Select

    from tests.helpers import settle

    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")  # the UK decision's first source, in the reader
        await settle(pilot)
        assert isinstance(app.screen, SourceReader)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#find", Input).value = "Beijing made it clear"
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, SourceReader)
        excerpt = reader.current_excerpt()
        assert excerpt is not None and reader.doc is not None
        assert reader.doc.text[excerpt.start:excerpt.end] == "Beijing made it clear"
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddDecisionForm)
        before = counts(open_for_editing(db))
        form.query_one("#country", Select).value = "CN"
        form.query_one("#decision-id", Input).value = "cn-warning"
        await pilot.click("#save")  # no stance, status or summary yet: explained, nothing saved
        await settle(pilot)
        assert isinstance(app.screen, AddDecisionForm)
        assert "Required" in str(form.query_one("#stance-error").render())
        assert counts(open_for_editing(db)) == before
        form.query_one("#stance", Select).value = "undecided"
        form.query_one("#status", Select).value = "reported"
        form.query_one("#summary", Input).value = "Beijing warned of repercussions of an outright ban."
        await pilot.pause(0.6)  # not a double click
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, SourceReader)
        await pilot.press("escape")
        await settle(pilot)
        await settle(pilot)
        tiles = {t.country.code: t for t in app.screen.query_one(TileMap).tiles}
        assert tiles["CN"].stance == "undecided"
    last = history(open_for_editing(db))[0]
    assert (last.action, last.record_id) == ("insert", "cn-warning")


async def test_correct_a_quote_speaker_in_the_dashboard(db: Path) -> None:
    from techstance.tui.app import TechstanceApp
    from techstance.tui.screens.editing import CorrectQuoteForm
    from techstance.tui.widgets.claim_panes import QuotesPane
    from textual.widgets import Input, Select

    from tests.helpers import settle

    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "tab")
        quote = app.screen.query_one(QuotesPane).highlighted_quote()
        assert quote is not None
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CorrectQuoteForm)
        form.query_one("#start", Input).value = "999999"  # a span outside the article: refused
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, CorrectQuoteForm)
        assert "within the article" in str(form.query_one("#start-error").render())
        form.query_one("#start", Input).value = str(quote.start)
        form.query_one("#actor", Select).value = "dominic-raab"
        form.query_one("#note", Input).value = "speaker misread"
        await pilot.pause(0.6)  # two clicks within half a second would make a double click
        await pilot.click("#save")
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, CorrectQuoteForm), str(form.query_one("#form-error").render())
        changed = app.screen.query_one(QuotesPane).quotes[quote.id]
        assert changed.actor.id == "dominic-raab"
    last = history(open_for_editing(db))[0]
    assert (last.action, last.record_id, last.note) == ("update", quote.id, "speaker misread")


async def test_add_a_quote_from_the_source_reader(db: Path) -> None:
    from techstance.tui.app import TechstanceApp
    from techstance.tui.screens.editing import AddQuoteForm
    from techstance.tui.screens.source_reader import SourceReader
    from textual.widgets import Input, Select

    from tests.helpers import settle

    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter", "s")
        await settle(pilot)
        app.screen.query_one("#find", Input).value = "more advanced"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SourceReader)
        await pilot.press("Q")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddQuoteForm)
        form.query_one("#actor", Select).value = "ren-zhengfei"
        form.query_one("#quote-id", Input).value = "ren-more-advanced-again"  # the seeds hold it once
        await pilot.click("#save")
        await settle(pilot)
        assert isinstance(app.screen, SourceReader)
    conn = open_for_editing(db)
    row = conn.execute("SELECT text, actor, country FROM quotes WHERE id = 'ren-more-advanced-again'").fetchone()
    assert row == ("more advanced", "ren-zhengfei", "GB")
    assert history(conn)[0].record_id == "ren-more-advanced-again"


# ----- regressions found in review -----
def test_quotes_starting_at_the_same_place_are_all_paged(conn: sqlite3.Connection) -> None:
    start = conn.execute("SELECT start FROM quotes WHERE id = 'downing-street-like-minded'").fetchone()[0]
    text = conn.execute("SELECT substr(text, ?, 20) FROM sources WHERE id = 'uk-limited-role-us-reaction'",
                        (start + 1,)).fetchone()[0]
    conn.execute("INSERT INTO quotes (id, topic, actor, country, text, said_on, said_on_precision, source, start, "
                 "\"end\") VALUES ('zz-shorter', 'huawei-5g', 'downing-street', 'GB', ?, NULL, "
                 "'unknown', 'uk-limited-role-us-reaction', ?, ?)", (text, start, start + 20))
    conn.commit()
    store = Store(conn)
    everything = [q.id for q in store.quotes_about("huawei-5g", "GB", limit=100)]
    paged: list[str] = []
    after = None
    while True:
        page = store.quotes_about("huawei-5g", "GB", limit=1, after=after)
        if not page:
            break
        paged.append(page[0].id)
        after = page[0]
    assert paged == everything and "zz-shorter" in paged


def test_correcting_a_quote_to_an_unknown_topic_is_an_edit_error(conn: sqlite3.Connection) -> None:
    with pytest.raises(EditError, match="unknown topic"):
        correct_quote(conn, "liu-risks-incite-fear", {"topic": "no-such-topic"})


def test_a_proposal_reviewed_meanwhile_is_not_accepted_again(conn: sqlite3.Connection, tmp_path: Path) -> None:
    import_article(conn, article(tmp_path), topic="huawei-5g")
    first = conn.execute("SELECT id FROM proposed_quotes ORDER BY start").fetchone()[0]
    other = sqlite3.connect(conn.execute("PRAGMA database_list").fetchone()[2])
    other.execute("UPDATE proposed_quotes SET status = 'rejected' WHERE id = ?", (first,))  # another reviewer
    other.commit()
    before = counts(conn)
    with pytest.raises(EditError, match="already rejected"):
        accept_proposal(conn, first, quote_id="late", actor="dominic-raab", country="GB")
    assert counts(conn) == before


def test_cli_shows_control_characters_in_file_names_instead_of_sending_them(db: Path, tmp_path: Path) -> None:
    name = "evil\x1b]0;PWNED\x07.txt"
    article(tmp_path, name=name)
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "import", "--db", str(db), str(tmp_path / name)],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\\x1b]0;PWNED\\x07" in result.stdout
    history_out = subprocess.run([sys.executable, "-m", "techstance.tui", "history", "--db", str(db)],
                                 capture_output=True, text=True, check=True).stdout
    assert "\x1b" not in history_out and "\x07" not in history_out


def test_import_into_a_locked_database_is_one_line(db: Path, tmp_path: Path) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run([sys.executable, "-m", "techstance.tui", "import", "--db", str(db),
                                 str(article(tmp_path))],
                                capture_output=True, text=True, timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "database is locked" in result.stderr


def test_the_watcher_closes_the_connection_of_a_replaced_file(seed_db: Path, tmp_path: Path) -> None:
    import os

    from techstance.db.store.connection import open_database
    from techstance.db.store.watch import DatabaseWatcher

    path = tmp_path / "watched.db"
    path.write_bytes(seed_db.read_bytes())
    watcher = DatabaseWatcher(path, open_database(path))
    fds = []
    for i in range(4):
        replacement = tmp_path / f"new-{i}.db"
        replacement.write_bytes(seed_db.read_bytes())
        os.replace(replacement, path)
        assert watcher.poll() == "reopened"
        fds.append(len(os.listdir("/proc/self/fd")))
    assert fds[-1] == fds[0]
