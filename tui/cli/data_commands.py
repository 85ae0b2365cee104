"""Commands on a database: import articles, export positions or seeds, list the changes."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from techstance.db.curation.default_db import default_database_path
from techstance.db.store.connection import DatabaseOpenError, open_database
from techstance.tui.cli.errors import EXIT_FAILURE, EXIT_OK, CliError, print_error, shown


def bundled_seeds() -> Path:
    import techstance.seeds as seeds

    return Path(seeds.__file__).parent


def _editable(db_arg: Path | None) -> sqlite3.Connection:
    """A read-write connection to --db or the default database (built if missing)."""
    from techstance.db.curation.build import BuildError
    from techstance.db.curation.seeds import SeedError
    from techstance.db.store.edits import open_for_editing

    path = db_arg or default_database_path()
    try:
        if db_arg is None and not path.exists():
            from techstance.db.curation.default_db import refresh_default_database

            refresh_default_database(path, bundled_seeds())
        return open_for_editing(path)
    except (DatabaseOpenError, sqlite3.Error) as err:
        raise CliError(str(err)) from None
    except (SeedError, BuildError) as err:
        raise CliError(f"cannot build the default database {path}: {err}") from None


def _readable(db_arg: Path | None) -> sqlite3.Connection:
    try:
        return open_database(db_arg or default_database_path())
    except DatabaseOpenError as err:
        raise CliError(str(err)) from None


def cmd_import(args: argparse.Namespace) -> int:
    from techstance.db.curation.importer import ImportError_, import_article

    conn = _editable(args.db)
    if args.title and len(args.files) > 1:
        raise CliError("--title names one article; give one FILE with it")
    stored = proposed = failed = 0
    for n, path in enumerate(args.files, 1):
        prefix = f"[{n}/{len(args.files)}] " if len(args.files) > 1 else ""
        try:
            result = import_article(conn, path, outlet=args.outlet, title=args.title, date=args.date,
                                    topic=args.topic)
        except (ImportError_, sqlite3.Error) as err:
            failed += 1
            print_error(str(err) if isinstance(err, ImportError_) else f"{path}: {err}", prefix)
            continue
        name = shown(path)
        bom = " (a byte order mark at its start was removed)" if result.bom_removed else ""
        if result.stored:
            stored += 1
            proposed += result.proposals
            print(f"{prefix}{name}: stored as source '{shown(result.source_id)}'{bom}, "
                  f"{result.proposals} quotation(s) proposed")
        else:
            proposed += result.proposals  # proposed again: its earlier proposals were lost
            again = f"{result.proposals} quotation(s) proposed again" if result.proposals else "nothing changed"
            print(f"{prefix}{name}: already stored as source '{shown(result.source_id)}'; {again}")
    print(f"{stored} article(s) stored, {proposed} quotation(s) proposed for review"
          + (f", {failed} file(s) refused" if failed else ""))
    return EXIT_FAILURE if failed else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from techstance.db.reports.export import export_positions, write_export

    try:
        text = export_positions(_readable(args.db), args.format, topic=args.topic, as_of=args.as_of)
    except (ValueError, sqlite3.Error) as err:
        raise CliError(str(err)) from None
    if args.output is None:
        # On a terminal, data must not act: escape sequences in it are shown, not obeyed. Into
        # a pipe or file, the data goes out as it is stored.
        sys.stdout.write(shown(text) if sys.stdout.isatty() else text)
        return EXIT_OK
    try:
        write_export(args.output, text)
    except OSError as err:
        raise CliError(f"cannot write {args.output}: {err.strerror or err}") from None
    print(f"wrote {shown(args.output)}", file=sys.stderr)
    return EXIT_OK


def cmd_export_seeds(args: argparse.Namespace) -> int:
    from techstance.db.curation.seed_export import export_seeds

    try:
        counts = export_seeds(_readable(args.db), args.folder, replace=args.replace)
    except (ValueError, OSError, sqlite3.Error) as err:
        raise CliError(str(err)) from None
    print(f"wrote {shown(args.folder)}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    print(f"rebuild with: techstance build --seeds {shown(args.folder)} --db NEW.db", file=sys.stderr)
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from techstance.db.store.edits import history

    path = args.db or default_database_path()
    conn = _readable(path)
    try:
        records = history(conn, limit=max(1, args.limit))
    except sqlite3.Error as err:
        raise CliError(f"{path}: {err}") from None
    if not records:
        print("no changes since the database was built")
    for r in records:
        line = f"{r.at}  {r.action:<7} {r.record_table}/{r.record_id}" + (f"  ({r.note})" if r.note else "")
        print(shown(line))
    return EXIT_OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    from techstance.db.curation.upgrade import UpgradeError, upgrade_database

    try:
        report = upgrade_database(args.db or default_database_path())
    except UpgradeError as err:
        raise CliError(str(err), details=tuple(str(p) for p in err.problems)) from None
    print(shown(report.summary()))
    return EXIT_OK
