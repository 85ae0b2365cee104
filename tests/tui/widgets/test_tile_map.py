"""The map fills its pane (issue 15): full stance words, tiles that grow with the window, the
whole screen when zoomed, a narrow list that starts at the top with a cue, an empty filter said."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.tui.widgets.tile_map import TileMap
from textual.geometry import Region
from textual.strip import Strip

from tests.helpers import app_for, press, settle, shown_text


def tile_height(tile_map: TileMap, code: str) -> int:
    return len({hit.y for hit in tile_map._hits if hit.code == code})


async def test_tiles_write_the_full_stance_word_at_120x36(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        assert not tile_map.list_mode
        text = shown_text(tile_map)
        # Canada, the UK, New Zealand and the legend: no "rest~" or "res~!" any more.
        assert text.count("restrict") == 4
        assert "NZ ~!" in text and "rest~" not in text


async def test_tiles_grow_with_the_window(seed_db: Path) -> None:
    heights = {}
    for size in ((120, 36), (200, 50)):
        app = app_for(seed_db)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            tile_map = app.screen.query_one(TileMap)
            shown_text(tile_map)
            heights[size] = (tile_height(tile_map, "JP"), tile_map.outer_size.height)
    assert heights[(200, 50)][0] > heights[(120, 36)][0]
    assert heights[(200, 50)][1] > heights[(120, 36)][1] >= 14  # it was 12 rows at every size


async def test_zoom_gives_the_map_the_whole_screen(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        before = tile_height(tile_map, "JP")
        await press(pilot, "z")
        assert app.screen.maximized is tile_map
        assert tile_map.outer_size.height >= 36 - 2  # all but the footer (and no title bar)
        shown_text(tile_map)
        assert tile_height(tile_map, "JP") > before


async def test_narrow_list_starts_at_the_top_and_cues_what_is_hidden(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        assert tile_map.list_mode
        await press(pilot, "g")  # the first country: the list from its top
        text = shown_text(tile_map)
        assert "more above" not in text and "more below" in text
        assert text.index("Americas") < text.index("Canada")  # the first region's title is shown
        await press(pilot, "G")
        text = shown_text(tile_map)
        assert "more above" in text and "United Kingdom" in text


async def test_a_filter_matching_nothing_says_so(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "f")  # only ban: three countries
        assert "No country matches" not in shown_text(app.screen.query_one(TileMap))
        await press(pilot, "f", "f", "f")  # only undecided: none in the seeds
        assert app.screen.query_one(TileMap).stance_filter == "undecided"
        assert "No country matches this filter" in shown_text(app.screen.query_one(TileMap))


async def test_the_narrow_list_draws_only_the_countries_it_shows(seed_db: Path) -> None:
    # A full-scale map has 250 countries in the narrow list and shows about 20: drawing the others
    # on every move cost a few milliseconds each (docs/benchmarks.md, round two).
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        assert tile_map.list_mode
        drawn: list[str] = []
        original = tile_map._list_tile

        def counted(tile, width, style):  # type: ignore[no-untyped-def]
            drawn.append(tile.country.code)
            return original(tile, width, style)

        tile_map._list_tile = counted  # type: ignore[method-assign]
        await press(pilot, "g")  # from the top to the end: the window moves
        drawn.clear()
        await press(pilot, "G")
        text = shown_text(tile_map)
        assert "more above" in text and drawn
        assert all(tile_map.tile(code) is not None and tile_map.tile(code).country.name in text  # type: ignore[union-attr]
                   for code in set(drawn))


async def test_the_damage_lines_under_the_map_are_read_whole_at_80x24(seed_db: Path, tmp_path: Path) -> None:
    """Countries the map cannot place are listed under it; at 80 columns each line was cut to the
    pane ("⚠ damaged record · countries · NZ · t"), losing what is damaged."""
    import sqlite3

    from tests.helpers import flat

    db = tmp_path / "off-map.db"
    db.write_bytes(seed_db.read_bytes())
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints=ON")
    conn.execute("UPDATE countries SET tile_row = 9999999 WHERE code = 'NZ'")
    conn.execute("UPDATE countries SET tile_col = -4 WHERE code = 'JP'")
    conn.close()
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = flat(shown_text(app.screen.query_one(TileMap)))
        lines = ["⚠ damaged record · countries · JP · tile_col: -4 is outside 0..99",
                 "⚠ damaged record · countries · NZ · tile_row: 9999999 is outside 0..99"]
        assert all(line in text for line in lines), text


def drawn_cells(tile_map: TileMap) -> list[list[tuple[str, object]]]:
    """Every cell of the map as drawn now (its border too): the character and its style."""
    strips = tile_map.render_lines(Region(0, 0, *tile_map.outer_size))
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


async def whole_drawing(pilot: object, tile_map: TileMap) -> list[list[tuple[str, object]]]:
    tile_map.refresh()
    await settle(pilot)
    return drawn_cells(tile_map)


@pytest.mark.parametrize(("size", "keys"), [
    ((120, 36), ["right", "down", "left", "l", "j", "G", "g"]),  # the grid
    ((80, 24), ["g", "down", "down", "G", "up", "g", "j"]),  # the narrow list, its window moving too
])
async def test_a_move_draws_what_a_whole_drawing_of_the_map_draws(
        seed_db: Path, size: tuple[int, int], keys: list[str]) -> None:
    # A move redraws only the lines it changed (docs/benchmarks.md, round three): after each one
    # the map must be exactly what drawing it whole gives.
    app = app_for(seed_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        tile_map.focus()
        await settle(pilot)
        for key in keys:
            before = tile_map.selected
            await press(pilot, key)
            assert tile_map.selected != before
            moved = drawn_cells(tile_map)
            assert moved == await whole_drawing(pilot, tile_map), key


async def test_a_move_on_the_map_draws_only_the_lines_it_changed(seed_db: Path) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        tile_map = app.screen.query_one(TileMap)
        tile_map.focus()
        await settle(pilot)
        wholes: list[int] = []
        lines: list[int] = []
        whole, line = tile_map._render_content, tile_map.render_line

        def drawn_whole() -> None:
            wholes.append(1)
            whole()

        def drawn_line(y: int) -> Strip:
            lines.append(y)
            return line(y)

        tile_map._render_content = drawn_whole  # type: ignore[method-assign]
        tile_map.render_line = drawn_line  # type: ignore[method-assign]
        await press(pilot, "right")
        await settle(pilot)
        tall = tile_height(tile_map, tile_map.selected or "")
        assert not wholes
        assert 0 < len(lines) <= 2 * tall < tile_map.size.height  # the two tiles' lines at most
