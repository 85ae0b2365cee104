"""Every error a user can reach from the command line, run as a user would meet it: the installed
`techstance` in a real terminal (tmux), without root's power to read and write anything.

Each case must end with a non-zero exit, one `techstance: error:` line saying what is wrong with
which file (plus the lines its command documents, such as the seed problems or an import's
summary), no traceback, and every file it was pointed at unchanged: no new file, no changed byte
or modification time. The cases run one after another in one terminal session (one tmux server,
~25 s); each is then judged as its own test.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import BAD_FILES, SEEDS, Tmux, make_bad_file, require

# As root every permission check passes; without these two capabilities root is held to the file
# modes like anyone else (it still owns the files, so it can run Python from /root).
DROP_ROOT_POWER = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                   "--inh-caps", "-dac_override,-dac_read_search", "--"]
LOCK_HOLDER = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(120)
"""
ERROR = "techstance: error: "
FINISHED = "=== all cases finished"


@dataclass
class Case:
    name: str
    args: list[str]
    error: str  # a fragment of the one error line
    watched: list[Path] = field(default_factory=list)  # files and folders that must not change
    allowed: str = r"$^"  # other lines the command prints on purpose (a regular expression)
    env: dict[str, str] = field(default_factory=dict)


def _state(path: Path) -> object:
    """What must not change: a file's bytes, mode and mtime; a folder's listing and mode."""
    if path.is_dir():
        return ("dir", sorted(p.name for p in path.iterdir()), path.stat().st_mode)
    if path.exists():
        st = path.stat()
        return ("file", path.read_bytes(), st.st_mtime_ns, st.st_mode)
    return None


