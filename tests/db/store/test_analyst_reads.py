"""The reads behind the People, Positions, Disputes and Timeline views (issue 15), on the seeds."""

from __future__ import annotations

from techstance.db.store.reads import Store

TOPIC = "huawei-5g"


def test_person_has_role_affiliation_and_every_quote_newest_first(store: Store) -> None:
    person = store.person("mike-pompeo")
    assert person is not None
    assert (person.actor.name, person.actor.role, person.actor.affiliation) == (
        "Mike Pompeo", "Secretary of State", "US government")
    assert person.affiliation_country is not None and person.affiliation_country.name == "United States"
    assert len(person.quotes) == 10 and not person.more
    when = [q.said_on or q.source.published or "" for q in person.quotes]
    assert when == sorted(when, reverse=True)
    assert {q.country for q in person.quotes} == {"GB", "US"}
    assert person.country_names == {"GB": "United Kingdom", "US": "United States"}
    assert all(q.source.id for q in person.quotes)


def test_person_is_bounded_and_says_there_is_more(store: Store) -> None:
    person = store.person("mike-pompeo", limit=4)
    assert person is not None and len(person.quotes) == 4 and person.more


def test_unknown_person_is_none(store: Store) -> None:
    assert store.person("nobody") is None


def test_positions_give_each_countrys_current_stance_and_since_when(store: Store) -> None:
    positions = {p.country.code: p for p in store.positions(TOPIC)}
    assert set(positions) == {"AU", "CA", "EU", "GB", "IT", "JP", "NZ", "US"}  # China: no decision
    gb = positions["GB"]
    assert (gb.current.stance, gb.current.status, gb.current.date) == ("restrict", "announced", "2020-01-28")
    assert gb.since.placed_on == "2019-04"  # restrict since the first of its three restrict events
    assert gb.sources == 3 and not gb.disputed
    nz = positions["NZ"]
    assert nz.current.stance == "restrict" and nz.disputed
    assert nz.since.id == nz.current.id  # it was a ban before: restrict only since the latest event
    us = positions["US"]
    assert us.current.stance == "ban" and us.since.placed_on == "2019-04"


def test_positions_agree_with_the_map(store: Store) -> None:
    tiles = {t.country.code: t for t in store.tiles(TOPIC) if t.stance}
    positions = {p.country.code: p for p in store.positions(TOPIC)}
    assert {code: (t.stance, t.decision, t.disputed) for code, t in tiles.items()} == {
        code: (p.current.stance, p.current.id, p.disputed) for code, p in positions.items()}


def test_timeline_lists_each_countrys_events_oldest_first_with_disputes_marked(store: Store) -> None:
    timeline = {t.country.code: t.events for t in store.timeline(TOPIC)}
    assert [e.stance for e in timeline["NZ"]] == ["ban", "restrict"]
    assert all(e.disputed for e in timeline["NZ"])
    gb = timeline["GB"]
    assert [e.placed_on for e in gb] == ["2019-04", "2020-01", "2020-01-28"]
    assert gb[-1].date_precision == "day" and not any(e.disputed for e in gb)


def test_timeline_is_bounded(store: Store) -> None:
    assert sum(len(t.events) for t in store.timeline(TOPIC, limit=3)) == 3


def test_disputes_give_both_sides_with_their_dates(store: Store) -> None:
    disputes = store.disputes(TOPIC)
    assert [d.event.id for d in disputes] == ["nz-restrict-expected", "nz-5g-ban-reported"]  # latest first
    first = disputes[0]
    assert first.country.name == "New Zealand"
    assert first.supports and first.disputes
    assert first.supports[0].source.published == "2020-01" and first.disputes[0].source.published == "2019-04"
    assert len(store.disputes(TOPIC, limit=1)) == 1


def test_a_topic_with_no_decisions_has_empty_views(store: Store) -> None:
    assert store.positions("no-such-topic") == []
    assert store.timeline("no-such-topic") == []
    assert store.disputes("no-such-topic") == []
