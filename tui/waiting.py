"""What a screen with nothing read yet says while its first read waits: at once, in the screen,
and true (it was blank for 5.5 s behind another program's lock, then toasted "still showing
what was read before" with nothing read)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from techstance.db.store.service import DataProblem
from techstance.tui.data import data_of
from textual.widget import Widget

# A read slower than this says what it waits for: past what a person notices as a pause, beyond
# what a read of a healthy database takes.
SAY_WAITING_AFTER_S = 0.2
# Between tries while another program holds the lock (each try itself waits for the lock a while).
RETRY_LOCKED_S = 0.5

READING = "Reading the database…"
LOCKED = ("Waiting for the database: it is locked by another program; retrying. "
          "This fills in as soon as the lock is released.")


def could_not_read(problem: DataProblem) -> str:
    return f"{problem}. Nothing could be read yet: this fills in when the database can be read again."


def waiting_line(problem: DataProblem) -> str:
    """What a screen with nothing shown says in its place when its read failed."""
    return LOCKED if problem.kind == "locked" else could_not_read(problem)


@runtime_checkable
class SaysWaiting(Protocol):
    """A screen that, while it has nothing read to show, says itself what it waits for (the app
    then does not toast "still showing what was read before")."""

    @property
    def waiting(self) -> bool: ...


def say_why_when_slow(owner: Widget, waiting: Callable[[], bool], say: Callable[[str], None],
                      reading: str = READING) -> None:
    """Soon after a read starts, if it has not come back: ask (without waiting) whether another
    program holds the lock, and say so, or that it is still reading."""
    def ask() -> None:
        if waiting():
            data_of(owner).locked(owner, lambda locked: say(LOCKED if locked else reading) if waiting() else None)

    owner.set_timer(SAY_WAITING_AFTER_S, ask)
