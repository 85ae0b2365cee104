from __future__ import annotations

import os

# Before anything imports textual: snapshots must not depend on animation timing.
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
# The map's tile colours depend on the terminal's colour system (tui/themes.py): snapshots are
# taken as a truecolor terminal shows them, whatever TERM and COLORTERM the tests run under.
os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "truecolor")
# "Before anything imports textual" does not hold in a run without workers (-n 0): the snapshot
# plugin imports textual first, textual.constants had read a 16-colour "auto" from TERM=xterm,
# and every map snapshot failed. Reading the constants again makes both ways of running agree.
import importlib  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

# The apps keep parsed stylesheets in the user's cache folder (tui/css_cache.py). The suite keeps its
# own for the run, shared by the workers and the commands they start (they inherit it from the
# controller, which sets it first), and removed at the end: nothing is written into the home of
# whoever runs the tests, and no run reads what an earlier one left.
_MADE_CACHE = "TECHSTANCE_TEST_CACHE" not in os.environ  # the controller (or a run without workers)
if _MADE_CACHE:
    os.environ["TECHSTANCE_TEST_CACHE"] = os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="techstance-cache-")

if "textual.constants" in sys.modules:
    importlib.reload(sys.modules["textual.constants"])

import gc  # noqa: E402
import itertools  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from techstance.db.curation.build import build_database  # noqa: E402
from techstance.db.store.connection import open_database  # noqa: E402
from techstance.db.store.reads import Store  # noqa: E402
from techstance.tui import idle_gc  # noqa: E402
from textual import _wait as _textual_wait  # noqa: E402
from textual.css.model import RuleSet  # noqa: E402
from textual.css.stylesheet import Stylesheet  # noqa: E402
from textual.css.types import CSSLocation  # noqa: E402

from tests.helpers import REPO, SEEDS, Tmux, require  # noqa: E402

_tmux_names = itertools.count()

# Each app's first full collection (tui/idle_gc.py) walks the worker's whole heap: about 0.1 s of
# CPU per app, a sixth of what an ordinary Pilot test costs. Off for every test that does not ask
# for it; the tests about memory and the collector do (`real_start_up_collection`).
idle_gc.COLLECT_AT_START = False

# A worker's full collections walk everything the worker holds (Textual, the collected tests) to
# free each finished app's cycles: 0.3-0.7 s each, about a fifth of a worker's CPU. Python's default
# runs one every tenth middle-generation collection; a fifth as often, each frees five apps' garbage
# in one walk. Measured on tests/tui/screens at -n 2: worker CPU 47 -> 34 s, collections 11.8 -> 5.4 s.
# The apps under test set and restore their own thresholds (tui/idle_gc.py) from these.
gc.set_threshold(700, 10, 50)


# Every app parses the same stylesheets again: Textual keeps parsed rules per Stylesheet, and each
# App makes its own. About 40 ms of CPU per app, 50 ms per Pilot test measured, several hundred apps
# a run. The tests share the parsed rules within a worker, keyed also on the theme's variables (the
# rules are parsed with them), so a theme change still parses afresh. Parsing is a pure function of
# the key and the rules are only read afterwards; a stylesheet that fails to parse is never cached
# and fails as before. The snapshot tests draw the same with and without this (checked).
_PARSED_RULES: dict[tuple[object, ...], list[RuleSet]] = {}
_parse_rules_per_app = Stylesheet._parse_rules


def _parse_rules_once(self: Stylesheet, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                      tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
    key = (tuple(sorted(self._variables.items())), css, read_from, is_default_rules, tie_breaker, scope)
    rules = _PARSED_RULES.get(key)
    if rules is None:
        rules = _parse_rules_per_app(self, css, read_from, is_default_rules, tie_breaker, scope)
        _PARSED_RULES[key] = rules
    return rules


Stylesheet._parse_rules = _parse_rules_once  # type: ignore[method-assign]


# Pilot's pause() and press() wait until the app is idle: Textual sleeps in steps of 20 ms and calls
# the app idle once a step used under 1 ms of CPU, so every pause costs at least 20 ms of waiting
# and a `press` (two of Textual's waits, four of `settle`'s) at least 120 ms. Steps of 5 ms keep the
# same rule (idle is under 5% of a step) at a quarter of the wait. Measured, test_analyst_views.py
# and test_reader.py serially: 67.6 -> 43.9 s wall at the same 29 CPU-s. The suite's waits were a
# third of its wall time on two cores; workers now spend it working.
_textual_wait.SLEEP_GRANULARITY = 1 / 200
_textual_wait.SLEEP_IDLE = _textual_wait.SLEEP_GRANULARITY / 20


@pytest.fixture
def real_start_up_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle_gc, "COLLECT_AT_START", True)


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database built from the bundled seeds, once per test session (read-only use)."""
    path = tmp_path_factory.mktemp("seed") / "techstance.db"
    build_database(SEEDS, path)
    return path


@pytest.fixture
def db(seed_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the seed database (`copy.db`); a module that needs the copy
    prepared further defines its own `db`."""
    target = tmp_path / "copy.db"
    shutil.copyfile(seed_db, target)
    return target


