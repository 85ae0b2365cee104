"""Parsed stylesheets kept on disk between starts.

Textual parses every CSS source (the app's files and each widget class's default CSS) at every
start, at about 1 KB per millisecond: 13 KB before the dashboard's first frame, 10 ms of CPU.
Unpickling the parsed rules takes a fifth of that. An entry is the parse of one source, keyed as
Textual keys its own in-memory cache (the CSS text, where it was read from, defaults or not, its
tie breaker and scope); a file holds the entries for one set of theme variables, one Textual
install and one Python, so nothing parsed under others is ever read back.

The cache is a help, never a need: an unwritable or missing folder, a damaged or foreign file or
a failed write mean parsing as Textual does. The file is the user's own, in their cache folder,
beside the compiled modules their Python runs anyway: pickle is trusted as those are.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

import textual
from textual.css.model import RuleSet

FORMAT = 1
MAX_ENTRIES = 200  # past this, a write keeps only what this process used (the file stays small)

Key = tuple[str, tuple[str, str], bool, int, str]  # Textual's: css, read_from, is_default, tie_breaker, scope


def cache_folder() -> Path | None:
    """$XDG_CACHE_HOME/techstance, else ~/.cache/techstance (a relative XDG path is ignored, as
    the specification says); None when there is no home to find (no cache then)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except (RuntimeError, KeyError, OSError):  # no $HOME and no password entry for the user
        return None
    return root / "techstance"


def _install_stamp() -> tuple[Any, ...]:
    """What the pickled objects' classes depend on. Textual's version would cost a read of its
    package metadata (milliseconds); the modules that define the rules, with their times, say
    the same: an upgrade writes them anew."""
    package = Path(textual.__file__).parent
    stamps = [(name, os.stat(package / "css" / name).st_mtime_ns) for name in ("model.py", "styles.py", "parse.py")]
    return (FORMAT, str(package), tuple(stamps), sys.version)


class ParsedCss:
    """The entries for one set of theme variables: read from disk on first use, written back
    (atomically) after a parse that added any."""

    def __init__(self, folder: Path, variables: dict[str, str]) -> None:
        self.stamp = (_install_stamp(), sorted(variables.items()))
        # A checksum names the file (hashlib would load OpenSSL: 4 ms); the stamp inside it decides.
        named = repr(self.stamp).encode()
        self.path = folder / f"css-{zlib.crc32(named):08x}{zlib.adler32(named):08x}.pickle"
        self._entries: dict[Key, list[RuleSet]] | None = None
        self._used: set[Key] = set()
        self._added = False
        self._writable = True

    def _loaded(self) -> dict[Key, list[RuleSet]]:
        if self._entries is None:
            self._entries = {}
            try:
                stamp, entries = pickle.loads(self.path.read_bytes())
            except Exception:  # missing, damaged, or from a Textual whose classes have changed
                return self._entries
            if stamp == self.stamp and isinstance(entries, dict):
                self._entries = entries
        return self._entries

    def get(self, key: Key) -> list[RuleSet] | None:
        rules = self._loaded().get(key)
        if not isinstance(rules, list) or not all(isinstance(rule, RuleSet) for rule in rules):
            return None
        self._used.add(key)
        return rules

    def put(self, key: Key, rules: list[RuleSet]) -> None:
        if any(rule.errors for rule in rules):
            return  # Textual reports these at each parse: never kept
        self._loaded()[key] = rules
        self._used.add(key)
        self._added = True

    def save(self) -> None:
        """Write the file if this process parsed anything new; a failure turns writing off."""
        if not self._added or not self._writable:
            return
        self._added = False
        entries = self._loaded()
        if len(entries) > MAX_ENTRIES:
            entries = {key: rules for key, rules in entries.items() if key in self._used}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".css-", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump((self.stamp, entries), out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path)  # a reader sees the old file or the new, whole
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
            self._writable = False
