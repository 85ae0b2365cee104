"""The command's one family of errors and the one place that prints them.

Every failure a user can cause is a CliError: one line on stderr, `techstance: error: ...`,
and an exit status a supervisor can act on (the table in docs/kiosk.md).
"""

from __future__ import annotations

import sys

from techstance.tui.visible import visible

EXIT_OK = 0
EXIT_FAILURE = 1  # refused input: a bad file, option or setting; running it again will not help
EXIT_USAGE = 2  # the command line itself is wrong (argparse's convention)
EXIT_CRASH = 70  # a bug (EX_SOFTWARE): the traceback is in the crash log; a restart may help
EXIT_INTERRUPTED = 130  # 128 + SIGINT


class CliError(Exception):
    """A failure the user caused, told in one line; `details` are printed before it, as they are."""

    def __init__(self, message: str, *, status: int = EXIT_FAILURE, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.details = details


def shown(text: object) -> str:
    """File names, ids and data as printable text: a control character in a file name must not
    reach the terminal as a command (the same rule as the app's literal text)."""
    return visible(str(text))


def print_error(message: str, prefix: str = "") -> None:
    """The one error line. `prefix` places it in a sequence, such as `[2/5] ` for the second file."""
    print(f"{prefix}techstance: error: {shown(message)}", file=sys.stderr, flush=True)


def report(err: CliError) -> int:
    for line in err.details:
        print(shown(line), file=sys.stderr)
    print_error(err.message)
    return err.status
