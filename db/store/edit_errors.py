"""Why an edit was refused. Kept apart from the edits themselves, which import pydantic (about
100 ms): the data service and the dashboard's start need only these names."""

from __future__ import annotations


class EditError(Exception):
    """The change was refused; nothing was written. `problems` are (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" if field else message for field, message in problems))


class StaleEdit(EditError):
    """The record changed since the user read it: saving would silently undo someone else's edit."""
