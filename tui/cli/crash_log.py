"""Where a crash's traceback is kept: the terminal gets one line, the log the details.

The log is `crash.log` in the data directory ($XDG_DATA_HOME/techstance/, normally
~/.local/share/techstance/). A wall screen restarted by its supervisor after every crash must
not fill the disk, so the log is rotated once it passes LOG_MAX_BYTES (one old log is kept).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

LOG_MAX_BYTES = 1_000_000


def data_directory() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "techstance"


def crash_log_path() -> Path:
    return data_directory() / "crash.log"


def write_crash_log(error: BaseException, extra: str = "") -> Path:
    """Append the traceback of `error` (and `extra`, what the app itself reported) to the crash log;
    its path. Raises OSError when the log cannot be written."""
    path = crash_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size > LOG_MAX_BYTES:
            path.replace(path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass
    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    lines = [f"=== {when} pid {os.getpid()}: techstance {' '.join(sys.argv[1:])}\n",
             *traceback.format_exception(error)]
    if extra.strip():
        lines += ["--- reported by the app:\n", extra if extra.endswith("\n") else extra + "\n"]
    with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
        log.writelines(lines)
    return path
