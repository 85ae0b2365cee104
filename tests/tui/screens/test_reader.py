"""The source reader on any article the importer accepts: first frame in time, memory that does not
grow with the article, keyboard and mouse selection cited by the editing forms, a find that
forgives quote and dash forms, the source's quality, and review responsive on a 2 MB article."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from techstance.db.curation.importer import MAX_BYTES, import_article
from techstance.db.store.edits import open_for_editing, open_proposals
from techstance.db.store.read_models import EvidenceItem, SourceRef
from techstance.tui.app import TechstanceApp
from techstance.tui.formatting import cut_to_lines, quoted
from techstance.tui.intents import OpenSource
from techstance.tui.loose_find import find_loosely
from techstance.tui.screens.editing import AddDecisionForm, AddQuoteForm
from techstance.tui.screens.editing import FindText as FindTextForm
from techstance.tui.screens.review import ReviewScreen
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.article import ArticleView
from techstance.tui.widgets.article_layout import CHUNK, KEEP
from techstance.tui.widgets.claim_panes import Claim, SourcesPane
from textual import events
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from tests.helpers import settle

SIZE = (120, 36)
QUOTE = "Nothing is decided yet, and the vendor’s kit stays."
LONG_NOTE = "A note that runs on. " * 60
# Several chunks of numbered lines, some long enough to wrap, the quotation at the end.
NUMBERED = "".join(f"line {i:05d} " + ("word " * (i % 40)) + "\n" for i in range(3000)) + f"“{QUOTE}”\n"


def article_of(size: int) -> str:
    """`size` characters of one-character lines with a quotation at the very end: the shape that
    made one widget per line and froze the reader."""
    tail = f"\n“{QUOTE}” an official said.\n"
    lines = "x\n" * ((size - len(tail.encode())) // 2)
    return lines + tail


def add_source(db: Path, source_id: str, text: str, *, quality: str = "original", notes: str = "") -> EvidenceItem:
    start = text.index(QUOTE)
    end = start + len(QUOTE)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO sources (id, outlet, title, published, date_precision, date_inferred, seed_file,"
                     " text, sha256, notes, quality) VALUES (?, 'Wire', 'Long', '2026-11-20', 'day', 0, NULL,"
                     " ?, ?, ?, ?)", (source_id, text, "0" * 64, notes, quality))
    ref = SourceRef(id=source_id, outlet="Wire", title="Long", published="2026-11-20", date_precision="day",
                    date_inferred=False, quality=quality)
    return EvidenceItem(id=f"ev-{source_id}", claim_table="quotes", claim_id="q", claim_field="quote",
                        role="supports", source=ref, start=start, end=end, excerpt=QUOTE)


@pytest.fixture(scope="module")
def long_db(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, EvidenceItem]]:
    db = tmp_path_factory.mktemp("long") / "long.db"
    db.write_bytes(seed_db.read_bytes())
    evidence = {
        "small": add_source(db, "small", article_of(10_000)),
        "big": add_source(db, "big", article_of(MAX_BYTES)),
        "noted": add_source(db, "noted", article_of(2_000), quality="paraphrase", notes=LONG_NOTE),
        "numbered": add_source(db, "numbered", NUMBERED),
    }
    return db, evidence


def first_frame_clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """When the article view first draws a loaded article: the moment the reader shows it."""
    seen: dict[str, float] = {}
    original = ArticleView.render_lines

    def render_lines(self: ArticleView, crop: Region) -> Any:
        lines = original(self, crop)
        if self.text and "first" not in seen:
            seen["first"] = time.perf_counter()
        return lines

    monkeypatch.setattr(ArticleView, "render_lines", render_lines)
    return seen


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        assert time.perf_counter() < deadline, "timed out"
        await asyncio.sleep(0.002)


async def open_reader(app: TechstanceApp, pilot: Pilot[Any], evidence: EvidenceItem,
                      clock: dict[str, float] | None = None) -> tuple[SourceReader, float]:
    start = time.perf_counter()
    app.screen.post_message(OpenSource(evidence=evidence))
    await until(pilot, lambda: isinstance(app.screen, SourceReader) and app.screen.doc is not None
                and (clock is None or "first" in clock))
    took = (clock["first"] if clock else time.perf_counter()) - start
    reader = app.screen
    assert isinstance(reader, SourceReader)
    await settle(pilot)
    return reader, took


def visible_rows(article: ArticleView) -> str:
    top = article.scroll_offset.y
    return "\n".join("".join(t for t, _ in article.row_parts(row))
                     for row in range(top, top + article.scrollable_content_region.height))


# ----- bounded: time and memory -----
async def test_a_2mb_article_of_a_million_lines_opens_at_its_excerpt_within_half_a_second(
        long_db: tuple[Path, dict[str, EvidenceItem]], monkeypatch: pytest.MonkeyPatch) -> None:
    db, evidence = long_db
    clock = first_frame_clock(monkeypatch)
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Best of three openings: another process on this shared machine can only add time, and a
        # reader whose cost grew with the article would be slow every time. A 10 KB article opened
        # the same way measures the machine: when it is so loaded that even that takes most of the
        # budget, the 2 MB one is held to the small one's time instead (its cost must not grow).
        best: dict[str, float] = {}
        for name in ("small", "big"):
            tries = []
            for _ in range(3):
                clock.clear()
                reader, took = await open_reader(app, pilot, evidence[name], clock)
                tries.append(took)
                if name == "small" or len(tries) < 3:
                    await pilot.press("escape")
                    await settle(pilot)
            best[name] = min(tries)
            size = len(reader.doc.text) if reader.doc else 0
            print(f"\nfirst frame, {name} article of {size:,} characters: {[round(t * 1000) for t in tries]} ms")
        assert best["big"] < max(0.5, 1.5 * best["small"] + 0.1), best
        assert reader.doc is not None and reader.doc.text.count("\n") > 990_000
        # scrolled to the cited excerpt at the very end, marked as the current one
        assert QUOTE in visible_rows(reader.article).replace("\n", "")
        assert reader.article.layout_rows.rows_held() <= KEEP * CHUNK


async def test_memory_and_widgets_do_not_grow_with_the_article(
        long_db: tuple[Path, dict[str, EvidenceItem]]) -> None:
    db, evidence = long_db
    app = TechstanceApp.for_database(db)
    figures: dict[str, tuple[int, int, int]] = {}
    sizes: dict[str, int] = {}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in ("small", "big"):
            tracemalloc.start()
            reader, _ = await open_reader(app, pilot, evidence[name])
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            figures[name] = (peak, len(list(reader.query("*"))), reader.article.layout_rows.rows_held())
            sizes[name] = len(reader.doc.text) if reader.doc else 0
            await pilot.press("escape")
            await settle(pilot)
    print(f"\n(tracemalloc peak bytes, widgets, rows held): {figures}, characters: {sizes}")
    assert figures["big"][1] == figures["small"][1], "widgets grew with the article"
    assert figures["big"][2] <= KEEP * CHUNK
    # The text itself is read, decoded and held (a few copies at most while it is read); nothing
    # per line: the old reader's widget per line took about 25 KB each, 25 GB for these lines.
    grew = figures["big"][0] - figures["small"][0]
    assert grew < 4 * (sizes["big"] - sizes["small"]), figures


async def test_scrolling_back_from_the_end_shows_every_line_once_in_order(
        long_db: tuple[Path, dict[str, EvidenceItem]]) -> None:
    """Chunks above the excerpt are wrapped only when scrolled into: the view must not jump."""
    db, evidence = long_db
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, evidence["numbered"])
        article = reader.article
        region = Region(0, 0, article.size.width, article.size.height)
        seen: list[int] = []
        for _ in range(2000):
            article.render_lines(region)  # draw, as a frame would (this wraps what comes into view)
            numbers = [int(row.split()[1]) for row in visible_rows(article).splitlines() if row.startswith("line ")]
            if seen:
                # a page up shows the page before: no gap, and not the same lines again (but the
                # first page, where the scroll stops at the top)
                assert numbers[0] < seen[0] <= numbers[-1] + 1, (numbers, seen[:3])
                assert numbers[-1] <= seen[0] + 2 or article.scroll_offset.y == 0, (numbers, seen[:3])
            seen[:0] = [n for n in numbers if not seen or n < seen[0]]
            if article.scroll_offset.y == 0:
                break
            article.scroll_to(y=article.scroll_offset.y - (article.size.height - 2), animate=False, force=True)
        assert seen == list(range(3000)), [n for a, n in zip(range(3000), seen, strict=False) if a != n][:5]


async def test_the_cursor_moving_up_into_chunks_not_yet_wrapped_never_makes_the_view_jump(
        long_db: tuple[Path, dict[str, EvidenceItem]]) -> None:
    db, evidence = long_db
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, evidence["numbered"])
        article = reader.article
        region = Region(0, 0, article.size.width, article.size.height)

        def first_line() -> int:
            return min(int(row.split()[1]) for row in visible_rows(article).splitlines() if row.startswith("line "))

        article.render_lines(region)
        before = first_line()
        # Up through several chunks, one row per key (a chunk is about 74 of these lines). 500 keys
        # cross four boundaries at 2.0 CPU-s; the 1,500 before crossed twelve at 6.1.
        for _ in range(500):
            was = article.cursor
            article.action_cursor_up()
            assert article.cursor < was, "a key was lost where a chunk not yet wrapped begins"
            article.render_lines(region)
            now = first_line()
            assert before - 2 <= now <= before, (before, now)
            row = article.layout_rows.row_of_offset(article.cursor)
            top = article.scroll_offset.y
            assert top <= row < top + article.scrollable_content_region.height, "the cursor left the window"
            span = article.layout_rows.span_of_row(row)
            assert span is not None and span[0] <= article.cursor <= span[1]
            before = now
        assert before < 2780, before  # up through some four chunks


# ----- keyboard and mouse selection -----
async def test_shift_arrows_select_and_new_quote_cites_exactly_that(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, SourceReader) and reader.doc is not None
        start = reader.article.cursor
        current = reader.current_excerpt()
        assert current is not None and start == current.start  # the cursor starts at the excerpt
        await pilot.press("w", *["shift+right"] * 7)
        assert reader.article.selection() is not None
        begin, end = reader.article.selection()  # type: ignore[misc]
        assert end - begin == 7 and begin > start
        assert "7 characters selected" in str(reader.query_one("#source-meta", Static).render())
        await pilot.press("Q")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddQuoteForm)
        assert (form.start, form.end, form.text) == (begin, end, reader.doc.text[begin:end])


async def test_v_starts_a_selection_that_words_extend_and_new_decision_cites_it(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, SourceReader) and reader.doc is not None
        start = reader.article.cursor
        await pilot.press("v", "w", "w")
        text = reader.doc.text
        assert reader.article.selection() is not None
        begin, end = reader.article.selection()  # type: ignore[misc]
        assert begin == start and text[begin:end].split() == text[start:].split()[:2]
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddDecisionForm)
        assert (form.start, form.end, form.excerpt) == (begin, end, text[begin:end])


async def test_a_plain_move_drops_a_shift_selection_and_the_excerpt_is_cited_again(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, SourceReader)
        await pilot.press("shift+down")
        assert reader.article.selection() is not None
        await pilot.press("right")
        assert reader.article.selection() is None
        current = reader.current_excerpt()
        assert current is not None and reader.chosen_span() == (current.start, current.end)


async def test_mouse_drag_selects_the_words_under_it(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, SourceReader) and reader.doc is not None
        article = reader.article
        region = article.scrollable_content_region
        y = region.y - article.region.y + 2  # the third row on screen
        x0 = region.x - article.region.x + 2  # past the gutter: the row's first character
        await pilot.mouse_down(article, offset=(x0, y))
        await pilot.hover(article, offset=(x0 + 10, y))
        await pilot.mouse_up(article, offset=(x0 + 10, y))
        span = article.layout_rows.span_of_row(article.scroll_offset.y + 2)
        assert span is not None
        assert article.selection() == (span[0], span[0] + 10)


# ----- find -----
def test_find_forgives_quote_and_dash_forms_spacing_and_case_and_answers_exact_offsets() -> None:
    text = "He said: “We don’t — ever — take  shortcuts…” Then left."
    for typed in ('"we don\'t - ever - take shortcuts..."', "DON'T — EVER", "take shortcuts…\"",
                  "don’t\n-\tever"):
        found = find_loosely(text, typed)
        assert found is not None, typed
    start, end = find_loosely(text, '"we don\'t - ever - take shortcuts..."')  # type: ignore[misc]
    assert text[start:end] == "“We don’t — ever — take  shortcuts…”"
    assert find_loosely(text, "shortcut!") is None
    assert find_loosely(text, "   ") is None


async def test_find_with_a_straight_apostrophe_finds_the_curly_one_and_selects_it(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, SourceReader) and reader.doc is not None
        target = "Huawei’s involvement in 5G"
        assert target in reader.doc.text
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, FindTextForm)
        await pilot.press(*"huawei's  involvement in 5g", "enter")
        await settle(pilot)
        assert app.screen is reader
        at = reader.doc.text.index(target)
        assert reader.article.selection() == (at, at + len(target))
        await pilot.press("Q")
        await settle(pilot)
        assert isinstance(app.screen, AddQuoteForm) and app.screen.text == target


async def test_a_miss_keeps_what_was_typed_and_says_so_beside_the_field(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "down", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FindTextForm)
        await pilot.press(*"no such words anywhere", "enter")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#find", Input).value == "no such words anywhere"
        assert "Not found" in str(form.query_one("#form-error", Static).render())


# ----- the source's quality, notes cut with an ellipsis, excerpts quoted once -----
async def test_the_reader_says_how_far_the_source_can_be_trusted_and_cuts_a_long_note_visibly(
        long_db: tuple[Path, dict[str, EvidenceItem]]) -> None:
    db, evidence = long_db
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, evidence["noted"])
        meta = str(reader.query_one("#source-meta", Static).render())
        assert "machine paraphrase" in meta and "Wire" in meta
        assert meta.rstrip().endswith("…")
        await pilot.press("escape")
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, evidence["small"])
        assert "original report" in str(reader.query_one("#source-meta", Static).render())


async def test_a_cited_span_holding_other_words_than_its_excerpt_is_said_to_differ(
        long_db: tuple[Path, dict[str, EvidenceItem]]) -> None:
    # A row written by another tool (or a source's text replaced under its evidence) can point its
    # span at other words. Before, the reader highlighted those words as the excerpt without a word,
    # so a fact-checker read the pane's excerpt and the highlighted text as the same citation.
    db, evidence = long_db
    cited = evidence["small"]
    moved = dataclasses.replace(cited, start=cited.start - 30, end=cited.end - 30)
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, moved)
        meta = str(reader.query_one("#source-meta", Static).render())
        assert "The highlighted words are not the cited excerpt" in meta
        assert QUOTE[:20] in meta  # what was cited, to compare with what is highlighted
        await pilot.press("escape")
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, cited)
        assert "not the cited excerpt" not in str(reader.query_one("#source-meta", Static).render())


async def test_an_article_saved_with_crlf_line_ends_shows_no_carriage_returns(seed_db: Path,
                                                                               tmp_path: Path) -> None:
    # Before: every line of an article saved on Windows ended in a visible "\x0d" in the reader
    # and the review, and a line as wide as the pane wrapped a lone "\x0d" onto a row of its own.
    db = tmp_path / "crlf.db"
    db.write_bytes(seed_db.read_bytes())
    wide = "w" * (SIZE[0] - 8)  # as wide as the article's rows, give or take its padding
    text = f"First line.\r\n{wide}\r\nA quote: “{QUOTE}”\r\nLast line.\r\n"
    evidence = add_source(db, "crlf", text)
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader, _ = await open_reader(app, pilot, evidence)
        article = reader.article
        await pilot.press("g")
        await settle(pilot)
        rows = [row.rstrip() for row in visible_rows(article).splitlines()]
        assert not any("\\x0d" in row for row in rows), rows
        assert rows[:4] == ["First line.", wide[:len(rows[1])], *rows[2:4]] and "Last line." in rows, rows
        assert all(row for row in rows[:rows.index("Last line.") + 1]), rows  # no row of a lone CR


def test_cut_to_lines_ends_a_cut_with_an_ellipsis_and_leaves_a_fitting_text_alone() -> None:
    assert cut_to_lines("short note", 40, 2) == "short note"
    cut = cut_to_lines(LONG_NOTE, 40, 3)
    assert cut.endswith("…") and len(cut.splitlines()) == 3


def test_quoted_adds_no_mark_where_the_excerpt_has_one() -> None:
    assert quoted("plain words") == "“plain words”"
    assert quoted("“get this right”") == "“get this right”"
    assert quoted('"Nothing is decided," he said') == '"Nothing is decided," he said”'
    assert quoted("") == "“”"


async def test_the_sources_pane_does_not_double_an_excerpt_s_own_quotation_marks(seed_db: Path) -> None:
    app = TechstanceApp.for_database(seed_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(SourcesPane)
        ref = SourceRef(id="s", outlet="Wire", title="T", published="2020-01-01", date_precision="day",
                        date_inferred=False)
        item = EvidenceItem(id="e", claim_table="quotes", claim_id="q", claim_field="quote", role="supports",
                            source=ref, start=0, end=5, excerpt="“get this right”")
        pane.show(Claim(title="t", evidence=(item,)))
        prompt = str(pane.get_option_at_index(0).prompt)
        assert "“get this right”" in prompt and "““" not in prompt and "””" not in prompt


# ----- review on the largest article -----
@pytest.fixture(scope="module")
def review_db(seed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review")
    db = folder / "review.db"
    db.write_bytes(seed_db.read_bytes())
    body = "x\n" * 999_000
    text = ('"We will not allow this vendor near our networks," the minister, Jane Doe, said.\n' + body
            + '"Nothing is decided yet," an official said.\n')
    assert len(text.encode()) <= MAX_BYTES
    article = folder / "big.txt"
    article.write_text(text, encoding="utf-8")
    import_article(open_for_editing(db), article, outlet="Wire", title="Big", date="2026-11-20", topic="huawei-5g")
    assert len(open_proposals(open_for_editing(db))) == 2
    return db


async def test_review_handles_a_key_on_a_2mb_article_well_under_100_ms(review_db: Path) -> None:
    app = TechstanceApp.for_database(review_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        listing = review.query_one("#proposals", OptionList)
        article = review.query_one("#review-article", ArticleView)
        timings = []
        for key in ("down", "up") * 4:
            before = article.marks.current
            start = time.process_time()
            # As the terminal driver delivers a key (Pilot.press adds a wait of its own per key).
            app.post_message(events.Key(key, None))
            await until(pilot, lambda b=before: article.marks.current != b)  # type: ignore[misc]
            region = Region(0, 0, article.size.width, article.size.height)
            article.render_lines(region)  # the frame that shows it
            timings.append(time.process_time() - start)
            proposal = review.current()
            assert proposal is not None and listing.highlighted is not None
            assert proposal.text in visible_rows(article).replace("\n", "")
        article.focus()
        scroll_start = time.process_time()
        for _ in range(10):
            article.action_page_down()
            article.render_lines(Region(0, 0, article.size.width, article.size.height))
        per_page = (time.process_time() - scroll_start) / 10
        print(f"\nreview, 2 MB article: key to new article frame {[f'{t * 1000:.0f}' for t in timings]} ms,"
              f" page down + frame {per_page * 1000:.1f} ms of CPU")
        # The app's CPU, not wall time: the old review took seconds of CPU a key, and wall time on a
        # loaded machine is mostly waiting for a core (at load 11 the median key took 112 ms of wall).
        # A key can still land behind another frame: the typical key is held to the bound.
        assert statistics.median(timings) < 0.1 and max(timings) < 0.5
        assert per_page < 0.05
