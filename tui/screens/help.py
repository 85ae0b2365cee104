"""Help, generated from the bindings the app really has: nothing here is typed twice."""

from __future__ import annotations

from collections.abc import Iterable

from techstance.tui.literal import visible
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import ScrollableContainer, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea, Tree


def _bindings(source: DOMNode | type[DOMNode] | Iterable[BindingType]) -> list[Binding]:
    if isinstance(source, DOMNode):
        # A node's own bindings, merged with its classes' and any added since, are kept only in
        # DOMNode._bindings; the public Screen.active_bindings holds just the focused chain's, and
        # help lists every widget on the screen.
        bindings_map = source._bindings
    elif isinstance(source, type):
        bindings_map = BindingsMap(source.BINDINGS)
    else:
        bindings_map = BindingsMap(source)
    return [binding for bindings in bindings_map.key_to_bindings.values() for binding in bindings
            if binding.description]


# A section for a widget without a title is named for what a person does with it, never with its
# class name ("VerticalScroll" was shown as a section).
_KIND_TITLES: tuple[tuple[type[Widget], str], ...] = (
    (Input, "Typing"), (TextArea, "Typing"), (Select, "Drop-downs"), (OptionList, "Lists"),
    (DataTable, "Tables"), (Tree, "Lists"), (ScrollableContainer, "Scrolling"),
)


def _kind_title(widget: Widget) -> str:
    return next((title for kind, title in _KIND_TITLES if isinstance(widget, kind)), "More keys")


def shown_now(widget: Widget) -> bool:
    """On the screen now: neither it nor anything around it hidden (the dashboard's as-of field
    is there all along, hidden until `a` opens it; its typing keys were listed as if usable)."""
    return all(node.display and node.visible for node in widget.ancestors_with_self if isinstance(node, Widget))


def _row_key(binding: Binding) -> tuple[str, str]:
    """Bindings of one group are one row under the group's description ("As of a date": a, [, ],
    A); any other binding is a row of its own action."""
    if binding.group is not None:
        return ("group", binding.group.description)
    return (binding.action, binding.description)


def help_sections(app: App[object], screen: Screen[object]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section title, [(keys, description)]) for the screen and the widgets on it the user can
    reach now."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    sources: list[tuple[str, DOMNode | type[DOMNode]]] = [("Everywhere", app), ("This screen", screen)]
    seen_types: set[type] = set()
    for widget in screen.query("*"):
        if not widget.focusable or type(widget) in seen_types or not shown_now(widget):
            continue
        if widget._bindings.key_to_bindings:
            seen_types.add(type(widget))
            title = str(widget.border_title or "").split(" · ")[0] or _kind_title(widget)
            sources.append((title, widget))
    for title, source in sources:
        grouped: dict[tuple[str, str], list[str]] = {}
        owner = source if isinstance(source, DOMNode) else app
        for binding in _bindings(source):
            if owner.check_action(binding.action, ()) is False:
                continue  # switched off here (e.g. topic switching with one topic)
            grouped.setdefault(_row_key(binding), []).append(app.get_key_display(binding))
        rows = [(" / ".join(dict.fromkeys(keys)), description)
                for (_, description), keys in grouped.items()]
        if rows and sections and sections[-1][1] == rows:
            sections[-1] = (f"{sections[-1][0]}, {title}", rows)  # panes that share their keys
        elif rows:
            sections.append((title, rows))
    return sections


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,question_mark,f1,q", "dismiss_help", "Close help"),
    ]

    def __init__(self, for_screen: Screen[object]) -> None:
        super().__init__()
        self.for_screen = for_screen

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(id="help-body")

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.border_subtitle = "escape closes"
        parts: list[tuple[str, str] | str] = []
        for title, rows in help_sections(self.app, self.for_screen):
            if parts:
                parts.append("\n")
            parts.append((visible(title), "bold $accent"))
            width = max(len(keys) for keys, _ in rows)
            for keys, description in rows:
                parts += ["\n  ", (visible(keys.ljust(width)), "bold"), "  ", visible(description)]
        parts += ["\n\n", ("Mouse: click any tile, quote or source. ctrl+p lists every action.",
                           "$text-muted")]
        self.query_one("#help-body", Static).update(Content.assemble(*parts))
        box.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
