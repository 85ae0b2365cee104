"""Text of every awkward shape in the data: shown exactly (as `visible` makes it), never acting.

One quote about the United Kingdom, its speaker's role, and the outlet, title, notes and
article of its source are each set to one shape: Rich/Textual markup, backslashes, terminal
escape sequences, other control characters, zero-width and right-to-left characters, emoji,
wide CJK text, a 3,000-character word, a lone space. For each shape the dashboard and the
source reader must keep running, show the quote's text character for character, send no raw
control character to the screen and keep their layout.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from techstance.tui.app import TechstanceApp
from techstance.tui.literal import visible
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.screens.source_reader import SourceReader
from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane, SourcesPane
from techstance.tui.widgets.tile_map import TileMap
from textual.widget import Widget

from tests.conftest import make_app, settle
from tests.tui.screens.test_dashboard import shown_text
from tests.tui.test_literal_text import flat

SIZE = (120, 36)
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\x08", "\x7f", "\x9b")
LONG_WORD = "Begin" + "".join(chr(ord("a") + i % 26) for i in range(2990)) + "Final"
CJK = "华为在英国五网络中被限制使用。日本の通信事業者は華為技術の機器を使わない方針を示した。" * 3


@dataclass(frozen=True)
class Shape:
    text: str
    role: str | None = None  # the speaker's role; None: the shape itself
    prefix: int | None = None  # wraps mid-word: check only this many leading characters

    @property
    def speaker_role(self) -> str:
        return self.text if self.role is None else self.role


SHAPES: dict[str, Shape] = {
    "markup-balanced": Shape("[b]x[/b] stays [bold]as typed[/bold]"),
    "markup-unbalanced": Shape("[b]x never closed"),
    "markup-close-all": Shape("before [/] after"),
    "markup-close-named": Shape("[/b] alone"),
    "markup-variable": Shape("[$accent]x and [$error on $panel]y"),
    "markup-link": Shape("[link=http://x]y[/link]"),
    "markup-action-link": Shape("[@click=app.quit]q[/] and [@click=screen.dismiss]d[/]"),
    "backslash-path": Shape("C:\\new\\table"),
    "backslash-escaped-markup": Shape("\\[b] and \\\\[i]x"),
    "ansi-csi": Shape("\x1b[31mred\x1b[0m \x1b[2J\x1b[H \x1b[?1049l"),
    "ansi-osc": Shape("\x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b]0;title\x1b\\ \x1b]52;c;aGk=\x07"),
    "control-characters": Shape("bell\x07 nul\x00 bs\x08 del\x7f c1\x9b31m"),
    "zero-width": Shape("zero\u200bwidth joiner\u200djoined bom\ufeffmark"),
    "right-to-left": Shape("قال الوزير إن القرار نهائي · אמר השר \u202eoverride\u202c end"),
    "emoji": Shape("family 👩\u200d👩\u200d👧\u200d👦 flag 🇬🇧 tone 👍🏽 rainbow 🏳️\u200d🌈"),
    "wide-cjk": Shape(CJK, role="wide-text role", prefix=20),
    "long-word": Shape(LONG_WORD, role="long-word role", prefix=40),
    "single-space": Shape(" "),
    "empty-role": Shape("An ordinary quote by a speaker with an empty role.", role=""),
}


def shape_db(seed_db: Path, tmp_path: Path, shape: Shape) -> Path:
    """A copy of the seed database plus one source, speaker, quote and evidence of this shape."""
    db = tmp_path / "shapes.db"
    db.write_bytes(seed_db.read_bytes())
    article = f'Intro line.\n"{shape.text}," said the speaker.\nEnd.'
    start = article.index(shape.text)
    end = start + len(shape.text)
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("INSERT INTO sources (id, outlet, title, published, date_precision, date_inferred,"
                         " seed_file, text, sha256, notes) "
                         "VALUES ('shape', ?, ?, '2030-01-01', 'day', 0, 'shape.txt', ?, ?, ?)",
                         (shape.text, shape.text, article, "0" * 64, shape.text))
            conn.execute("INSERT INTO actors VALUES ('shape-speaker', 'Shape Speaker', 'person', ?, NULL, 'GB')",
                         (shape.speaker_role,))
            conn.execute("INSERT INTO quotes (id, topic, actor, country, text, said_on, said_on_precision,"
                         " source, start, [end]) "
                         "VALUES ('shape-quote', 'huawei-5g', 'shape-speaker', 'GB', ?, NULL, "
                         "'unknown', 'shape', ?, ?)", (shape.text, start, end))
            conn.execute("INSERT INTO evidence (id, claim_table, claim_id, claim_field, source, start, [end],"
                         " excerpt, role) "
                         "VALUES ('ev-shape', 'quotes', 'shape-quote', 'quote', 'shape', ?, ?, ?, "
                         "'supports')", (start, end, shape.text))
    finally:
        conn.close()
    return db


def expected(shape: Shape) -> str:
    """What must appear on screen: the whole text made visible, or its distinctive start."""
    shown = visible(shape.text)
    return shown[: shape.prefix] if shape.prefix else shown


def assert_no_raw_controls(screen: Widget) -> None:
    """No widget on the screen renders a character the terminal would take as a command."""
    for widget in screen.query("*"):
        if not widget.display or not widget.outer_size.area:
            continue
        text = shown_text(widget)
        for char in RAW_CONTROLS:
            assert char not in text, f"raw {char!r} rendered by {widget!r}"


def assert_boxed(pane: Widget) -> None:
    """A round border all around: the first and last lines start and end with its corners."""
    lines = shown_text(pane).splitlines()
    assert len(lines) == pane.outer_size.height >= 3
    assert lines[0].startswith("╭") and lines[0].endswith("╮"), lines[0]
    assert lines[-1].startswith("╰") and lines[-1].endswith("╯"), lines[-1]
    for line in lines[1:-1]:
        assert line.startswith("│") and line.endswith("│"), line


@pytest.mark.parametrize("name", list(SHAPES))
async def test_shape_is_shown_exactly_on_the_dashboard_and_in_the_reader(
        name: str, seed_db: Path, tmp_path: Path) -> None:
    shape = SHAPES[name]
    app = make_app(shape_db(seed_db, tmp_path, shape))
    assert isinstance(app, TechstanceApp)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, Dashboard)
        assert dashboard.query_one(TileMap).selected == "GB"
        quotes = dashboard.query_one(QuotesPane)
        quote = quotes.highlighted_quote()
        assert quote is not None and quote.id == "shape-quote"
        pane = flat(shown_text(quotes))
        assert "Shape Speaker" in pane
        assert (f"“{expected(shape)}" if shape.prefix else f"“{expected(shape)}”") in pane
        assert_no_raw_controls(dashboard)
        for pane_type in (TileMap, DecisionPane, QuotesPane, SourcesPane):
            assert_boxed(dashboard.query_one(pane_type))

        await pilot.press("tab", "tab")  # map → decision → quotes: the sources pane shows the quote's evidence
        await pilot.pause()
        assert app.is_running and dashboard.focused is quotes
        assert expected(shape) in flat(shown_text(dashboard.query_one(SourcesPane)))
        assert_no_raw_controls(dashboard)

        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        reader = app.screen
        assert isinstance(reader, SourceReader)
        article = flat(reader.article.drawn_text())
        assert "Intro line." in article and "End." in article
        if shape.prefix:
            assert f'"{expected(shape)}' in article
        else:
            assert f'"{expected(shape)}," said the speaker.' in article
        meta = flat(shown_text(reader.query_one("#source-meta")))
        assert expected(shape)[:20] in meta
        assert reader.index is not None
        current = reader.excerpt_list[reader.index]
        assert (current.start, current.end) == (quote.start, quote.end)
        assert_no_raw_controls(reader)
        assert shown_text(reader.query_one("#title-bar")).startswith(" ◐ techstance")
        assert reader.query_one("#article").size.height >= SIZE[1] // 2  # the notes never crowd out the article

        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.screen is dashboard
        for pane_type in (TileMap, DecisionPane, QuotesPane, SourcesPane):
            assert_boxed(dashboard.query_one(pane_type))
