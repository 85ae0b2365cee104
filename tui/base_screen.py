"""Screens that show data reach it through the app's one door, `self.data`."""

from __future__ import annotations

from typing import TypeVar

from techstance.db.store.service import DataProblem
from techstance.tui.data import DataClient, data_of
from textual.screen import ModalScreen, Screen

ResultType = TypeVar("ResultType")


class Reloadable:
    """Shows data from the database: the app calls reload() when the file changes."""

    def reload(self) -> None:
        """Read again what is shown (keep showing the old data until the new comes)."""


class DataScreen(Screen[ResultType], Reloadable):
    @property
    def data(self) -> DataClient:
        return data_of(self)

    def app_read_failed(self, problem: DataProblem) -> None:
        self.data.report(problem)


class DataModal(ModalScreen[ResultType], Reloadable):
    @property
    def data(self) -> DataClient:
        return data_of(self)