@pytest.fixture
def store(seed_db: Path) -> Iterator[Store]:
    conn = open_database(seed_db)
    yield Store(conn)
    conn.close()


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return target


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    """A private tmux server (its own socket) for one test, killed in teardown."""
    name = f"techstance-e2e-{os.getpid()}-{next(_tmux_names)}"
    workdir = tmp_path / "tmux"
    workdir.mkdir()
    session = Tmux(require("tmux"), socket=name, session=name, workdir=workdir)
    try:
        yield session
    finally:
        session.kill()


# ----- compiled once -----
# Where PYTHONDONTWRITEBYTECODE is set (this machine, and so CI) nothing writes .pyc files, so every
# process the suite starts (workers, and a few hundred `techstance` commands in terminals and
# subprocesses) compiled the package from source again: about 50 ms of CPU each (docs/benchmarks.md,
# round three). compileall writes them regardless of that setting, and imports read them.
def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller has done it
        return
    import compileall

    for package in ("db", "tui", "seeds"):
        if (REPO / package).is_dir():
            compileall.compile_dir(REPO / package, quiet=2, workers=1)
    # The tests' own helpers are imported as any module is; the test modules are rewritten (below).
    compileall.compile_dir(REPO / "tests", quiet=2, workers=1, rx=re.compile(r"/(test_[^/]*|conftest)\.py$"))
    _rewrite_test_modules_once(session.config)


# The test modules are not compiled but rewritten (pytest's assert rewriting), and pytest writes the
# rewritten code only where bytecode may be written: so each of the four workers rewrote every test
# module again, about 1.5 of the 3.6 CPU-s a worker spends collecting. The controller, which collects nothing,
# writes them once with pytest's own rewriter, and the workers read them as a second run would.
# Only speed depends on it: if pytest's internals change, the workers rewrite as before.
def _rewrite_test_modules_once(config: pytest.Config) -> None:
    try:
        from _pytest.assertion.rewrite import (
            PYC_TAIL,
            _read_pyc,
            _rewrite_test,
            _write_pyc,
            assertstate_key,
            get_cache_dir,
            try_makedirs,
        )

        state = config.stash[assertstate_key]
        for source in sorted((REPO / "tests").rglob("*.py")):
            if not (source.name.startswith("test_") or source.name == "conftest.py"):
                continue
            cache = get_cache_dir(source)
            pyc = cache / (source.name[:-3] + PYC_TAIL)
            if _read_pyc(source, pyc) is None and try_makedirs(cache):
                source_stat, code = _rewrite_test(source, config)
                _write_pyc(state, code, source_stat, pyc)
    except (ImportError, KeyError, OSError, AttributeError, TypeError):
        return


# ----- scheduling -----
# Tests that drive real terminals (tmux), a browser or served sessions start processes of their own
# and wait on deadlines: run on one worker, one after another (`--dist loadgroup` in pyproject), so
# they never crowd each other off the two cores.
TERMINAL_MODULES = {
    "tests/hardening/test_command_line_faults.py",
    "tests/tui/cli/test_e2e_tmux.py",
    "tests/tui/cli/test_signals_and_crashes.py",
    "tests/tui/kiosk/test_kiosk_browser.py",
    "tests/tui/kiosk/test_kiosk_e2e_tmux.py",
    "tests/tui/kiosk/test_kiosk_serve.py",
    "tests/tui/test_as_of_tmux.py",
}


