"""Every editing form, centred over the screen it belongs to, at 80x24 and 120x36. Review a changed
one as a picture: `rsvg-convert tests/tui/screens/__snapshots__/test_form_snapshots/NAME.svg -o /tmp/x.png`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from techstance.db.curation.importer import import_article
from techstance.db.store.edits import open_for_editing
from textual.pilot import Pilot

from tests.helpers import make_app, press, settle

SIZES = [(80, 24), (120, 36)]
FORMS = {
    "find-text": ("tab", "enter", "s"),
    "add-decision": ("tab", "enter", "d"),
    "add-quote": ("tab", "enter", "Q"),
    "correct-quote": ("tab", "tab", "e"),
    "accept-proposal": ("R", "a"),
}
ARTICLE = 'Talks went on.\n\n"We will not allow this vendor near our networks," the minister, Jane Doe, said.\n'


@pytest.fixture
def proposals_db(seed_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "forms.db"
    path.write_bytes(seed_db.read_bytes())
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    import_article(open_for_editing(path), article, outlet="Wire", title="Vendor", date="2026-11-20",
                   topic="huawei-5g")
    return path


def keys(*names: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await press(pilot, *names)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("form", sorted(FORMS))
def test_form(snap_compare, proposals_db: Path, form: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(proposals_db), terminal_size=size, run_before=keys(*FORMS[form]))
