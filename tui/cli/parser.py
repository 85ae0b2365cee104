"""The command line's grammar: the dashboard, the kiosk, and one subcommand per task.

An option that does not apply to the command given is refused, never ignored: each command
accepts only its own options, and the two given before any command (`--db`, `--theme`) are
checked against the command after it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from techstance.db.store.positions import check_as_of
from techstance.tui.cli.errors import EXIT_USAGE, CliError
from techstance.tui.cli.plain import THEMES

DB_HELP = "database file (default: $TECHSTANCE_DB, else techstance.db in the user data directory)"

# The options accepted before a command, and the commands each applies to (None: the dashboard).
BEFORE_COMMAND: dict[str, tuple[str | None, ...]] = {
    "db": (None, "kiosk", "serve", "build", "import", "export", "export-seeds", "history",
           "upgrade"),
    "theme": (None, "kiosk", "serve"),
}


class _Version(argparse.Action):
    """--version, looked up only when asked (importlib.metadata costs 20 ms at every start)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("techstance")
        except PackageNotFoundError:
            found = "unknown"
        parser.exit(message=f"techstance {found}\n")


def _count(text: str) -> int:
    """A whole number of records to list: SQLite takes at most 2**63 - 1, and 0 would list none."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{text} is not a count from 1 to 1000000")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors told through the command's one error printer."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise CliError(message, status=EXIT_USAGE)


def _kiosk_options() -> _Parser:
    """What the kiosk and `serve` share: the settings that override the kiosk configuration file."""
    options = _Parser(add_help=False)
    group = options.add_argument_group("kiosk settings (override the configuration file)")
    group.add_argument("--kiosk-config", type=Path, metavar="FILE",
                       help="kiosk settings (TOML; default: ~/.config/techstance/kiosk.toml if present)")
    group.add_argument("--interval", type=float, metavar="S", help="seconds per country on tour (0: still)")
    group.add_argument("--idle", type=float, metavar="S", help="seconds without input before the tour resumes")
    group.add_argument("--topic", metavar="ID", help="topic to show")
    group.add_argument("--tour", choices=("countries", "timeline"),
                       help="countries: one after another (default); timeline: the dated events in order, "
                            "the map as of each")
    # SUPPRESS: a value given before the command is kept when none is given after it.
    group.add_argument("--theme", choices=sorted(THEMES), default=argparse.SUPPRESS, help="colour theme")
    return options


def build_parser() -> argparse.ArgumentParser:
    # --db is accepted before or after the command; SUPPRESS keeps a subcommand's unset
    # default from overwriting a value given before it.
    common = _Parser(add_help=False)
    common.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    seeds = _Parser(add_help=False)
    seeds.add_argument("--seeds", type=Path, metavar="DIR",
                       help="seed directory (default: the seeds installed with techstance)")

    parser = _Parser(
        prog="techstance",
        description="Terminal dashboard of countries' decisions on technology questions, "
                    "with the source behind every fact. Without a command: the dashboard.",
    )
    parser.add_argument("--db", type=Path, metavar="PATH", help=DB_HELP)
    parser.add_argument("--theme", choices=sorted(THEMES),
                        help="colour theme (default: 'default', or 'mono' when NO_COLOR is set)")
    # Its own dest: `export --as-of` is the same option of another command.
    parser.add_argument("--as-of", dest="dashboard_as_of", metavar="YYYY-MM-DD",
                        help="open the dashboard as the world stood at the end of that day ([ ] step, A: today)")
    parser.add_argument("--kiosk", action="store_true",
                        help="the same as the kiosk command: `techstance --kiosk ...` is `techstance kiosk ...`")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("kiosk", parents=[common, _kiosk_options()],
                   help="run as a read-only wall screen that tours the map (docs/kiosk.md)",
                   description="A read-only wall screen that tours the map; `techstance --kiosk` is the same. "
                               "It never writes: a missing or damaged database is shown on screen and retried. "
                               "Exit statuses for a supervisor: docs/kiosk.md.")
    serve = sub.add_parser("serve", parents=[common, _kiosk_options()],
                           help="serve the read-only kiosk to web browsers (textual-serve)")
    serve.add_argument("--kiosk", action="store_true", required=True,
                       help="required: only the read-only kiosk is ever served")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--max-sessions", type=int, metavar="N", help="browser sessions at once (default 4)")
    serve.add_argument("--public-url", metavar="URL",
                       help="address browsers use to reach this server (needed with --host 0.0.0.0)")
    build = sub.add_parser("build", parents=[common, seeds],
                           help="validate the seeds and (re)build the database atomically")
    build.add_argument("--force", action="store_true",
                       help="replace a database holding edits or proposals the seeds lack, after a timestamped "
                            "backup beside it")
    sub.add_parser("check", parents=[seeds], help="validate the seeds without writing anything")
    sub.add_parser("upgrade", parents=[common],
                   help="bring a database of an older schema up to date, keeping every row and edit",
                   description="Upgrade a database made by an older techstance to the current schema. Every row "
                               "is kept, or each one the current schema refuses is named and nothing is changed. "
                               "The new database is written beside the old one and renamed over it; the old "
                               "file is kept as NAME.vN.bak (N: its schema version).")
    imp = sub.add_parser("import", parents=[common],
                         help="store articles as sources and propose their quotations for review")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="UTF-8 text files, one article each")
    imp.add_argument("--outlet", help="the outlet that published them")
    imp.add_argument("--title", help="the title (for a single file)")
    imp.add_argument("--date", metavar="YYYY-MM-DD", help="publication date (YYYY-MM-DD or YYYY-MM)")
    imp.add_argument("--topic", metavar="ID", help="the topic the proposed quotes are about")
    exp = sub.add_parser("export", parents=[common],
                         help="write the current positions with their citations (csv, json or markdown)")
    exp.add_argument("--format", choices=("csv", "json", "markdown"), default="markdown", help="default: markdown")
    exp.add_argument("--topic", metavar="ID", help="topic (default: the first)")
    exp.add_argument("--as-of", metavar="YYYY-MM-DD", help="the positions as they stood on that date")
    exp.add_argument("--output", "-o", type=Path, metavar="FILE",
                     help="write to FILE (replaced whole, never left half-written) instead of standard output")
    exps = sub.add_parser("export-seeds", parents=[common],
                          help="write the database back out as seed files that `build` turns into the same data")
    exps.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    exps.add_argument("--replace", action="store_true", help="replace DIR when it holds an earlier export")
    hist = sub.add_parser("history", parents=[common], help="list the changes made to the database, newest first")
    hist.add_argument("--limit", type=_count, default=50, help="how many (default 50)")
    locate = sub.add_parser("locate", parents=[seeds],
                            help="print the [start, end) span of TEXT in a source, for curating")
    locate.add_argument("source", help="source id, as in seeds/sources.toml")
    locate.add_argument("text", help="the exact excerpt to find")
    return parser


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every subcommand by name, with its parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


KIOSK_ONLY = ("--kiosk-config", "--interval", "--idle", "--topic", "--tour")


def _command_index(argv: list[str]) -> int:
    """Where the command (or anything but --db and --theme) starts."""
    at = 0
    while at < len(argv):
        if argv[at] in ("--db", "--theme"):
            at += 2
        elif argv[at].startswith(("--db=", "--theme=")):
            at += 1
        else:
            break
    return at


def _kiosk_alias(argv: list[str]) -> list[str]:
    """`--kiosk` where a command would stand is the kiosk command."""
    at = _command_index(argv)
    if at < len(argv) and argv[at] == "--kiosk":
        return [*argv[:at], "kiosk", *argv[at + 1:]]
    return argv


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The parsed command line; a CliError (status 2) for anything that does not apply."""
    parser = build_parser()
    argv = _kiosk_alias(list(argv))
    at = _command_index(argv)
    if at < len(argv) and argv[at].split("=")[0] in KIOSK_ONLY:
        # Before, the dashboard took these and ignored them.
        option = argv[at].split("=")[0]
        parser.error(f"{option} is a kiosk setting; the dashboard has none: techstance kiosk {option} ...")
    args, extras = parser.parse_known_args(argv)
    if extras:
        # Told with the usage of the command they were given to, not the dashboard's.
        which = commands(parser).get(args.command or "", parser)
        which.error(f"unrecognized arguments{f' for {args.command}' if args.command else ''}: {' '.join(extras)}")
    if args.kiosk and args.command is None:  # left over where no command could stand
        parser.error("--kiosk comes first (after --db or --theme only), or use the kiosk command")
    _check_dates(args)
    for option, applies_to in BEFORE_COMMAND.items():
        if getattr(args, option, None) is not None and args.command not in applies_to:
            parser.print_usage(sys.stderr)
            raise CliError(f"--{option} does not apply to the {args.command} command", status=EXIT_USAGE)
    return args


def _check_dates(args: argparse.Namespace) -> None:
    """--as-of of the dashboard and of export: one check (db/store/positions.py), one line, status 2."""
    if args.dashboard_as_of is not None and args.command is not None:
        hint = " (use export --as-of ...)" if args.command == "export" else ""
        raise CliError(f"--as-of before a command is the dashboard's, not the {args.command} command's{hint}",
                       status=EXIT_USAGE)
    for value in (args.dashboard_as_of, getattr(args, "as_of", None)):
        if value is not None:
            try:
                check_as_of(value)
            except ValueError as err:
                raise CliError(f"--as-of: {err}", status=EXIT_USAGE) from None
