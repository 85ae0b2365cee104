"""The command line's grammar and its one way of failing: every option applies to the command it is
given with or is refused (never ignored), every command is documented and has --help, and every
failure, a bug included, is one `techstance: error:` line."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from techstance.tui.cli import main
from techstance.tui.cli.parser import build_parser, commands, parse

from tests.helpers import REPO

TECHSTANCE = [sys.executable, "-m", "techstance.tui"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TECHSTANCE, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=60, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args", [
    ["--interval", "5"], ["--idle", "30"], ["--topic", "huawei-5g"], ["--kiosk-config", "k.toml"],
    ["--db", "x.db", "--interval=5"],
])
def test_kiosk_settings_without_the_kiosk_are_refused(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # Before: the dashboard started and ignored them.
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("usage: techstance")
    assert err[-1].startswith("techstance: error: --") and "kiosk setting" in err[-1]


@pytest.mark.parametrize(("args", "option", "command"), [
    (["--theme", "mono", "build"], "--theme", "build"),
    (["--theme", "mono", "export"], "--theme", "export"),
    (["--db", "x.db", "check"], "--db", "check"),
    (["--db", "x.db", "locate", "s", "t"], "--db", "locate"),
])
def test_an_option_before_a_command_it_does_not_apply_to_is_refused(
        args: list[str], option: str, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err.splitlines()[-1] == \
        f"techstance: error: {option} does not apply to the {command} command"


@pytest.mark.parametrize("args", [["build", "--theme", "mono"], ["check", "--db", "x.db"],
                                  ["export", "--interval", "3"], ["import", "--kiosk", "a.txt"]])
def test_an_option_after_a_command_it_does_not_apply_to_is_refused(args: list[str],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"usage: techstance {args[0]}") and "unrecognized arguments" in err[-1]


@pytest.mark.parametrize("args", [
    ["--kiosk", "--interval", "5", "--topic", "huawei-5g"],
    ["--db", "w.db", "--kiosk", "--interval", "5", "--topic", "huawei-5g"],
    ["--theme", "mono", "--db", "w.db", "--kiosk", "--interval", "5", "--topic", "huawei-5g"],
    ["kiosk", "--interval", "5", "--topic", "huawei-5g"],
])
def test_kiosk_flag_is_an_alias_of_the_kiosk_command(args: list[str]) -> None:
    parsed = parse(args)
    assert parsed.command == "kiosk" and parsed.interval == 5.0 and parsed.topic == "huawei-5g"
    assert parsed.db == (Path("w.db") if "w.db" in args else None)


def test_a_theme_before_the_kiosk_command_is_kept() -> None:
    assert parse(["--theme", "mono", "kiosk"]).theme == "mono"
    assert parse(["kiosk", "--theme", "mono"]).theme == "mono"


def test_serve_passes_every_kiosk_setting_to_each_session(tmp_path: Path) -> None:
    from techstance.tui.cli.app_commands import kiosk_command

    config = tmp_path / "kiosk.toml"
    config.write_text("interval = 3\n", encoding="utf-8")
    args = parse(["--theme", "mono", "serve", "--kiosk", "--db", str(tmp_path / "w.db"), "--kiosk-config",
                  str(config), "--interval", "4", "--idle", "9", "--topic", "huawei-5g"])
    command = kiosk_command(args)
    assert command[1:4] == ["-m", "techstance.tui", "kiosk"]
    joined = " ".join(command)
    for part in (f"--db {tmp_path / 'w.db'}", f"--kiosk-config {config}", "--interval 4.0", "--idle 9.0",
                 "--topic huawei-5g", "--theme mono"):
        assert part in joined, joined
    assert parse(command[3:]).command == "kiosk"  # the session's own command line parses


def _readme_commands() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `techstance ([a-z][a-z-]*)", table, flags=re.MULTILINE))


def test_every_command_is_in_the_readme_table_and_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    names = set(commands(build_parser()))
    assert names >= {"kiosk", "serve", "build", "check", "import", "export", "export-seeds", "history", "locate"}
    assert names - _readme_commands() == set(), "commands missing from README.md's table"
    assert _readme_commands() - names == set(), "README.md lists commands that do not exist"
    for name in sorted(names):
        with pytest.raises(SystemExit) as exited:
            main([name, "--help"])
        assert exited.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: techstance {name}"), out
        assert "-h, --help" in out


def test_the_readme_row_of_each_command_names_its_options() -> None:
    """An option a command has but its README row leaves out is one a reader never learns of."""
    table = (REPO / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `techstance ([a-z][a-z-]*).*$", table, re.MULTILINE)}
    parsers = commands(build_parser())
    shared = {"--db", "--help"}  # `techstance --db PATH` has its own row
    # serve's row says "[kiosk options]": the kiosk row lists them
    kiosk_options = {o for a in parsers["kiosk"]._actions for o in a.option_strings}
    missing = [f"{name}: {option}" for name, parser in sorted(parsers.items())
               for action in parser._actions for option in action.option_strings
               if option.startswith("--") and option not in shared
               and not (name == "serve" and option in kiosk_options) and option not in rows[name]]
    assert not missing, missing


def test_a_bug_in_a_command_is_one_line_with_the_traceback_in_the_crash_log(tmp_path: Path) -> None:
    code = ("import sys, techstance.tui.cli.seed_commands as s\n"
            "def broken(seed_dir): return {}['missing']\n"
            "s.cmd_check = broken\n"
            "from techstance.tui.cli import main\n"
            "sys.exit(main(['check']))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")})
    log = tmp_path / "data" / "techstance" / "crash.log"
    assert result.returncode == 70
    assert result.stderr == f"techstance: error: crashed: KeyError: 'missing' (the traceback is in {log})\n"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in broken" in text


def test_a_crash_log_that_cannot_be_written_is_said_in_the_same_one_line(tmp_path: Path) -> None:
    code = ("import sys, techstance.tui.cli.seed_commands as s\n"
            "def broken(seed_dir): raise RuntimeError('first line\\nsecond line')\n"
            "s.cmd_check = broken\n"
            "from techstance.tui.cli import main\n"
            "sys.exit(main(['check']))\n")
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "XDG_DATA_HOME": str(blocker)})
    assert result.returncode == 70
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("techstance: error: crashed: RuntimeError: first line (")
    assert "the traceback could not be saved" in lines[0]


def test_the_crash_log_is_rotated_before_it_grows_past_its_limit(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from techstance.tui.cli import crash_log

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(crash_log, "LOG_MAX_BYTES", 2000)
    for n in range(40):
        try:
            raise ValueError(f"crash {n}")
        except ValueError as err:
            path = crash_log.write_crash_log(err)
    assert path.stat().st_size < 2000 + 1000
    assert path.with_name("crash.log.1").stat().st_size < 2000 + 1000
    assert "crash 39" in path.read_text()


def test_errors_show_control_characters_instead_of_sending_them(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b]0;pwned\x07.db"
    result = _run("--db", str(name))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "evil\\x1b]0;pwned\\x07.db" in result.stderr


def _export_to_terminal(db: Path) -> bytes:
    """What `techstance export` writes when its standard output is a terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([*TECHSTANCE, "export", "--format", "csv", "--db", str(db)], stdout=follower,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the writer has gone
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return out


def test_export_to_a_terminal_shows_escape_sequences_from_the_data(seed_db: Path, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "escapes.db"
    db.write_bytes(seed_db.read_bytes())
    conn = sqlite3.connect(db)
    conn.execute("UPDATE decisions SET summary = 'clear\x1b[2J\x1b]52;c;ZXZpbA==\x07done' WHERE country = 'GB'")
    conn.commit()
    conn.close()
    out = _export_to_terminal(db)
    assert b"\x1b" not in out and b"\x07" not in out  # before: the screen cleared, the clipboard replaced
    assert b"clear\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07done" in out
    piped = _run("export", "--format", "csv", "--db", str(db))
    assert "clear\x1b[2J" in piped.stdout  # into a pipe or file the data is kept as stored


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_a_kiosk_configuration_that_is_not_a_small_regular_file_is_refused_at_once(
        tmp_path: Path, seed_db: Path, kind: str) -> None:
    config = tmp_path / "kiosk.toml"
    if kind == "fifo":
        os.mkfifo(config)  # before: the kiosk waited for a writer, for ever
    elif kind == "dev-zero":
        config.symlink_to("/dev/zero")  # before: read until memory ran out
    else:
        config.write_text("# padding\n" * 10_000, encoding="utf-8")
    result = _run("kiosk", "--kiosk-config", str(config), "--db", str(seed_db))
    assert result.returncode == 1, result.stderr
    # One reader, tui/kiosk/config.py, says what is wrong (it opens without blocking, reads at most 64 KiB + 1).
    expected = {"fifo": "not a regular file", "dev-zero": "not a regular file", "huge": "64"}[kind]
    assert result.stderr.startswith(f"techstance: error: {config}: ") and expected in result.stderr
    assert result.stderr.count("\n") == 1


def test_build_names_its_database_with_control_characters_shown(tmp_path: Path) -> None:
    target = tmp_path / "wall\x1b[2J.db"
    result = _run("build", "--db", str(target))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "wall\\x1b[2J.db" in result.stdout


def test_a_dashboard_that_cannot_open_its_database_leaves_garbage_collection_on(tmp_path: Path) -> None:
    # The dashboard starts with collections off until its first frame (docs/benchmarks.md); a start
    # refused before that must not leave them off in the calling process.
    import gc

    from techstance.tui.cli.app_commands import cmd_dashboard
    from techstance.tui.cli.errors import CliError

    with pytest.raises(CliError):
        cmd_dashboard(tmp_path / "missing.db", None)
    assert gc.isenabled()


@pytest.mark.parametrize("limit", ["999999999999999999999", "0", "-1", "ten"])
def test_history_limit_that_is_not_a_sensible_count_is_refused(limit: str, seed_db: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    # Before: a 21-digit limit crashed (OverflowError, exit 70) and 0 or -1 printed
    # "no changes since the database was built" over a database with changes.
    assert main(["history", "--db", str(seed_db), "--limit", limit]) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("techstance: error: argument --limit: ")
