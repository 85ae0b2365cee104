"""Full garbage collections moved to moments when nobody is typing.

Python collects generation 2 after ten generation-1 collections, wherever the program is. Each
such collection walks every object created since start-up (the frozen start-up objects aside):
at full scale 13-25 ms, 29 times in a 60-query search benchmark, and each one that landed
between a keystroke and its results made that search one of the slowest (docs/benchmarks.md).

While the app runs, generation 2 is not collected automatically; the app collects it itself
once input has been quiet for IDLE_S and as much has piled up as Python would have let pile up
(GEN2_DUE generation-1 collections). Someone who never pauses still gets a collection after
GEN2_CAP. Young garbage is collected as always. The thresholds are restored when the app stops.
"""

from __future__ import annotations

import gc
import time

IDLE_S = 0.5  # input quiet this long: a pause, not between two keys of a word
GEN2_DUE = 10  # Python's own default third threshold
GEN2_CAP = 100  # collect even while busy past this, so memory stays bounded
_NEVER = 1_000_000  # a generation-2 threshold Python will not reach
# A test seam: the start-up collection walks the whole process, and a test worker's is large
# (about 0.1 s per app, several hundred apps a run). tests/conftest.py turns it off for the tests
# that are not about memory; tests/tui/test_idle_gc.py and the soak keep it.
COLLECT_AT_START = True


class IdleCollector:
    """Call `start` once the first frame is up, `touched` on every input event, `stop` at exit."""

    def __init__(self) -> None:
        self.last_input = time.monotonic()
        self._saved: tuple[int, int, int] | None = None
        self.collections = 0

    def start(self) -> None:
        # Everything alive now (modules, Textual, the stylesheet) lives as long as the app:
        # frozen, no collection walks it again. Collected first, so no garbage is frozen with it.
        if COLLECT_AT_START:
            gc.collect()
        gc.freeze()
        gc.enable()  # the dashboard command starts with collections off (tui/cli/app_commands.py)
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], _NEVER)

    def touched(self) -> None:
        self.last_input = time.monotonic()

    def tick(self) -> None:
        """Run often (a few times a second): collects when due and quiet, or when overdue."""
        if self._saved is None:
            return
        due = gc.get_count()[2]
        quiet = time.monotonic() - self.last_input >= IDLE_S
        if (quiet and due >= GEN2_DUE) or due >= GEN2_CAP:
            gc.collect()
            self.collections += 1

    def stop(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            gc.unfreeze()  # another app in this process (tests) starts from a clean slate
            self._saved = None
