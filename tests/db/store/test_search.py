"""Search finds what a user names: a speaker's name lists that person's quotes (issue 15)."""

from __future__ import annotations

from techstance.db.store.reads import Store


def test_a_speakers_name_finds_their_quotes(store: Store) -> None:
    results = store.search("Pompeo")
    quotes = [hit for hit in results.hits if hit.kind == "quote"]
    said = store.conn.execute("SELECT count(*) FROM quotes WHERE actor = 'mike-pompeo'").fetchone()[0]
    assert said >= 10 and results.counts["quote"] == said  # the search found none before
    assert {hit.label for hit in quotes} == {"Mike Pompeo"}
    assert {hit.country_name for hit in quotes} >= {"United Kingdom"}


def test_a_prefix_of_the_name_finds_them_as_typed(store: Store) -> None:
    assert {hit.label for hit in store.search("mike pomp").hits if hit.kind == "quote"} == {"Mike Pompeo"}


def test_a_role_word_does_not_list_every_officials_quotes(store: Store) -> None:
    # "government" is in many roles and affiliations: only quotes that say it are listed.
    quotes = [hit for hit in store.search("government").hits if hit.kind == "quote"]
    assert quotes and all("overnment" in hit.snippet for hit in quotes)


def test_quote_hits_are_bounded_per_kind(store: Store) -> None:
    results = store.search("Pompeo", limit_per_kind=3)
    assert len([hit for hit in results.hits if hit.kind == "quote"]) == 3
    assert "quote" in results.more


def test_decisions_are_labelled_with_the_country_name(store: Store) -> None:
    decisions = [hit for hit in store.search("core").hits if hit.kind == "decision"]
    assert decisions and all(hit.label.startswith("United Kingdom: ") for hit in decisions)
    assert any(hit.label.startswith("United Kingdom: restrict") for hit in decisions)
    assert all(hit.country == "GB" for hit in decisions)  # the code still drives the jump
