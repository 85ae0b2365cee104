"""Full garbage collections wait for a pause in typing, and the app leaves Python's GC as it found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from techstance.tui.idle_gc import GEN2_CAP, GEN2_DUE, IDLE_S, IdleCollector

from tests.helpers import make_app, press, settle

# The app's start-up collection as it runs outside the tests (conftest.py turns it off elsewhere).
pytestmark = pytest.mark.usefixtures("real_start_up_collection")


def _pile_up(collections: int) -> None:
    for _ in range(collections):
        gc.collect(1)  # each generation-1 collection brings the next full one closer


def test_full_collections_wait_for_a_pause_but_not_forever() -> None:
    saved = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    try:
        assert gc.get_threshold()[2] > 1000  # Python no longer starts them by itself
        _pile_up(GEN2_DUE)
        collector.touched()
        collector.tick()
        assert collector.collections == 0  # someone is typing
        collector.last_input -= IDLE_S
        collector.tick()
        assert collector.collections == 1 and gc.get_count()[2] == 0
        collector.tick()
        assert collector.collections == 1  # nothing piled up since
        _pile_up(GEN2_CAP)
        collector.touched()
        collector.tick()
        assert collector.collections == 2  # overdue: even while typing
    finally:
        collector.stop()
    assert gc.get_threshold() == saved and gc.get_freeze_count() == 0


async def test_the_app_restores_the_collector_settings_when_it_stops(seed_db: Path) -> None:
    saved = gc.get_threshold()
    app = make_app(seed_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await press(pilot, "right")
        assert gc.get_threshold()[2] > 1000 and gc.get_freeze_count() > 0
    assert gc.get_threshold() == saved and gc.get_freeze_count() == 0


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_start_collects_the_garbage_before_it_freezes_the_rest() -> None:
    import weakref

    garbage = _Cycle()
    dead = weakref.ref(garbage)
    del garbage  # a cycle: only a collection frees it
    collector = IdleCollector()
    collector.start()
    try:
        assert dead() is None  # collected, not frozen for the app's lifetime
    finally:
        collector.stop()


def test_the_start_up_collection_is_on_outside_the_tests() -> None:
    import subprocess
    import sys

    code = "from techstance.tui import idle_gc; print(idle_gc.COLLECT_AT_START)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "True", result.stderr
