"""Write seed records as TOML that `tomllib` reads back to the same values.

The standard library reads TOML but cannot write it. Seed files only need arrays of tables
holding strings, integers, booleans and lists of strings, so a small writer is enough and
keeps the output stable and diff-friendly (fixed key order, one value per line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: the same data, the same bytes.
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [toml_value(v) for v in value]
        if sum(len(i) for i in items) < 60:
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"    {i},\n" for i in items) + "]"
    if isinstance(value, Mapping):
        # An inline table (a decision's specifics), keys sorted so the same data gives the same bytes.
        pairs = [f"{_key(k)} = {toml_value(value[k])}" for k in sorted(value)]
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as a TOML seed value")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and isinstance(value[0], Mapping)


def _write_table(lines: list[str], name: str, record: Mapping[str, Any]) -> None:
    lines.append(f"[[{name}]]")
    nested = []
    for key, value in record.items():
        if value is None:
            continue
        if _is_table_list(value):
            nested.append((key, value))
            continue
        lines.append(f"{key} = {toml_value(value)}")
    for key, records in nested:
        for child in records:
            lines.append("")
            _write_table(lines, f"{name}.{key}", child)


def dumps(tables: Mapping[str, Iterable[Mapping[str, Any]]], header: str = "") -> str:
    """Render {array name: records} as TOML, records in the order given."""
    lines: list[str] = [f"# {line}" if line else "#" for line in header.splitlines()]
    for name, records in tables.items():
        for record in records:
            if lines:
                lines.append("")
            _write_table(lines, name, record)
    return "\n".join(lines) + "\n"
