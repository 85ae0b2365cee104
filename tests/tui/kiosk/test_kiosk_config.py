"""The kiosk configuration: bounds, files that are not small regular files, and the database check.

Each case was accepted, hung, ate memory or ended in a traceback before: unknown countries were
skipped by the tour in silence, `idle = 1e-300` was taken, a FIFO blocked the start, /dev/zero
was read until memory ran out, and deep nesting raised RecursionError.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from techstance.db.store.reads import Store
from techstance.tui.kiosk.config import (
    MAX_FILE_BYTES,
    KioskConfig,
    KioskConfigError,
    load_kiosk_config,
    nesting_depth,
    unknown_in_database,
)


def _error(path: Path | None, overrides: dict[str, object] | None = None, database: Path | None = None) -> str:
    with pytest.raises(KioskConfigError) as caught:
        load_kiosk_config(path, overrides or {}, database=database)
    message = str(caught.value)
    assert "\n" not in message
    return message


def _written(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("idle = 1e-300\n", "field 'idle': Input should be greater than or equal to 1"),
    ("interval = 1e-300\n", "field 'interval': must be 0 (keep still) or at least 1 second"),
    ("interval = 0.5\n", "field 'interval': must be 0 (keep still) or at least 1 second"),
    ("interval = nan\n", "field 'interval': Input should be a finite number"),
    ("idle = inf\n", "field 'idle': Input should be a finite number"),
    ("idle = true\n", "field 'idle': Input should be a valid number"),
    ('poll = "2"\n', "field 'poll': Input should be a valid number"),
    ("poll = 0.01\n", "field 'poll': Input should be greater than or equal to 0.2"),
    ("max_sessions = 0\n", "field 'max_sessions': Input should be greater than or equal to 1"),
    ("max_sessions = 1000\n", "field 'max_sessions': Input should be less than or equal to 64"),
    ("max_sessions = 2.5\n", "field 'max_sessions': Input should be a valid integer"),
    ("allow_quit = 1\n", "field 'allow_quit': Input should be a valid boolean"),
    pytest.param("countries = [" + '"GB", ' * 301 + "]\n", "field 'countries': List should have at most 300 items",
                 id="301 countries"),
    pytest.param("operator_exit = [" + '"e", ' * 17 + "]\n",
                 "field 'operator_exit': List should have at most 16 items", id="17 exit keys"),
])
def test_out_of_bounds_values_are_one_line_naming_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = _written(tmp_path, text)
    message = _error(path)
    assert message.startswith(f"{path}: ") and expected in message, message


def test_the_bounds_themselves_are_accepted(tmp_path: Path) -> None:
    config = load_kiosk_config(_written(tmp_path, "interval = 0\nidle = 1\npoll = 0.2\nmax_sessions = 64\n"), {})
    assert (config.interval, config.idle, config.poll, config.max_sessions) == (0, 1, 0.2, 64)
    assert load_kiosk_config(None, {"interval": 1.0}).interval == 1.0


def test_a_bad_command_line_value_names_the_command_line(tmp_path: Path) -> None:
    path = _written(tmp_path, "idle = 30\n")
    assert _error(path, {"idle": 1e-300}).startswith("command line: field 'idle': ")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "kiosk.toml"
    os.mkfifo(fifo)
    outcome: list[str] = []
    reader = threading.Thread(target=lambda: outcome.append(_error(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # unblock the reader (an opened writer gives it end of file) before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading the kiosk configuration blocked on a FIFO")
    assert outcome == [f"{fifo}: not a regular file (a pipe or device is not read)"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it() -> None:
    assert _error(Path("/dev/zero")) == "/dev/zero: not a regular file (a pipe or device is not read)"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert _error(tmp_path) == f"{tmp_path}: is a directory, not a kiosk configuration file"


def test_a_huge_file_is_refused_after_reading_at_most_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 1) + "interval = 5\n")
    assert _error(path) == f"{path}: larger than 64 KiB; not a kiosk configuration"


@pytest.mark.parametrize("text", [
    pytest.param("countries = " + "[" * 5000 + "]" * 5000 + "\n", id="arrays"),
    pytest.param("countries = " + "{a=" * 5000 + "1" + "}" * 5000 + "\n", id="inline tables"),
    pytest.param("countries = " + "[" * 5000 + "\n", id="unclosed arrays"),
])
def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path: Path, text: str) -> None:
    path = _written(tmp_path, text)
    assert _error(path) == f"{path}: line 1: nested 5000 levels deep (at most 4)"


def test_nesting_is_measured_outside_strings_and_comments() -> None:
    text = ('countries = ["GB"]  # [[[[[[\n'
            'operator_exit = ["[", "{", \'[[[[[[\', """\n[[[[[[\n"""]\n'
            "a = [[1], [[2]]]\n")
    assert nesting_depth(text) == (3, 5)  # the multi-line string's newlines counted
    assert nesting_depth('x = "\\"[[[[[["\ny = [\n') == (1, 2)


def test_a_valid_file_with_brackets_in_strings_loads(tmp_path: Path) -> None:
    path = _written(tmp_path, 'operator_exit = ["[", "[", "{", "]"]  # [[[[[[[[\n')
    assert load_kiosk_config(path, {}).operator_exit == ["[", "[", "{", "]"]


# ----- checked against the database -----
def test_an_unknown_country_names_the_file_and_field(tmp_path: Path, seed_db: Path) -> None:
    path = _written(tmp_path, 'countries = ["GB", "US", "XX"]\n')
    message = _error(path, database=seed_db)
    assert message.startswith(f"{path}: field 'countries.2': no country 'XX' in the database (it has: AU, CA, ")


def test_an_unknown_topic_names_where_it_was_given(tmp_path: Path, seed_db: Path) -> None:
    path = _written(tmp_path, 'topic = "tiktok-bans"\n')
    assert _error(path, database=seed_db) == \
        f"{path}: field 'topic': no topic 'tiktok-bans' in the database (it has: huawei-5g)"
    assert _error(path, {"topic": "nope"}, database=seed_db).startswith("command line: field 'topic': no topic 'nope'")


def test_known_countries_and_topic_pass(tmp_path: Path, seed_db: Path) -> None:
    path = _written(tmp_path, 'topic = "huawei-5g"\ncountries = ["GB", "US", "NZ"]\n')
    assert load_kiosk_config(path, {}, database=seed_db).countries == ["GB", "US", "NZ"]


def test_a_missing_database_is_not_checked_here(tmp_path: Path) -> None:
    # The kiosk shows a missing database on screen and waits for it; the start must not fail.
    path = _written(tmp_path, 'countries = ["XX"]\n')
    assert load_kiosk_config(path, {}, database=tmp_path / "not-yet.db").countries == ["XX"]


def test_unknown_in_database_for_a_kiosk_that_opened_its_store(store: Store) -> None:
    assert unknown_in_database(KioskConfig(countries=["GB", "QQ"]), store) == \
        ("countries.1", "no country 'QQ' in the database (it has: AU, CA, CN, EU, GB, IT, JP, NZ, US)")
    assert unknown_in_database(KioskConfig(countries=["GB"], topic="huawei-5g"), store) is None


def test_the_kiosk_command_refuses_a_fifo_quickly(tmp_path: Path) -> None:
    fifo = tmp_path / "kiosk.toml"
    os.mkfifo(fifo)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "--kiosk", "--kiosk-config", str(fifo),
                             "--db", str(tmp_path / "none.db")],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=30)
    assert result.returncode == 1 and time.monotonic() - started < 10
    assert result.stderr == f"techstance: error: {fifo}: not a regular file (a pipe or device is not read)\n"