def _cases(root: Path, seed_db: Path) -> tuple[list[Case], Callable[[], None]]:
    """The cases, their files made in `root`, and a function that ends the lock holder."""
    good = root / "good.db"
    shutil.copy(seed_db, good)
    article = root / "article.txt"  # new to the database: an import would store it if it could
    article.write_text("Officials met on Monday. “We will decide within the month,” the minister said.\n",
                       encoding="utf-8")
    cases: list[Case] = []

    def folder(name: str) -> Path:
        path = root / name
        path.mkdir()
        return path

    for kind, message in sorted(BAD_FILES.items()):
        here = folder(f"dashboard-{kind}")
        path = make_bad_file(here, kind, good)
        cases.append(Case(f"dashboard-{kind}", ["--db", str(path)], message, [here, path]))

    here = folder("dashboard-unreadable")
    unreadable = here / "t.db"
    shutil.copy(good, unreadable)
    unreadable.chmod(0o000)
    cases.append(Case("dashboard-unreadable", ["--db", str(unreadable)], "permission denied", [here, unreadable]))

    here = folder("dashboard-locked")
    locked = here / "t.db"
    shutil.copy(good, locked)
    holding = here.parent / "lock-held"
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(locked), str(holding)])
    deadline = time.monotonic() + 10
    while not holding.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert holding.exists(), "the lock holder did not start"
    # The dashboard is not refused under a lock: it starts and waits (tests/tui/cli/test_e2e_tmux.py).
    cases.append(Case("import-into-locked", ["import", "--db", str(locked), str(article)],
                      "locked", [locked], allowed=r"^0 article\(s\) stored"))

    here = folder("default-in-read-only-home")
    data = here / "data"
    data.mkdir(mode=0o555)
    cases.append(Case("dashboard-default-db-read-only-home", [], "cannot build the default database", [data],
                      env={"XDG_DATA_HOME": str(data), "TECHSTANCE_DB": ""}))

    here = folder("build-read-only-folder")
    ro = here / "ro"
    ro.mkdir(mode=0o555)
    cases.append(Case("build-into-read-only-folder", ["build", "--db", str(ro / "new.db")], "cannot write in", [ro]))

    here = folder("build-broken-seeds")
    seeds = here / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    toml = seeds / "quotes.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("start = ", "start = -", 1), encoding="utf-8")
    target = here / "t.db"
    shutil.copy(good, target)
    cases.append(Case("build-broken-seeds-keeps-old-db", ["build", "--seeds", str(seeds), "--db", str(target)],
                      "problem", [here, target], allowed=r"quotes\.toml: "))

    here = folder("import-read-only-db")
    ro_db = here / "t.db"
    shutil.copy(good, ro_db)
    ro_db.chmod(0o444)
    cases.append(Case("import-into-read-only-file", ["import", "--db", str(ro_db), str(article)],
                      str(ro_db), [here, ro_db]))

    here = folder("import-db-in-read-only-folder")
    ro_home = here / "ro"
    ro_home.mkdir()
    in_ro = ro_home / "t.db"
    shutil.copy(good, in_ro)
    ro_home.chmod(0o555)
    cases.append(Case("import-into-db-in-read-only-folder",
                      ["import", "--db", str(in_ro), str(article)],
                      str(in_ro), [ro_home, in_ro], allowed=r"^0 article\(s\) stored"))

    here = folder("import-bad-articles")
    db = here / "t.db"
    shutil.copy(good, db)
    binary = here / "latin1.txt"
    binary.write_bytes("Caf\xe9 au lait".encode("latin-1"))
    cases.append(Case("import-non-utf8-article", ["import", "--db", str(db), str(binary)], "not UTF-8 text",
                      [db], allowed=r"^0 article\(s\) stored"))
    cases.append(Case("import-missing-article", ["import", "--db", str(db), str(here / "nope.txt")], "no such file",
                      [db], allowed=r"^0 article\(s\) stored"))

    here = folder("read-commands")
    random = make_bad_file(here, "random-bytes", good)
    newer = make_bad_file(here, "newer-schema", good)
    cases.append(Case("history-of-random-bytes", ["history", "--db", str(random)], "not a SQLite database", [random]))
    cases.append(Case("export-of-missing", ["export", "--db", str(here / "missing.db")], "no such database",
                      [here]))
    cases.append(Case("export-seeds-of-newer-schema", ["export-seeds", "--db", str(newer), str(here / "out")],
                      "made by a newer techstance", [here, newer]))
    out_ro = here / "ro-out"
    out_ro.mkdir(mode=0o555)
    cases.append(Case("export-into-read-only-folder",
                      ["export", "--db", str(good), "--output", str(out_ro / "positions.md")], "cannot write",
                      [out_ro, good]))

    here = folder("kiosk-config")
    bad = here / "kiosk.toml"
    bad.write_text('interval = "soon"\n', encoding="utf-8")
    cases.append(Case("kiosk-bad-config", ["--kiosk", "--kiosk-config", str(bad), "--db", str(good)],
                      "field 'interval'", [here, good]))
    cases.append(Case("locate-unknown-source", ["locate", "no-such-source", "Huawei"],
                      "unknown source 'no-such-source'"))

    def release() -> None:
        holder.kill()
        holder.wait()

    return cases, release


@dataclass
class Outcome:
    case: Case
    status: int | None
    lines: list[str]
    before: list[object]
    after: list[object]


def _script(cases: list[Case], techstance: str, env: dict[str, str]) -> str:
    lines = ["#!/bin/sh"]
    for case in cases:
        assignments = [f"{k}={v}" for k, v in {**env, **case.env}.items()]
        command = shlex.join(["env", *assignments, techstance, *case.args])
        lines += [f"printf '=== case %s\\n' {shlex.quote(case.name)}", f"{command} </dev/null",
                  "printf '=== exit %s\\n' $?"]
    lines.append(f"printf '{FINISHED}\\n'")
    return "\n".join(lines) + "\n"


