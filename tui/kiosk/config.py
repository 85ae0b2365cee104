"""The operator's kiosk configuration: a small TOML file, validated, overridable from the CLI."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

KeyName = Annotated[str, StringConstraints(pattern=r"^([a-z0-9_]+\+)*([a-z0-9_]+|.)$", min_length=1)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]


class KioskConfigError(Exception):
    """One line naming the file and the field."""


class KioskConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    interval: float = Field(12.0, ge=0, le=3600, description="seconds per country; 0 keeps still")
    idle: float = Field(60.0, gt=0, le=86400, description="seconds without input before the tour resumes")
    poll: float = Field(2.0, ge=0.2, le=5, description="seconds between checks for new data")
    topic: Slug | None = None
    theme: Literal["default", "high-contrast", "mono"] | None = None
    countries: list[CountryCode] = Field(default_factory=list, description="the tour; empty: all with decisions")
    operator_exit: list[KeyName] = Field(
        default_factory=list, description="keys pressed in order to quit, e.g. ['ctrl+x', 'ctrl+x', 'e']")
    allow_quit: bool = False
    allow_palette: bool = False
    allow_suspend: bool = False


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "techstance" / "kiosk.toml"


def load_kiosk_config(path: Path | None, overrides: dict[str, object]) -> KioskConfig:
    """The file's settings (if any) with command-line `overrides` on top; one-line errors."""
    data: dict[str, object] = {}
    shown = str(path) if path else "command line"
    if path is not None:
        try:
            text = Path(path).read_bytes().decode("utf-8").removeprefix("\ufeff")
            data = tomllib.loads(text)
        except FileNotFoundError:
            raise KioskConfigError(f"{path}: no such kiosk configuration file") from None
        except (OSError, UnicodeDecodeError) as err:
            raise KioskConfigError(f"{path}: cannot read: {err}") from None
        except tomllib.TOMLDecodeError as err:
            raise KioskConfigError(f"{path}: TOML syntax error: {err}") from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return KioskConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "?"
        message = "unknown field" if first["type"] == "extra_forbidden" else first["msg"]
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        raise KioskConfigError(f"{shown}: field '{field}': {message}{more}") from None
