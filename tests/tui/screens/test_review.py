"""The review screen says why each speaker was chosen and marks the cue with the quotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from techstance.db.store.edits import open_for_editing, open_proposals
from techstance.tui.app import TechstanceApp
from techstance.tui.screens.review import ReviewScreen
from techstance.tui.widgets.article import ArticleView
from textual.widgets import OptionList, Static

from tests.helpers import PROPOSAL_ARTICLE, settle, with_proposal


@pytest.fixture
def db(seed_db: Path, tmp_path: Path) -> Path:
    return with_proposal(seed_db, tmp_path, "review.db")


async def test_each_proposal_says_why_and_the_article_marks_quote_and_cue(db: Path) -> None:
    (proposal,) = open_proposals(open_for_editing(db))
    assert proposal.reason and proposal.cue_start is not None and proposal.cue_end is not None
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        prompt = str(review.query_one("#proposals", OptionList).get_option_at_index(0).prompt)
        assert proposal.reason in prompt and f"{proposal.confidence:.2f}" in prompt
        article = review.query_one("#review-article", ArticleView)
        drawn = [part for row in range(article.layout_rows.height) for part in article.row_parts(row)]
        cue = PROPOSAL_ARTICLE[proposal.cue_start:proposal.cue_end]
        assert cue in "".join(text for text, role in drawn if role == "cited"), drawn
        assert proposal.text in "".join(text for text, role in drawn if role == "current"), drawn
        assert proposal.reason in str(article.border_subtitle)


def status(db: Path) -> list[str]:
    return [row[0] for row in open_for_editing(db).execute("SELECT status FROM proposed_quotes")]


async def test_reject_asks_first_and_n_keeps_the_proposal(db: Path) -> None:
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is not review
        assert "Reject this proposal?" in str(app.screen.query_one("#confirm Static", Static).render())
        assert status(db) == ["proposed"]  # nothing done yet
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is review and len(review.proposals) == 1 and status(db) == ["proposed"]
        await pilot.press("x", "escape")
        await settle(pilot)
        assert app.screen is review and status(db) == ["proposed"]
        await pilot.press("x", "y")
        await settle(pilot)
        assert app.screen is review and not review.proposals and status(db) == ["rejected"]


async def test_accept_that_cannot_read_its_choices_says_so_even_after_the_poll_did(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before: with the database locked, the poll said so once; `a` then failed to read the form's
    # choices and said nothing (the same line is not repeated): a key that did nothing at all.
    import sqlite3

    from techstance.db.store.service import explain
    from techstance.tui.screens import review as review_module

    def locked(store: object) -> object:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(review_module, "read_choices", locked)
    app = TechstanceApp.for_database(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        app.read_failed(explain(sqlite3.OperationalError("database is locked"), db))  # the poll's report
        await settle(pilot)
        before = len(app._notifications)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        said = [n.message for n in list(app._notifications)[before:]]
        assert any("Cannot open the form" in str(m) and "locked" in str(m) for m in said), said