def _parse(screen: str) -> dict[str, tuple[int | None, list[str]]]:
    found: dict[str, tuple[int | None, list[str]]] = {}
    name: str | None = None
    printed: list[str] = []
    for line in screen.splitlines():
        if line.startswith("=== case "):
            name, printed = line.removeprefix("=== case ").strip(), []
        elif line.startswith("=== exit ") and name is not None:
            found[name] = (int(line.split()[-1]), printed)
            name = None
        elif name is not None and line.strip():
            printed.append(line.rstrip())
    return found


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory, seed_db: Path) -> Iterator[dict[str, Outcome]]:
    root = tmp_path_factory.mktemp("cli-faults")
    cases, release = _cases(root, seed_db)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.fail("running as root, these cases need setpriv (util-linux) to drop root's file powers")
        prefix = DROP_ROOT_POWER
    env = {"TERM": "xterm-256color", "TEXTUAL_ANIMATIONS": "none", "XDG_CONFIG_HOME": str(root / "config"),
           "XDG_DATA_HOME": str(root / "data-home"), "TECHSTANCE_DB": ""}
    before = {c.name: [_state(p) for p in c.watched] for c in cases}
    workdir = root / "tmux"
    workdir.mkdir()
    script = workdir / "cases.sh"
    script.write_text(_script(cases, require("techstance"), env))
    tmux = Tmux(require("tmux"), socket=f"techstance-faults-{os.getpid()}", session="faults", workdir=workdir)
    try:
        config = workdir / "tmux.conf"
        config.write_text("set-option -g remain-on-exit on\nset-option -g history-limit 50000\n")
        tmux.run("-f", str(config), "new-session", "-d", "-s", tmux.session, "-x", "200", "-y", "50",
                 shlex.join([*prefix, "sh", str(script)]))
        deadline = time.monotonic() + 120
        screen = ""
        while time.monotonic() < deadline:
            screen = tmux.run("capture-pane", "-p", "-J", "-S", "-", "-t", tmux.session)
            if FINISHED in screen:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"the cases did not finish within 120 s; the terminal shows:\n{screen}")
    finally:
        tmux.kill()
        release()
    found = _parse(screen)
    yield {c.name: Outcome(c, *found.get(c.name, (None, [])), before[c.name], [_state(p) for p in c.watched])
           for c in cases}
    for path in root.rglob("*"):  # let pytest clean up the read-only folders and files
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


def _case_names() -> list[str]:
    # The names only (the files are made once, in the fixture); kept in step with _cases.
    names = [f"dashboard-{kind}" for kind in sorted(BAD_FILES)]
    return names + [
        "dashboard-unreadable", "import-into-locked", "dashboard-default-db-read-only-home",
        "build-into-read-only-folder", "build-broken-seeds-keeps-old-db", "import-into-read-only-file",
        "import-into-db-in-read-only-folder", "import-non-utf8-article", "import-missing-article",
        "history-of-random-bytes", "export-of-missing", "export-seeds-of-newer-schema",
        "export-into-read-only-folder", "kiosk-bad-config", "locate-unknown-source",
    ]


@pytest.mark.parametrize("name", _case_names())
def test_command_line_fault_is_one_clear_line_and_changes_nothing(outcomes: dict[str, Outcome], name: str) -> None:
    assert name in outcomes, f"no such case: {name}"
    outcome = outcomes[name]
    case = outcome.case
    shown = "\n".join(outcome.lines)
    assert outcome.status is not None, f"{name}: never finished; the terminal showed:\n{shown}"
    assert outcome.status == 1, f"{name}: exit {outcome.status}:\n{shown}"
    assert "Traceback" not in shown, shown
    errors = [line for line in outcome.lines if line.startswith(ERROR)]
    assert len(errors) == 1, f"{name}: expected one error line:\n{shown}"
    assert case.error in errors[0], f"{name}: expected {case.error!r} in {errors[0]!r}"
    others = [line for line in outcome.lines if not line.startswith(ERROR)]
    assert all(re.search(case.allowed, line) for line in others), f"{name}: unexpected output:\n{shown}"
    assert outcome.after == outcome.before, f"{name}: a file it was pointed at changed"


def test_every_case_ran(outcomes: dict[str, Outcome]) -> None:
    assert sorted(outcomes) == sorted(_case_names())
