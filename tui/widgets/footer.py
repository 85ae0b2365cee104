"""Textual's footer, recomposed only when what it shows has changed.

Textual's Footer rebuilds all its key widgets on every bindings signal: each focus change and
each refresh_bindings, ~20-30 ms each on this machine, three in a row at start-up, most of them
drawing the same keys again.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# Keys a newcomer must always find, whatever else the screen offers: drawn first, so a narrow
# terminal cuts the screen's own keys instead (at 80x24 it cut "Help" and "Quit").
ALWAYS_SHOWN = ("help", "app.help", "quit", "app.quit")


class Footer(TextualFooter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pending = False
        self._drawn: Hashable = None
        # Textual's footer stays empty until the first bindings signal, which comes after the
        # first frame and costs a second full frame; the screen's bindings are known already.
        self._bindings_ready = True

    def _shown(self) -> Hashable:
        """Everything compose() reads: the keys, their labels and whether each is enabled."""
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.key_display, binding.group,
             enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return keys, self.compact, self.show_command_palette

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._drawn = self._shown()
        keys: list[Widget] = list(super().compose())
        for key in keys:
            # A FooterKey starts compact and is bound to the footer's value only once mounted:
            # its class went on, then off again, each time restyling the key and its parts
            # (22 style updates at start-up, about 15 ms before the first frame). Given the
            # footer's value now, nothing changes at mount. The palette key is not bound (it
            # stays compact, as Textual draws it) and is left alone.
            if isinstance(key, FooterKey) and not key.has_class("-command-palette"):
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact", update=False)
        first = [key for key in keys if isinstance(key, FooterKey) and key.action in ALWAYS_SHOWN]
        yield from first
        yield from (key for key in keys if key not in first)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True  # many signals before the next frame: one look
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if self.is_attached and self._shown() != self._drawn:
            await self.recompose()
