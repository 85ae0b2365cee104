"""Help and the command palette speak to people: no widget class names, no internal names, and
each action offered once (issue 15: "VerticalScroll" in help; "Help" and "Keys", "Zoom pane" and
"Maximize", and a bare "palette" in the palette)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from techstance.tui.screens.help import HelpScreen, help_sections

from tests.helpers import app_for, press, settle

SCREENS = {"dashboard": (), "reader": ("tab", "enter")}
CLASS_NAME = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")  # VerticalScroll, OptionList, ...


@pytest.mark.parametrize("where", sorted(SCREENS))
async def test_help_sections_are_named_for_people(seed_db: Path, where: str) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, *SCREENS[where])
        titles = [title for title, _ in help_sections(app, app.screen)]  # type: ignore[arg-type]
        assert titles and not [t for t in titles if CLASS_NAME.fullmatch(t)], titles
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "VerticalScroll" not in str(app.screen.query_one("#help-body").render())


@pytest.mark.parametrize("where", sorted(SCREENS))
async def test_the_palette_offers_each_action_once_by_a_human_name(seed_db: Path, where: str) -> None:
    app = app_for(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, *SCREENS[where])
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles)), titles
        assert "Help" in titles and "Keys" not in titles  # Textual's "Keys" is a second help
        assert "palette" not in titles
        if "Zoom pane" in titles:
            assert "Maximize" not in titles


def _screen_text(app: object) -> str:
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_help_in_an_80_column_terminal_is_not_cut(seed_db: Path) -> None:
    # Before: the closing line ended "ctrl+p lists every actio" at 80x24: help's box is at most 90%
    # of the screen, and its text did not wrap to it.
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark", "end")
        text = _screen_text(app)
        assert "lists every" in text and "action." in text  # wrapped, whole


def shown_help(app: object) -> str:
    from techstance.tui.app import TechstanceApp

    assert isinstance(app, TechstanceApp) and isinstance(app.screen, HelpScreen)
    return str(app.screen.query_one("#help-body").render())


async def test_help_lists_what_can_be_used_now_and_the_as_of_keys_once(seed_db: Path) -> None:
    """The as-of field is hidden until `a`: its typing keys ("Delete all to the left") were listed
    on the dashboard all along, and a, [, ], A were four entries."""
    app = app_for(seed_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        text = shown_help(app)
        assert "Typing" not in text and "Delete all to the left" not in text
        as_of = [line for line in text.splitlines() if "As of a date" in line]
        assert len(as_of) == 1 and all(key in as_of[0] for key in ("a", "[", "]", "A")), as_of
        assert "Previous event" not in text and "Back to today" not in text
        await press(pilot, "escape", "a")  # the field open: now its keys are the ones in use
        await press(pilot, "f1")
        assert "Delete all to the left" in shown_help(app)
