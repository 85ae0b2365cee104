"""Reading a file someone handed us, without trusting what it is.

A path may name a FIFO (opening it for reading blocks until a writer comes, maybe never), a device
such as /dev/zero (endless), or a huge file: each is refused after at most `limit` + 1 bytes,
never read whole first and measured afterwards.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

BOM = "\ufeff"


class InputFileError(Exception):
    """One line naming the file; nothing was read from it."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular_file(path: Path, limit: int, what: str = "a file") -> bytes:
    """The bytes of the regular file at `path` (links followed), at most `limit` of them.

    Raises InputFileError, one line starting with the path, for a missing or unreadable file,
    anything but a regular file, and a file longer than `limit` bytes.
    """
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; it does
        # nothing to reads of a regular file, the only kind read below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, not {what}") from None
    except OSError as err:
        raise InputFileError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputFileError(f"{path}: is {_kind(mode)}, not {what}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise InputFileError(f"{path}: cannot read: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise InputFileError(f"{path}: larger than {limit:,} bytes: too large for {what}")
    return b"".join(chunks)


def decode_utf8(path: Path, raw: bytes) -> tuple[str, bool]:
    """The text and whether a leading byte order mark was removed (it would hide the first word
    from every search and shift every span by one)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError(f"{path}: not UTF-8 text (bad byte at offset {err.start})") from None
    if (nul := raw.find(b"\x00")) >= 0:
        # Valid UTF-8, but no article holds one; SQLite's text functions stop or slip at it, so
        # search would show words the article does not contain.
        raise InputFileError(f"{path}: not text: a NUL byte at offset {nul}")
    return text.removeprefix(BOM), text.startswith(BOM)
