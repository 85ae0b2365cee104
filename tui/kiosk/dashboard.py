"""The kiosk's dashboard: the same screen, read-only, with a status line instead of the footer
and the moves its tour makes."""

from __future__ import annotations

from techstance.tui.as_of import Step, next_step
from techstance.tui.screens.dashboard import Dashboard
from techstance.tui.widgets.as_of_bar import AsOfBar
from techstance.tui.widgets.tile_map import TileMap
from textual.app import ComposeResult
from textual.widgets import Static


class KioskDashboard(Dashboard):
    # A wall screen has no clipboard worth writing to, and nothing on it may change data.
    EDITING = Dashboard.EDITING | {"copy_quote"}
    SAYS_WAITING = False  # its status line says it (tui/kiosk/app.py)

    def compose_bottom(self) -> ComposeResult:
        yield Static(id="kiosk-status")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.EDITING:
            return False
        return super().check_action(action, parameters)

    def selected(self) -> str | None:
        return self.query_one(TileMap).selected

    def tour(self, wanted: list[str]) -> list[str]:
        """The countries to cycle through: the configured ones, else all with a decision."""
        tiles = self.query_one(TileMap).tiles
        if wanted:
            known = {t.country.code for t in tiles}
            return [code for code in wanted if code in known]
        return [t.country.code for t in tiles if t.stance is not None]

    def play_timeline(self) -> None:
        """The timeline tour's next stop: the next dated event (its country selected, the map as of
        its date); after the last, today; after today, the first again."""
        def step(steps: list[Step]) -> None:
            found = next_step(steps, self.here())
            if found is None and self.as_of is None:
                found = steps[0] if steps else None
            if found is not None:
                self.set_as_of(*found)
            else:
                self.set_as_of(None)

        self.with_steps(step)

    def show_country(self, code: str) -> None:
        self.query_one(TileMap).selected = code

    def reset_view(self) -> None:
        """Back to the plain map: what a visitor left open is closed when they walk away."""
        if self.maximized is not None:
            self.minimize()
        tile_map = self.query_one(TileMap)
        tile_map.stance_filter = None
        self.query_one(AsOfBar).close()
        self._retitle_map()
        tile_map.focus()
