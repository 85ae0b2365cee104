"""How values come out of rows: a cursor of sqlite3.Row, a decision's conditions."""

from __future__ import annotations

import json
import sqlite3


def row_cursor(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """A cursor returning sqlite3.Row, without changing the caller's connection."""
    cur = conn.cursor()
    cur.row_factory = sqlite3.Row
    return cur


def conditions_of(decision_id: str, raw: str) -> list[str]:
    try:
        value = json.loads(raw)
    except (TypeError, json.JSONDecodeError):
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"decision '{decision_id}': conditions is not a JSON list of strings: {raw!r}")
    return value
