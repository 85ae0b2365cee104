"""The floor: a hello-world Textual app, timed the same way as techstance (first frame marker)."""

from __future__ import annotations

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello, world")

    def on_mount(self) -> None:
        self.call_after_refresh(self._ready)

    def _ready(self) -> None:
        path = os.environ.get("TECHSTANCE_READY_FILE")
        if path:
            with open(path, "w") as handle:
                handle.write(f"{time.time():.6f}\n")


if __name__ == "__main__":
    Hello().run()
