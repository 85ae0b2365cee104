"""`techstance`: parse the command line, run the command, turn every ending into an exit status.

Every failure a user can cause ends in one line on stderr and a non-zero exit, never a
traceback; a bug ends the same way, its traceback kept in the crash log.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from techstance.tui.cli.errors import EXIT_CRASH, EXIT_INTERRUPTED, CliError, print_error, report


def _run(argv: Sequence[str]) -> int:
    from techstance.tui.cli.plain import plain_dashboard

    plain = plain_dashboard(argv)
    if plain is not None:  # the common start, without argparse (tui/cli/plain.py)
        from techstance.tui.cli.app_commands import cmd_dashboard

        return cmd_dashboard(*plain)
    from techstance.db.curation.default_db import default_database_path
    from techstance.tui.cli.data_commands import (
        bundled_seeds,
        cmd_export,
        cmd_export_seeds,
        cmd_history,
        cmd_import,
        cmd_upgrade,
    )
    from techstance.tui.cli.parser import parse
    from techstance.tui.cli.seed_commands import cmd_build, cmd_check, cmd_locate

    args = parse(argv)
    seed_dir = getattr(args, "seeds", None) or bundled_seeds()
    if args.command == "check":
        return cmd_check(seed_dir)
    if args.command == "build":
        return cmd_build(seed_dir, args.db or default_database_path(), args.force)
    if args.command == "locate":
        return cmd_locate(seed_dir, args.source, args.text)
    if args.command == "import":
        return cmd_import(args)
    if args.command == "export":
        return cmd_export(args)
    if args.command == "export-seeds":
        return cmd_export_seeds(args)
    if args.command == "history":
        return cmd_history(args)
    if args.command == "upgrade":
        return cmd_upgrade(args)

    from techstance.tui.cli.app_commands import cmd_dashboard, cmd_kiosk, cmd_serve

    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "kiosk":
        return cmd_kiosk(args)
    return cmd_dashboard(args.db, args.theme, args.dashboard_as_of)


def _crashed(error: BaseException) -> int:
    from techstance.tui.cli.crash_log import write_crash_log
    from techstance.tui.cli.supervise import AppCrashed

    summary = str(error) if isinstance(error, AppCrashed) else f"{type(error).__name__}: {error}"
    cause = error.__cause__ if isinstance(error, AppCrashed) and error.__cause__ is not None else error
    try:
        log = write_crash_log(cause, error.report if isinstance(error, AppCrashed) else "")
        where = f"the traceback is in {log}"
    except OSError as err:
        where = f"the traceback could not be saved: {err.strerror or err}"
    # One line: a multi-line exception message would scroll the summary away.
    first = summary.splitlines()[0] if summary.strip() else type(error).__name__
    print_error(f"crashed: {first} ({where})")
    return EXIT_CRASH


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except CliError as err:
        return report(err)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as err:
        return _crashed(err)
