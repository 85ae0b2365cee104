"""What a pane built for data it was given before, kept by the data's identity.

Building a pane's options costs more than the data's read: each option's text is wrapped to
measure it, and Textual keeps the measured height in the text itself. The dashboard hands a pane
the same objects for a country it has read before, so a return visit reuses the options built
for them and nothing is measured again.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

T = TypeVar("T")

KEPT = 16  # countries: a walk back and forth stays inside it


class Built(Generic[T]):
    """A few built things, each for one data object, the oldest dropped first."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        # The data object is kept beside what was built: its id cannot be reused while it is here.
        self._kept: OrderedDict[int, tuple[object, T]] = OrderedDict()

    def get(self, data: object) -> T | None:
        kept = self._kept.get(id(data))
        if kept is None or kept[0] is not data:
            return None
        self._kept.move_to_end(id(data))
        return kept[1]

    def put(self, data: object, built: T) -> T:
        self._kept[id(data)] = (data, built)
        self._kept.move_to_end(id(data))
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return built

    def clear(self) -> None:
        self._kept.clear()
