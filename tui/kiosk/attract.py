"""The attract loop's timing, apart from any widget so a test can drive it with its own clock."""

from __future__ import annotations

from collections.abc import Callable


class AttractLoop:
    """Tour every `interval` seconds; input pauses it; `idle` seconds of quiet resume it."""

    def __init__(self, interval: float, idle: float, clock: Callable[[], float]) -> None:
        self.interval = interval
        self.idle = idle
        self.clock = clock
        self.last_advance = clock()
        self.last_input: float | None = None

    @property
    def state(self) -> str:
        """'touring', 'browsing' (a visitor is at the keys) or 'still' (interval 0)."""
        if self.last_input is not None and self.clock() - self.last_input < self.idle:
            return "browsing"
        return "still" if self.interval == 0 else "touring"

    def on_input(self) -> None:
        self.last_input = self.clock()

    def due(self) -> bool:
        """True when the tour should move to the next country now (call it often)."""
        now = self.clock()
        if self.last_input is not None:
            if now - self.last_input < self.idle:
                return False
            # The visitor has left: go back to the tour straight away.
            self.last_input = None
            if self.interval > 0:
                self.last_advance = now
                return True
        if self.interval == 0:
            return False
        if now - self.last_advance >= self.interval:
            self.last_advance = now
            return True
        return False


def next_in_tour(tour: list[str], current: str | None) -> str | None:
    if not tour:
        return None
    if current not in tour:
        return tour[0]
    return tour[(tour.index(current) + 1) % len(tour)]
