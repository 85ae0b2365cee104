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
    said = store.conn.execute("SELECT count(*) FROM quotes WHERE actor = 'mike-pompeo'").fetchone()[0]
    assert said >= 10 and len(person.quotes) == said and not person.more
    when = [q.said_on or q.source.published or "" for q in person.quotes]
    assert when == sorted(when, reverse=True)
    assert {"GB", "US"} <= {q.country for q in person.quotes}
    assert all(person.country_names[q.country] for q in person.quotes if q.country)
    assert all(q.source.id for q in person.quotes)


def test_person_is_bounded_and_says_there_is_more(store: Store) -> None:
    person = store.person("mike-pompeo", limit=4)
    assert person is not None and len(person.quotes) == 4 and person.more


def test_unknown_person_is_none(store: Store) -> None:
    assert store.person("nobody") is None


def test_positions_give_each_countrys_current_stance_and_since_when(store: Store) -> None:
    positions = {p.country.code: p for p in store.positions(TOPIC)}
    # China: no decision; Italy and the EU only stated views, which set no position.
    assert set(positions) == {"AU", "CA", "GB", "JP", "NZ", "US"}
    gb = positions["GB"]
    assert (gb.current.stance, gb.current.status, gb.current.date) == ("restrict", "announced", "2020-01-28")
    # Since the first event of the latest unbroken run of restrict decisions.
    history = [e for e in {t.country.code: t.events for t in store.timeline(TOPIC)}["GB"] if e.kind == "decision"]
    run_start = max(i for i, e in enumerate(history) if i == 0 or history[i - 1].stance != "restrict")
    assert gb.since.id == history[run_start].id and gb.since.stance == "restrict"
    assert gb.sources >= 2 and not gb.disputed
    nz = positions["NZ"]
    assert nz.current.stance == "restrict" and nz.disputed
    assert nz.since.id == nz.current.id  # it was a ban before: restrict only since the latest event
    us = positions["US"]
    assert us.current.stance == "ban" and us.current.id == "us-5g-ban"  # not the trade blacklist


def test_positions_agree_with_the_map(store: Store) -> None:
    tiles = {t.country.code: t for t in store.tiles(TOPIC) if t.stance}
    positions = {p.country.code: p for p in store.positions(TOPIC)}
    assert {code: (t.stance, t.decision, t.disputed) for code, t in tiles.items()} == {
        code: (p.current.stance, p.current.id, p.disputed) for code, p in positions.items()}


def test_timeline_lists_each_countrys_events_oldest_first_with_disputes_marked(store: Store) -> None:
    timeline = {t.country.code: t.events for t in store.timeline(TOPIC)}
    assert [e.stance for e in timeline["NZ"]] == ["ban", "restrict"]
    assert [e.disputed for e in timeline["NZ"]] == [True, False]  # the later report disputes the earlier
    gb = timeline["GB"]
    assert [e.placed_on for e in gb] == sorted(e.placed_on or "" for e in gb)
    assert gb[-1].date == "2020-01-28" and gb[-1].date_precision == "day" and not any(e.disputed for e in gb)
    assert {e.kind for e in timeline["US"]} >= {"decision", "related"}


def test_timeline_is_bounded(store: Store) -> None:
    assert sum(len(t.events) for t in store.timeline(TOPIC, limit=3)) == 3


def test_disputes_give_both_sides_with_their_dates(store: Store) -> None:
    disputes = store.disputes(TOPIC)
    assert [d.event.id for d in disputes] == ["nz-5g-ban-reported"]
    first = disputes[0]
    assert first.country.name == "New Zealand"
    assert first.supports and first.disputes
    # An earlier report said ban; a later one disputes it: both sides carry their dates.
    assert first.supports[0].source.published < first.disputes[0].source.published
    assert len(store.disputes(TOPIC, limit=0)) == 0


def test_a_topic_with_no_decisions_has_empty_views(store: Store) -> None:
    assert store.positions("no-such-topic") == []
    assert store.timeline("no-such-topic") == []
    assert store.disputes("no-such-topic") == []


def test_on_a_date_disputed_means_disputed_by_a_source_published_by_then(store: Store) -> None:
    # Before: as of 2019-06-01 New Zealand was "! yes" in Positions and "!" on the map, while the
    # Disputes view, which counts only sources published by then, listed nothing.
    date = "2019-06-01"
    in_disputes = {d.country.code for d in store.disputes(TOPIC, as_of=date)}
    in_positions = {p.country.code for p in store.positions(TOPIC, as_of=date) if p.disputed}
    on_map = {t.country.code for t in store.tiles(TOPIC, as_of=date) if t.disputed}
    assert in_positions == in_disputes == on_map
    # Today every view agrees too, and New Zealand is disputed.
    today = {d.country.code for d in store.disputes(TOPIC)}
    assert "NZ" in today
    assert {p.country.code for p in store.positions(TOPIC) if p.disputed} == today
    assert {t.country.code for t in store.tiles(TOPIC) if t.disputed} == today