# A module whose module-scoped fixture is expensive is kept on one worker, so it is built once
# (the wheel: about 10 s; it was built on each worker that ran one of the module's tests).
ONE_WORKER_MODULES = {"tests/test_packaging.py": "packaging"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group from the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::")[0]
        if module in TERMINAL_MODULES:
            item.add_marker(pytest.mark.xdist_group("terminal"))
        elif module in ONE_WORKER_MODULES:
            item.add_marker(pytest.mark.xdist_group(ONE_WORKER_MODULES[module]))


# ----- the reliability battery's counts (docs/reliability.md), reported by the suite itself -----
_OUTCOMES: dict[str, dict[str, int]] = {}


# At its end pytest collects garbage five times to catch exceptions raised while objects are freed
# ("constant determined experimentally by the Trio project"). In a worker the first pass frees
# half a million objects in about 1.5 s and each of the other four walks the 350,000 left for
# nothing: 0.36 s each, measured, 6 CPU-s a run at the moment every worker ends together. One pass
# still frees everything and reports what it raised. (The stash key is pytest's own for this.)
@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from _pytest.unraisableexception import gc_collect_iterations_key

    config.stash[gc_collect_iterations_key] = 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _MADE_CACHE and not hasattr(session.config, "workerinput"):  # the run that made it, at its end
        shutil.rmtree(os.environ["TECHSTANCE_TEST_CACHE"], ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--reliability-report", metavar="FILE", type=Path,
                     help="also write the cases tried and passed per test file, as a Markdown table, to FILE")
    parser.addoption("--cpu-durations", metavar="N", type=int, default=0,
                     help="list the N tests that cost the most CPU (the worker's and its subprocesses')")


# ----- CPU per test (--cpu-durations) -----
# --durations reports wall time, which on a shared 2-core machine is mostly other people's load; what
# the suite can cut is CPU. A test's CPU is its worker's process time plus the subprocesses it waited
# for, from setup to teardown (a module fixture's cost lands on the first test that uses it).
_CPU_START = pytest.StashKey[float]()
_CPU: dict[str, float] = {}


def _cpu_now() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.stash[_CPU_START] = _cpu_now()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    if call.when == "teardown" and _CPU_START in item.stash:
        report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
        report.user_properties.append(("cpu_s", _cpu_now() - item.stash[_CPU_START]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "teardown":
        _CPU.update((report.nodeid, float(v)) for k, v in report.user_properties if k == "cpu_s")
    # One outcome per test: its call, or the setup that stopped it from being called.
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        counts = _OUTCOMES.setdefault(report.nodeid.split("::")[0], {"passed": 0, "failed": 0, "skipped": 0})
        counts[report.outcome] += 1


def reliability_table() -> list[str]:
    lines = ["| test file | cases tried | passed | failed | skipped |", "| --- | ---: | ---: | ---: | ---: |"]
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for name, counts in sorted(_OUTCOMES.items()):
        tried = sum(counts.values())
        lines.append(f"| `{name}` | {tried} | {counts['passed']} | {counts['failed']} | {counts['skipped']} |")
        for key in totals:
            totals[key] += counts[key]
    lines.append(f"| all | {sum(totals.values())} | {totals['passed']} | {totals['failed']} | {totals['skipped']} |")
    return lines


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    if not _OUTCOMES:
        return
    from _pytest.terminal import TerminalReporter

    assert isinstance(terminalreporter, TerminalReporter)
    slowest = config.getoption("--cpu-durations")
    if slowest and _CPU:
        terminalreporter.write_sep("-", f"CPU per test, the {slowest} costliest of {len(_CPU)} "
                                        f"(all: {sum(_CPU.values()):.1f} s)")
        for nodeid, seconds in sorted(_CPU.items(), key=lambda kv: -kv[1])[:slowest]:
            terminalreporter.write_line(f"{seconds:8.2f}s  {nodeid}")
    terminalreporter.write_sep("-", "cases tried and passed, per test file (docs/reliability.md)")
    for line in reliability_table():
        terminalreporter.write_line(line)
    target = config.getoption("--reliability-report")
    if target is not None:
        import datetime as dt
        import subprocess

        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=REPO).stdout.strip() or "unknown"
        header = [f"Written by `python3 -m pytest tests --reliability-report {target}` on "
                  f"{dt.date.today().isoformat()} at commit {commit}; exit status {exitstatus}.", ""]
        Path(target).write_text("\n".join(header + reliability_table()) + "\n", encoding="utf-8")
