"""The commands that run a Textual app: the dashboard, the kiosk, and the kiosk served to browsers.

Textual is imported only here and only when an app starts, so the other commands stay quick.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from techstance.db.curation.default_db import default_database_path
from techstance.db.store.connection import DatabaseOpenError, open_unless_locked
from techstance.tui.cli.errors import EXIT_OK, CliError, shown
from techstance.tui.cli.supervise import run_app

if TYPE_CHECKING:
    import argparse

    from techstance.tui.kiosk.config import KioskConfig

# Far beyond any settings file; a bigger "configuration" is a mistake (or /dev/zero).


def cmd_dashboard(db_arg: Path | None, theme: str | None, as_of: str | None = None) -> int:
    """`as_of`: YYYY-MM-DD, already checked (tui/cli/parser.py)."""
    if db_arg is None:
        from techstance.db.curation.build import BuildError
        from techstance.db.curation.default_db import refresh_default_database
        from techstance.db.curation.seeds import SeedError, bundled_seeds_dir

        path = default_database_path()
        try:
            note = refresh_default_database(path, bundled_seeds_dir())
        except (SeedError, BuildError) as err:
            raise CliError(f"cannot build the default database {path}: {err}") from None
        if note:
            print(shown(note), file=sys.stderr)
    else:
        path = db_arg
    # No collections until the first frame is up: start-up makes objects that all live as long
    # as the app (63,000 from the imports alone, then the stylesheet and widgets), and every
    # older-generation collection on the way walked them all. The app collects once and freezes
    # them after the first frame (techstance.tui.idle_gc), which turns collections back on.
    gc.disable()
    try:
        # None while another program holds the lock (an import in another terminal): the dashboard
        # starts anyway, says on screen that it waits, and fills in when the lock goes.
        conn = open_unless_locked(path)
    except DatabaseOpenError as err:
        gc.enable()  # a refused start leaves a caller (a test) as it was
        raise CliError(str(err)) from None
    if not sys.stdin.isatty():
        # Textual reads keys from standard input; from a file, /dev/null or a pipe it would read an
        # end of file without pause, for ever, and nobody could quit it.
        if conn is not None:
            conn.close()
        gc.enable()
        raise CliError("the dashboard needs a terminal: standard input is not one (try `techstance export`)")
    from techstance.db.store.opening import read_opening

    # The first frame is drawn once, filled; the opening view is today's, so not with a date.
    opening = read_opening(path) if as_of is None and conn is not None else None
    from techstance.tui.app import TechstanceApp  # imported late: textual is slow to import

    return run_app(TechstanceApp.for_database(path, conn=conn, theme=theme, opening=opening, as_of=as_of))


def _kiosk_config_path(args: argparse.Namespace) -> Path | None:
    """--kiosk-config, else the operator's default file if there is one. load_kiosk_config reads it
    without ever blocking (a FIFO) and never past its size limit (/dev/zero)."""
    from techstance.tui.kiosk.config import default_config_path

    if args.kiosk_config is not None:
        return Path(args.kiosk_config)
    if default_config_path().exists():
        return default_config_path()
    return None


def _kiosk_config(args: argparse.Namespace) -> KioskConfig:
    from techstance.tui.kiosk.config import KioskConfigError, load_kiosk_config

    overrides = {"interval": args.interval, "idle": args.idle, "topic": args.topic, "tour": args.tour,
                 "theme": getattr(args, "theme", None), "max_sessions": getattr(args, "max_sessions", None)}
    try:
        # Checked against the database when it is there: an unknown country or topic is one line.
        return load_kiosk_config(_kiosk_config_path(args), overrides, database=args.db or default_database_path())
    except KioskConfigError as err:
        raise CliError(str(err)) from None


def cmd_kiosk(args: argparse.Namespace) -> int:
    """Never builds or writes anything: a missing database is shown on screen and retried."""
    from techstance.tui.kiosk.app import KioskApp

    config = _kiosk_config(args)
    # As the dashboard's: with no terminal on standard input Textual reads an endless end of file.
    # Under `serve` the web driver reads the browser's keys from a pipe instead.
    if not sys.stdin.isatty() and not os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver"):
        raise CliError("the kiosk needs a terminal: standard input is not one "
                       "(for a browser: `techstance serve --kiosk`)")
    return run_app(KioskApp(args.db or default_database_path(), config, config_file=_kiosk_config_path(args)))


def kiosk_command(args: argparse.Namespace) -> list[str]:
    """The command each browser session runs: the kiosk, with the options given to serve."""
    database = Path(args.db or default_database_path()).resolve()
    command = [sys.executable, "-m", "techstance.tui", "kiosk", "--db", str(database)]
    config_path = _kiosk_config_path(args)
    if config_path is not None:
        command += ["--kiosk-config", str(config_path.resolve())]
    for option in ("interval", "idle", "topic", "tour", "theme"):
        if getattr(args, option, None) is not None:
            command += [f"--{option}", str(getattr(args, option))]
    return command


def cmd_serve(args: argparse.Namespace) -> int:
    config = _kiosk_config(args)  # refuse a bad configuration here, once, not in every browser session
    try:
        from techstance.tui.kiosk.serve import ServeError, ServeSettings, serve_kiosk
    except ImportError:
        raise CliError("serving needs textual-serve: pip install 'techstance[serve]'") from None
    # The page tells the browser where to connect back: the listening address is no use for
    # 0.0.0.0, and an IPv6 address needs brackets in a URL.
    host = f"[{args.host}]" if ":" in args.host else args.host
    public_url = args.public_url or f"http://{host}:{args.port}"
    try:  # it says where it serves once the port is open
        serve_kiosk(ServeSettings(kiosk_command(args), args.host, args.port, public_url, config.max_sessions))
    except ServeError as err:
        raise CliError(str(err)) from None
    return EXIT_OK
