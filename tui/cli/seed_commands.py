"""Commands on the seed files: check them, build a database from them, find a span in a source."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from techstance.tui.cli.errors import EXIT_OK, CliError, shown


def _seed_problems(problems: Sequence[object]) -> CliError:
    count = len(problems)
    return CliError(f"{count} problem{'s' if count != 1 else ''} in the seeds; nothing was written",
                    details=tuple(str(p) for p in problems))


def cmd_check(seed_dir: Path) -> int:
    from techstance.db.curation.seeds import SeedError, load_seeds

    try:
        seeds = load_seeds(seed_dir)
    except SeedError as err:
        raise _seed_problems(err.problems) from None
    evidence = sum(len(d.evidence) for d in seeds.decisions)
    evidence += sum(1 + len(q.evidence) for q in seeds.quotes)
    print(f"seeds OK: {len(seeds.decisions)} decisions, {len(seeds.quotes)} quotes, "
          f"{evidence} evidence spans in {len(seeds.sources)} sources")
    return EXIT_OK


def cmd_build(seed_dir: Path, db_path: Path, force: bool = False) -> int:
    from techstance.db.curation.build import BuildError, build_database
    from techstance.db.curation.seeds import SeedError, bundled_seeds_dir

    try:
        # Built from techstance's own seeds, it may be rebuilt when they change; from others, never.
        report = build_database(seed_dir, db_path, bundled=seed_dir.resolve() == bundled_seeds_dir().resolve(),
                                force=force)
    except SeedError as err:
        raise _seed_problems(err.problems) from None
    except BuildError as err:
        raise CliError(str(err)) from None
    print(shown(report.summary()))
    return EXIT_OK


def cmd_locate(seed_dir: Path, source_id: str, text: str) -> int:
    from techstance.db.curation.seeds import SeedError, load_seeds

    try:
        seeds = load_seeds(seed_dir)
    except SeedError as err:
        raise _seed_problems(err.problems) from None
    if source_id not in seeds.texts:
        raise CliError(f"unknown source '{source_id}'")
    body = seeds.texts[source_id]
    spans = []
    at = body.find(text)
    while at >= 0 and text:
        spans.append(at)
        at = body.find(text, at + 1)
    if not spans:
        raise CliError(f"the text is not found verbatim in source '{source_id}'")
    for start in spans:
        print(f"start = {start}\nend = {start + len(text)}")
    if len(spans) > 1:
        print(f"note: found {len(spans)} times; pick the occurrence you mean", file=sys.stderr)
    return EXIT_OK
