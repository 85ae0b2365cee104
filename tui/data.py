"""Screens' side of the one door: run a read or a write off the event loop, deliver its result
only while it is still wanted.

A screen asks on a named channel ("country", "source"...). A newer request on the same channel
makes every older one stale, and a result is delivered only if its request is still the newest on
its channel and its screen is still mounted: a late page of quotes can never land on another
country. Failures arrive as one line (DataProblem), never as an exception in the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, TypeVar

from techstance.db.store.service import DataProblem, DataService
from textual.app import App
from textual.dom import DOMNode
from textual.widget import Widget
from textual.worker import Worker

if TYPE_CHECKING:
    import sqlite3

    from techstance.db.store.reads import Store

T = TypeVar("T")

Failed = Callable[[DataProblem], None]
Owner = Widget | App[None]


def _alive(owner: Owner) -> bool:
    """Still there to show a result: a screen being removed, or an app shutting down, is still
    attached for a moment while its widgets are already gone."""
    return owner.is_attached and not owner._closing and not owner.app._closing


class DataClient:
    """Bound to one app: every delivery runs on the event loop, in a worker of the asking screen
    (so it ends with the screen, and tests' wait_for_complete covers it)."""

    def __init__(self, service: DataService, report: Failed) -> None:
        """`report`: what the app does with a failed read nobody handles (marks the data stale)."""
        self.service = service
        self.report = report
        self._tokens: dict[tuple[int, str], int] = {}

    @property
    def can_edit(self) -> bool:
        return self.service.editable

    def _ticket(self, owner: Owner, channel: str) -> Callable[[], bool]:
        key = (id(owner), channel)
        token = self._tokens.get(key, 0) + 1
        self._tokens[key] = token
        return lambda: self._tokens.get(key) == token and _alive(owner)

    def cancel(self, owner: Owner, channel: str) -> None:
        """Whatever is pending on this channel will not be delivered."""
        self._ticket(owner, channel)

    def _deliver(self, owner: Owner, channel: str, future: Future[T], current: Callable[[], bool],
                 done: Callable[[T], None], failed: Failed | None) -> None:
        async def wait() -> None:
            try:
                result = await asyncio.wrap_future(future)
            except DataProblem as problem:
                if current():
                    (failed or self.report)(problem)
                return
            if current():  # superseded, or its screen has gone: dropped, never shown in the wrong place
                done(result)

        # The function, not a coroutine: a worker the closing app never starts leaves nothing unawaited.
        # Annotated so mypy can solve Textual's WorkType union for an async function (alone it infers Never).
        _worker: Worker[None] = owner.run_worker(wait, group=f"data-{channel}", name=f"data: {channel}")

    def load(self, owner: Owner, channel: str, query: Callable[[Store], T], done: Callable[[T], None],
             failed: Failed | None = None) -> None:
        """Read off the loop; `done(result)` on the loop if this is still the newest on `channel`."""
        current = self._ticket(owner, channel)
        self._deliver(owner, channel, self.service.read(query), current, done, failed)

    def save(self, owner: Owner, channel: str, action: Callable[[sqlite3.Connection], T],
             done: Callable[[T], None], failed: Failed) -> None:
        """Write off the loop, in the action's one transaction; refusals and lock waits come back
        to `failed` so the form can say so and keep what was typed."""
        current = self._ticket(owner, channel)
        self._deliver(owner, channel, self.service.write(action), current, done, failed)

    def locked(self, owner: Owner, done: Callable[[bool], None]) -> None:
        """`done(True)` when another program holds the file's lock (reads are waiting for it)."""
        current = self._ticket(owner, "locked")
        self._deliver(owner, "locked", self.service.locked(), current, done, lambda problem: None)

    async def search(self, query: Callable[[Store], T]) -> T:
        """Awaited by the search screen, which checks its own generation (typed-past queries stop
        early inside the query)."""
        return await asyncio.wrap_future(self.service.search(query))

    async def poll(self) -> str:
        return await asyncio.wrap_future(self.service.poll())


def data_of(node: DOMNode) -> DataClient:
    """The app's data client, for any widget or screen, without importing the app."""
    data = getattr(node.app, "data", None)
    if not isinstance(data, DataClient):
        raise RuntimeError("this app has no data service")
    return data
