"""The operator's kiosk configuration: a small TOML file, validated, overridable from the CLI.

Whatever is wrong with it is one line naming the file (or the command line) and the field: bad
values, values outside their bounds, countries or a topic the database does not have, and files
that are not small regular files (a FIFO, /dev/zero, a huge or deeply nested file).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.db.store.reads import Store

KeyName = Annotated[str, StringConstraints(pattern=r"^([a-z0-9_]+\+)*([a-z0-9_]+|.)$", min_length=1, max_length=40)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=100)]

MAX_FILE_BYTES = 64 * 1024  # a full configuration is well under 1 KiB
MAX_NESTING = 4  # arrays in arrays: the settings themselves nest two deep at most


class KioskConfigError(Exception):
    """One line naming the file and the field."""


def _seconds(default: float, low: float, high: float, description: str) -> float:
    # strict: `idle = true` or `idle = "60"` is a mistake, not 1 or 60 seconds.
    return Field(default, ge=low, le=high, strict=True, allow_inf_nan=False,
                 description=description)


class KioskConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    interval: float = _seconds(12.0, 0, 3600, "seconds per country; 0 keeps still, else at least 1")
    idle: float = _seconds(60.0, 1, 86400, "seconds without input before the tour resumes")
    poll: float = _seconds(2.0, 0.2, 5, "seconds between checks for new data")
    topic: Slug | None = None
    theme: Literal["default", "high-contrast", "mono"] | None = None
    tour: Literal["countries", "timeline"] = Field(
        "countries", description="countries: one after another; timeline: the dated events in order, "
                                 "the map as of each, then today")
    countries: list[CountryCode] = Field(default_factory=list, max_length=300,
                                         description="the tour; empty: all with decisions")
    operator_exit: list[KeyName] = Field(
        default_factory=list, max_length=16,
        description="keys pressed in order to quit, e.g. ['ctrl+x', 'ctrl+x', 'e']")
    allow_quit: bool = Field(False, strict=True)
    allow_palette: bool = Field(False, strict=True)
    allow_suspend: bool = Field(False, strict=True)
    max_sessions: int = Field(4, ge=1, le=64, strict=True,
                              description="`serve`: browser sessions at once, each a kiosk process")

    @field_validator("interval")
    @classmethod
    def _still_or_a_second(cls, value: float) -> float:
        # A tour step every 1e-300 s is a busy loop, not a tour.
        if 0 < value < 1:
            raise ValueError("must be 0 (keep still) or at least 1 second")
        return value


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "techstance" / "kiosk.toml"


def _read_small_file(path: Path) -> str:
    """The file's text; a FIFO, a device or a huge file is refused without blocking or reading it all."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer for ever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise KioskConfigError(f"{path}: no such kiosk configuration file") from None
    except OSError as err:
        raise KioskConfigError(f"{path}: cannot read: {err.strerror}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise KioskConfigError(f"{path}: is a directory, not a kiosk configuration file")
        if not stat.S_ISREG(info.st_mode):
            raise KioskConfigError(f"{path}: not a regular file (a pipe or device is not read)")
        data = b""
        while len(data) <= MAX_FILE_BYTES and (chunk := os.read(fd, MAX_FILE_BYTES + 1 - len(data))):
            data += chunk
    except OSError as err:
        raise KioskConfigError(f"{path}: cannot read: {err.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise KioskConfigError(f"{path}: larger than {MAX_FILE_BYTES // 1024} KiB; not a kiosk configuration")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise KioskConfigError(f"{path}: not UTF-8 text (byte {err.start})") from None


def nesting_depth(text: str) -> tuple[int, int]:
    """(deepest nesting of arrays and inline tables, its line): tomllib recurses once per level
    and fails with RecursionError around a thousand, so depth is measured before parsing.

    Strings and comments are skipped; the text need not be valid TOML.
    """
    depth = deepest = 0
    line = deepest_line = 1
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
            continue
        elif char in "\"'":
            quote = text[i:i + 3] if text.startswith(char * 3, i) else char
            j = i + len(quote)
            while j < end and not text.startswith(quote, j):
                if text[j] == "\\" and char == '"':
                    j += 1
                elif text[j] == "\n" and len(quote) == 1:
                    break  # an unterminated one-line string: the parser will say so
                j += 1
            line += text.count("\n", i, j)
            i = j + len(quote) if j < end and text.startswith(quote, j) else j
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest, deepest_line


def _parse(path: Path) -> dict[str, object]:
    text = _read_small_file(path)
    depth, line = nesting_depth(text)
    if depth > MAX_NESTING:
        raise KioskConfigError(f"{path}: line {line}: nested {depth} levels deep (at most {MAX_NESTING})")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise KioskConfigError(f"{path}: TOML syntax error: {err}") from None


def load_kiosk_config(path: Path | None, overrides: Mapping[str, object], *,
                      database: Path | None = None) -> KioskConfig:
    """The file's settings (if any) with command-line `overrides` on top; one-line errors.

    With `database`, the countries and topic must be in it; a database that is missing or
    cannot be opened is not checked here (the kiosk says so on screen and retries).
    """
    data: dict[str, object] = _parse(path) if path is not None else {}
    given = {k: v for k, v in overrides.items() if v is not None}
    data.update(given)
    try:
        config = KioskConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "?"
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "value_error":
            message = str(first.get("ctx", {}).get("error", first["msg"]))
        else:
            message = first["msg"]
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        raise KioskConfigError(f"{_origin(field, path, given)}: field '{field}': {message}{more}") from None
    if database is not None:
        problem = _database_problem(config, database)
        if problem is not None:
            field, message = problem
            raise KioskConfigError(f"{_origin(field, path, given)}: field '{field}': {message}")
    return config


def _origin(field: str, path: Path | None, given: Mapping[str, object]) -> str:
    return "command line" if path is None or field.split(".")[0] in given else str(path)


def _database_problem(config: KioskConfig, database: Path) -> tuple[str, str] | None:
    try:
        conn = open_database(database)
    except DatabaseOpenError:
        return None
    try:
        return unknown_in_database(config, Store(conn))
    finally:
        conn.close()


def unknown_in_database(config: KioskConfig, store: Store) -> tuple[str, str] | None:
    """(field, message) for the first configured country or topic the database does not have.

    The tour silently skipped such countries; for the kiosk to show this on screen once a
    missing database appears, call it with the store it opened.
    """
    if config.topic is not None:
        topics = [t.id for t in store.topics()]
        if config.topic not in topics:
            return "topic", f"no topic '{config.topic}' in the database (it has: {_listed(topics)})"
    known = {c.code for c in store.countries()}
    for n, code in enumerate(config.countries):
        if code not in known:
            return f"countries.{n}", f"no country '{code}' in the database (it has: {_listed(sorted(known))})"
    return None


def _listed(names: list[str], most: int = 12) -> str:
    shown = ", ".join(names[:most]) or "none"
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
