"""The `techstance` command: run the dashboard, build or check the seed database.

Every failure a user can cause ends in one line on stderr and a non-zero exit, never a
traceback. Textual is imported only when the dashboard starts, so `check` and `build` stay
quick.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from techstance.db.curation.default_db import default_database_path

# Only what every command needs is imported here: the seed checks (pydantic models) and the
# build (sqlite-utils) cost a quarter of a second that opening the dashboard does not need.
from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.tui.visible import visible

# The theme names only; tui.themes imports textual, which `check` and `build` do not need.
THEMES = ("default", "high-contrast", "mono")

EXIT_OK = 0
EXIT_FAILURE = 1


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


DB_HELP = "database file (default: $TECHSTANCE_DB, else techstance.db in the user data directory)"


def _parser() -> argparse.ArgumentParser:
    # --db is accepted before or after the command; SUPPRESS keeps a subcommand's unset
    # default from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, metavar="PATH", default=argparse.SUPPRESS, help=DB_HELP)
    seeds = argparse.ArgumentParser(add_help=False)
    seeds.add_argument("--seeds", type=Path, metavar="DIR",
                       help="seed directory (default: the seeds installed with techstance)")

    parser = argparse.ArgumentParser(
        prog="techstance",
        description="Terminal dashboard of countries' decisions on technology questions, "
                    "with the source behind every fact.",
    )
    parser.add_argument("--db", type=Path, metavar="PATH", help=DB_HELP)
    parser.add_argument("--theme", choices=sorted(THEMES),
                        help="colour theme (default: 'default', or 'mono' when NO_COLOR is set)")
    kiosk = parser.add_argument_group("kiosk mode (read-only wall screen)")
    kiosk.add_argument("--kiosk", action="store_true", help="run as a read-only kiosk that tours the map")
    kiosk.add_argument("--kiosk-config", type=Path, metavar="FILE",
                       help="kiosk settings (TOML; default: ~/.config/techstance/kiosk.toml if present)")
    kiosk.add_argument("--interval", type=float, metavar="S", help="seconds per country on tour (0: still)")
    kiosk.add_argument("--idle", type=float, metavar="S", help="seconds without input before the tour resumes")
    kiosk.add_argument("--topic", metavar="ID", help="topic to show")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("build", parents=[common, seeds],
                   help="validate the seeds and (re)build the database atomically")
    sub.add_parser("check", parents=[seeds], help="validate the seeds without writing anything")
    serve = sub.add_parser("serve", parents=[common],
                           help="serve the read-only kiosk to web browsers (textual-serve)")
    serve.add_argument("--kiosk", action="store_true", required=True,
                       help="required: only the read-only kiosk is ever served")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="address browsers use to reach this server (needed with --host 0.0.0.0)")
    serve.add_argument("--kiosk-config", type=Path, metavar="FILE", help="kiosk settings (TOML)")
    serve.add_argument("--interval", type=float, metavar="S", help="seconds per country on tour")
    serve.add_argument("--idle", type=float, metavar="S", help="seconds without input before the tour resumes")
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
    exp.add_argument("--output", "-o", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    exps = sub.add_parser("export-seeds", parents=[common],
                          help="write the database back out as seed files that `build` turns into the same data")
    exps.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder")
    hist = sub.add_parser("history", parents=[common], help="list the changes made to the database, newest first")
    hist.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    locate = sub.add_parser("locate", parents=[seeds],
                            help="print the [start, end) span of TEXT in a source, for curating")
    locate.add_argument("source", help="source id, as in seeds/sources.toml")
    locate.add_argument("text", help="the exact excerpt to find")
    return parser


def _shown(text: object) -> str:
    """File names, ids and notes as printable text: a control character in a file name must
    not reach the terminal as a command (the same rule as the app's literal text)."""
    return visible(str(text))


def _fail(message: str) -> int:
    print(f"techstance: error: {_shown(message)}", file=sys.stderr)
    return EXIT_FAILURE


def _seed_problems(err: Exception) -> int:
    from techstance.db.curation.seeds import SeedError

    assert isinstance(err, SeedError)
    for problem in err.problems:
        print(problem, file=sys.stderr)
    count = len(err.problems)
    return _fail(f"{count} problem{'s' if count != 1 else ''} in the seeds; nothing was written")


def cmd_check(seed_dir: Path) -> int:
    from techstance.db.curation.seeds import SeedError, load_seeds

    try:
        seeds = load_seeds(seed_dir)
    except SeedError as err:
        return _seed_problems(err)
    evidence = sum(len(d.evidence) for d in seeds.decisions)
    evidence += sum(1 + len(q.evidence) for q in seeds.quotes)
    print(f"seeds OK: {len(seeds.decisions)} decisions, {len(seeds.quotes)} quotes, "
          f"{evidence} evidence spans in {len(seeds.sources)} sources")
    return EXIT_OK


def cmd_build(seed_dir: Path, db_path: Path) -> int:
    from techstance.db.curation.build import BuildError, build_database
    from techstance.db.curation.seeds import SeedError, bundled_seeds_dir

    try:
        # Built from techstance's own seeds, it may be rebuilt when they change; from others, never.
        report = build_database(seed_dir, db_path, bundled=seed_dir.resolve() == bundled_seeds_dir().resolve())
    except SeedError as err:
        return _seed_problems(err)
    except BuildError as err:
        return _fail(str(err))
    print(report.summary())
    return EXIT_OK


def cmd_locate(seed_dir: Path, source_id: str, text: str) -> int:
    from techstance.db.curation.seeds import SeedError, load_seeds

    try:
        seeds = load_seeds(seed_dir)
    except SeedError as err:
        return _seed_problems(err)
    if source_id not in seeds.texts:
        return _fail(f"unknown source '{source_id}'")
    body = seeds.texts[source_id]
    spans = []
    at = body.find(text)
    while at >= 0 and text:
        spans.append(at)
        at = body.find(text, at + 1)
    if not spans:
        return _fail(f"the text is not found verbatim in source '{source_id}'")
    for start in spans:
        print(f"start = {start}\nend = {start + len(text)}")
    if len(spans) > 1:
        print(f"note: found {len(spans)} times; pick the occurrence you mean", file=sys.stderr)
    return EXIT_OK


def cmd_dashboard(db_arg: Path | None, theme: str | None) -> int:
    if db_arg is None:
        from techstance.db.curation.build import BuildError
        from techstance.db.curation.default_db import refresh_default_database
        from techstance.db.curation.seeds import SeedError, bundled_seeds_dir

        path = default_database_path()
        try:
            note = refresh_default_database(path, bundled_seeds_dir())
        except (SeedError, BuildError) as err:
            return _fail(f"cannot build the default database {path}: {err}")
        if note:
            print(note, file=sys.stderr)
    else:
        path = db_arg
    try:
        conn = open_database(path)
    except DatabaseOpenError as err:
        return _fail(str(err))
    from techstance.db.store.opening import read_opening

    opening = read_opening(path)  # the first frame is drawn once, filled
    from techstance.tui.app import TechstanceApp  # imported late: textual is slow to import

    TechstanceApp(conn, db_path=path, theme=theme, opening=opening).run()
    return EXIT_OK


def cmd_kiosk(args: argparse.Namespace) -> int:
    """Never builds or writes anything: a missing database is shown on screen and retried."""
    from techstance.tui.kiosk.config import KioskConfigError, load_kiosk_config

    config_path = _kiosk_config_path(args)
    overrides = {"interval": args.interval, "idle": args.idle, "topic": args.topic, "theme": args.theme}
    try:
        config = load_kiosk_config(config_path, overrides)
    except KioskConfigError as err:
        return _fail(str(err))
    from techstance.tui.kiosk.app import KioskApp

    app = KioskApp(args.db or default_database_path(), config)
    app.run()
    return EXIT_OK


def _kiosk_config_path(args: argparse.Namespace) -> Path | None:
    """--kiosk-config, else the operator's default file if there is one."""
    from techstance.tui.kiosk.config import default_config_path

    if args.kiosk_config is not None:
        return Path(args.kiosk_config)
    return default_config_path() if default_config_path().is_file() else None


def kiosk_command(args: argparse.Namespace) -> list[str]:
    """The command each browser session runs: the kiosk, with the options given to serve."""
    database = Path(args.db or default_database_path()).resolve()
    command = [sys.executable, "-m", "techstance.tui", "--kiosk", "--db", str(database)]
    config_path = _kiosk_config_path(args)
    if config_path is not None:
        command += ["--kiosk-config", str(config_path.resolve())]
    for option in ("interval", "idle"):
        if getattr(args, option) is not None:
            command += [f"--{option}", str(getattr(args, option))]
    return command


def cmd_serve(args: argparse.Namespace) -> int:
    from techstance.tui.kiosk.config import KioskConfigError, load_kiosk_config

    database = args.db or default_database_path()
    overrides = {"interval": args.interval, "idle": args.idle, "max_sessions": getattr(args, "max_sessions", None)}
    try:  # refuse a bad configuration here, once, not in every browser session
        config = load_kiosk_config(_kiosk_config_path(args), overrides, database=database)
    except KioskConfigError as err:
        return _fail(str(err))
    try:
        from techstance.tui.kiosk.serve import ServeError, ServeSettings, serve_kiosk
    except ImportError:
        return _fail("serving needs textual-serve: pip install 'techstance[serve]'")
    # The page tells the browser where to connect back: the listening address is no use for
    # 0.0.0.0, and an IPv6 address needs brackets in a URL.
    host = f"[{args.host}]" if ":" in args.host else args.host
    public_url = args.public_url or f"http://{host}:{args.port}"
    try:
        serve_kiosk(ServeSettings(kiosk_command(args), args.host, args.port, public_url, config.max_sessions))
    except ServeError as err:
        return _fail(str(err))
    return EXIT_OK


def _editable(db_arg: Path | None) -> tuple[object, Path] | int:
    """A read-write connection to --db or the default database (built if missing)."""
    from techstance.db.store.edits import open_for_editing

    path = db_arg or default_database_path()
    try:
        if db_arg is None and not path.exists():
            from techstance.db.curation.default_db import refresh_default_database

            refresh_default_database(path, _bundled_seeds())
        return open_for_editing(path), path
    except (DatabaseOpenError, sqlite3.Error) as err:
        return _fail(str(err))
    except Exception as err:  # SeedError or BuildError from building the default database
        return _fail(f"cannot build the default database {path}: {err}")


def cmd_import(args: argparse.Namespace) -> int:
    from techstance.db.curation.importer import ImportError_, import_article

    opened = _editable(args.db)
    if isinstance(opened, int):
        return opened
    conn, _ = opened
    if args.title and len(args.files) > 1:
        return _fail("--title names one article; give one FILE with it")
    stored = proposed = failed = 0
    for n, path in enumerate(args.files, 1):
        prefix = f"[{n}/{len(args.files)}] " if len(args.files) > 1 else ""
        try:
            result = import_article(conn, path, outlet=args.outlet, title=args.title, date=args.date,  # type: ignore[arg-type]
                                    topic=args.topic)
        except (ImportError_, sqlite3.Error) as err:
            failed += 1
            message = str(err) if isinstance(err, ImportError_) else f"{path}: {err}"
            print(f"{prefix}techstance: error: {_shown(message)}", file=sys.stderr)
            continue
        shown = _shown(path)
        if result.stored:
            stored += 1
            proposed += result.proposals
            print(f"{prefix}{shown}: stored as source '{_shown(result.source_id)}', "
                  f"{result.proposals} quotation(s) proposed")
        else:
            print(f"{prefix}{shown}: already stored as source '{_shown(result.source_id)}'; nothing changed")
    print(f"{stored} article(s) stored, {proposed} quotation(s) proposed for review"
          + (f", {failed} file(s) refused" if failed else ""))
    return EXIT_FAILURE if failed else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from techstance.db.reports.export import export_positions

    try:
        conn = open_database(args.db or default_database_path())
        text = export_positions(conn, args.format, topic=args.topic, as_of=args.as_of)
    except (DatabaseOpenError, ValueError, sqlite3.Error) as err:
        return _fail(str(err))
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as err:
        return _fail(f"cannot write {args.output}: {err.strerror or err}")
    print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_export_seeds(args: argparse.Namespace) -> int:
    from techstance.db.curation.seed_export import export_seeds

    try:
        conn = open_database(args.db or default_database_path())
        counts = export_seeds(conn, args.folder)
    except (DatabaseOpenError, ValueError, OSError, sqlite3.Error) as err:
        return _fail(str(err))
    print(f"wrote {args.folder}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    print(f"rebuild with: techstance build --seeds {args.folder} --db NEW.db", file=sys.stderr)
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from techstance.db.store.edits import history

    path = args.db or default_database_path()
    try:
        conn = open_database(path)
    except DatabaseOpenError as err:
        return _fail(str(err))
    try:
        records = history(conn, limit=max(1, args.limit))
    except sqlite3.Error as err:
        return _fail(f"{path}: {err}")
    if not records:
        print("no changes since the database was built")
    for r in records:
        line = f"{r.at}  {r.action:<7} {r.record_table}/{r.record_id}" + (f"  ({r.note})" if r.note else "")
        print(_shown(line))
    return EXIT_OK


def _bundled_seeds() -> Path:
    import techstance.seeds as seeds

    return Path(seeds.__file__).parent


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    seed_dir = getattr(args, "seeds", None) or _bundled_seeds()
    try:
        if args.command == "check":
            return cmd_check(seed_dir)
        if args.command == "build":
            return cmd_build(seed_dir, args.db or default_database_path())
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "import":
            return cmd_import(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "export-seeds":
            return cmd_export_seeds(args)
        if args.command == "history":
            return cmd_history(args)
        if args.command == "locate":
            return cmd_locate(seed_dir, args.source, args.text)
        if args.kiosk:
            return cmd_kiosk(args)
        return cmd_dashboard(args.db, args.theme)
    except KeyboardInterrupt:
        return 130
