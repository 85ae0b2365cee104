"""The layers' rules, checked on the source: which package may import which, and no cycles.

Every import counts, at module level or inside a function (function-level imports once held a
cycle of screens together); only imports under `if TYPE_CHECKING:` are left out, as they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

FOLDERS = {"db": "techstance.db", "tui": "techstance.tui", "seeds": "techstance.seeds"}


def _module_name(path: Path) -> str:
    relative = path.relative_to(REPO).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([FOLDERS[parts[0]].split(".")[0], FOLDERS[parts[0]].split(".")[1], *parts[1:]])


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in FOLDERS:
        for path in sorted((REPO / folder).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


MODULES = _modules()
IMPORTS = {name: _imports(path, name) for name, path in MODULES.items()}


def _internal(imported: set[str]) -> set[str]:
    return {name for name in imported if name in MODULES}


RULES: list[tuple[str, tuple[str, ...], str]] = [
    ("techstance.db.store", ("techstance.db.curation", "techstance.db.reports", "techstance.tui", "textual", "rich"),
     "the store is the SQLite contract: it imports nothing else of techstance"),
    ("techstance.db.curation", ("techstance.db.reports", "techstance.tui", "textual", "rich"),
     "curation builds on the store only"),
    ("techstance.db.reports", ("techstance.db.curation", "techstance.tui", "textual", "rich"),
     "reports read the store only"),
    ("techstance.tui.screens", ("techstance.db.store.connection", "techstance.db.store.watch",
                                "techstance.db.curation", "techstance.db.reports", "techstance.tui.app",
                                "techstance.tui.base_app", "techstance.tui.kiosk"),
     "screens reach the database through the data service and each other through intents"),
    ("techstance.tui.widgets", ("techstance.db.store.connection", "techstance.db.store.watch",
                                "techstance.db.store.edits", "techstance.db.store.service",
                                "techstance.db.curation", "techstance.db.reports", "techstance.tui.screens",
                                "techstance.tui.app", "techstance.tui.base_app", "techstance.tui.kiosk"),
     "widgets receive typed read models; they never read or write"),
]


@pytest.mark.parametrize(("layer", "forbidden", "why"), RULES, ids=[rule[0] for rule in RULES])
def test_import_direction(layer: str, forbidden: tuple[str, ...], why: str) -> None:
    broken = []
    for module, imported in IMPORTS.items():
        if module != layer and not module.startswith(layer + "."):
            continue
        for name in sorted(imported):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                broken.append(f"{module} imports {name}")
    assert not broken, f"{why}:\n" + "\n".join(broken)


def test_screens_do_not_import_each_other() -> None:
    """Only the shared form base is imported across screens; everything else goes by intents."""
    shared = {"techstance.tui.screens.form"}
    broken = []
    for module, imported in IMPORTS.items():
        if not module.startswith("techstance.tui.screens."):
            continue
        for name in _internal(imported):
            if name.startswith("techstance.tui.screens.") and name != module and name not in shared:
                broken.append(f"{module} imports {name}")
    assert not broken, "\n".join(broken)


def test_no_import_cycles() -> None:
    graph = {module: _internal(imported) - {module} for module, imported in IMPORTS.items()}
    # A package's __init__ importing its own submodules is how a package exports them, not a cycle.
    for module, targets in graph.items():
        if MODULES[module].name == "__init__.py":
            graph[module] = {t for t in targets if not t.startswith(module + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strongconnect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                strongconnect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_rules_see_the_code() -> None:
    """The checks above would pass on nothing: make sure they read the real modules."""
    assert "techstance.tui.screens.dashboard" in MODULES and "techstance.db.store.reads" in MODULES
    assert "techstance.db.store.read_models" in IMPORTS["techstance.tui.screens.dashboard"]
