"""Textual's footer, recomposed only when what it shows has changed, and never cut mid-label.

Textual's Footer rebuilds all its key widgets on every bindings signal: each focus change and
each refresh_bindings, ~20-30 ms each on this machine, three in a row at start-up, most of them
drawing the same keys again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# Keys a newcomer must always find, whatever else the screen offers: drawn first, so a narrow
# terminal drops the screen's own keys instead (at 80x24 it cut "Help" and "Quit").
ALWAYS_SHOWN = ("help", "app.help", "quit", "app.quit")


def key_width(key: FooterKey) -> int:
    """Cells a footer key takes: its key and description, padded as Textual's FooterKey CSS pads
    them (" ? " and "Help "). The footer here is never compact."""
    described = cell_len(key.description) + 1 if key.description else 0
    return cell_len(key.key_display) + 2 + described


def palette_width(key: FooterKey) -> int:
    """The palette key is always compact ("^p palette": Textual binds no footer setting to it),
    docked right with a one-cell rule before it and padding after it."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 2


def fitting(keys: Iterable[Widget], width: int) -> list[Widget]:
    """The keys to draw in `width` cells: the essential ones first, then the screen's keys in
    their order while whole ones fit. A key that would be cut is left out, with every key after
    it, so the footer never shows half a label (help and the palette list them all)."""
    keys = list(keys)
    palette = [key for key in keys if key.has_class("-command-palette")]
    first = [key for key in keys if isinstance(key, FooterKey) and key.action in ALWAYS_SHOWN]
    rest = [key for key in keys if key not in first and key not in palette]
    room = width - sum(palette_width(key) for key in palette if isinstance(key, FooterKey))
    shown: list[Widget] = list(first)
    room -= sum(key_width(key) for key in first if isinstance(key, FooterKey))
    for key in rest:
        needed = key_width(key) if isinstance(key, FooterKey) else room + 1
        if needed > room:
            break
        shown.append(key)
        room -= needed
    return shown + palette


class Footer(TextualFooter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pending = False
        self._drawn: Hashable = None
        # Textual's footer stays empty until the first bindings signal, which comes after the
        # first frame and costs a second full frame; the screen's bindings are known already.
        self._bindings_ready = True

    def _width(self) -> int:
        # Before its first layout the footer has no size; it always spans the terminal.
        return self.size.width or self.app.size.width

    def _shown(self) -> Hashable:
        """Everything compose() reads: the keys, their labels, whether each is enabled, the room."""
        keys = tuple(
            (binding.key, binding.action, binding.description, binding.key_display, binding.group,
             enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return keys, self.compact, self.show_command_palette, self._width()

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._drawn = self._shown()
        keys = fitting(super().compose(), self._width())
        for key in keys:
            # A FooterKey starts compact and is bound to the footer's value only once mounted:
            # its class went on, then off again, each time restyling the key and its parts
            # (22 style updates at start-up, about 15 ms before the first frame). Given the
            # footer's value now, nothing changes at mount. The palette key is not bound (it
            # stays compact, as Textual draws it) and is left alone.
            if isinstance(key, FooterKey) and not key.has_class("-command-palette"):
                key.set_reactive(FooterKey.compact, self.compact)
                key.set_class(self.compact, "-compact", update=False)
        yield from keys

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._look_again()

    def on_resize(self, event: events.Resize) -> None:
        self._look_again()  # wider: keys left out may fit now; narrower: some must go

    def _look_again(self) -> None:
        if not self._pending:
            self._pending = True  # many signals before the next frame: one look
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._pending = False
        if self.is_attached and self._shown() != self._drawn:
            await self.recompose()
