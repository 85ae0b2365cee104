"""`techstance serve --kiosk` end to end: a real server, a real websocket session, no browser.

The rest of the suite drives the kiosk in-process with Pilot; nothing there proves that
textual-serve can start it, that a browser's websocket gets the kiosk's screen, that visitors
cannot end the session from the keyboard, that the server listens on loopback only by default,
or that serving leaves the database untouched. These tests start the command as a user would
and speak textual-serve's protocol (an HTML page pointing at `/ws?width=..&height=..`; JSON
text frames such as `["stdin", "q"]` in, the app's terminal output as binary frames out).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import REPO

STARTUP_DEADLINE = 20.0  # seconds for the server to accept connections
SESSION_DEADLINE = 15.0  # seconds for a kiosk session to draw its screen
EXIT_DEADLINE = 10.0  # seconds for a session's process to end after its websocket closes
WIDTH, HEIGHT = 120, 40


@dataclass(frozen=True)
class Served:
    process: subprocess.Popen[bytes]
    port: int
    db: Path
    db_before: tuple[bytes, int]
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws?width={WIDTH}&height={HEIGHT}"

    def logs(self) -> str:
        return f"--- stdout ---\n{self.stdout.read_text(errors='replace')}\n" \
               f"--- stderr ---\n{self.stderr.read_text(errors='replace')}"


def _env(config_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TEXTUAL_ANIMATIONS"] = "none"
    # The kiosk reads $XDG_CONFIG_HOME/techstance/kiosk.toml: keep the tester's own file out of it.
    env["XDG_CONFIG_HOME"] = str(config_home)
    env.pop("TECHSTANCE_DB", None)
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def _children(pid: int) -> list[int]:
    """Every live descendant of `pid`, read from /proc (no psutil)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended while we looked
        fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, ppid in parents.items() if ppid == parent]
        found += kids
        frontier += kids
    return found


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left of it, sessions included.

    The server is reaped only after the SIGKILL, so its group id cannot have been reused.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while process.returncode is None and time.monotonic() < deadline:
        try:  # WNOWAIT: see that it exited, but leave it a zombie that holds the group id
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break
        except ChildProcessError:
            break
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "techstance.tui", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One `serve --kiosk` process for the module, in its own process group, always killed."""
    tmp = tmp_path_factory.mktemp("serve")
    (tmp / "config").mkdir()
    env = _env(tmp / "config")
    (tmp / "data").mkdir()
    db = tmp / "data" / "t.db"
    built = _run_cli("build", "--db", str(db), env=env)
    assert built.returncode == 0, built.stderr
    db_before = _snapshot(db)
    port = _free_port()
    stdout, stderr = tmp / "serve.out", tmp / "serve.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "techstance.tui", "serve", "--kiosk", "--db", str(db), "--port", str(port)],
            cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE
        while not _accepts(port):
            if process.poll() is not None:
                pytest.fail(f"the server exited with status {process.returncode}\n"
                            f"{Served(process, port, db, db_before, stdout, stderr).logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not accept connections within {STARTUP_DEADLINE:g} s")
            time.sleep(0.05)
        yield Served(process, port, db, db_before, stdout, stderr)
    finally:
        _kill_group(process)


@dataclass
class Screen:
    """What a kiosk session has drawn so far: its terminal output, decoded."""

    raw: bytearray

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")


async def _read_until(ws: aiohttp.ClientWebSocketResponse, screen: Screen, *wanted: str,
                      timeout: float = SESSION_DEADLINE) -> None:
    """Collect output until every `wanted` string has appeared in it; fail on close or timeout."""
    deadline = time.monotonic() + timeout
    start = len(screen.raw)
    while not all(word in screen.raw[start:].decode("utf-8", errors="replace") for word in wanted):
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"{wanted} not drawn within {timeout:g} s; the output ended with\n"
                        f"{screen.text[-2000:]!r}")
        try:
            message = await ws.receive(timeout=left)
        except TimeoutError:
            continue
        if message.type == aiohttp.WSMsgType.BINARY:
            screen.raw += message.data
        elif message.type != aiohttp.WSMsgType.TEXT:  # TEXT frames are pongs and the like
            pytest.fail(f"the websocket ended ({message.type.name}) before {wanted} were drawn")


async def _wait_no_sessions(served: Served) -> None:
    deadline = time.monotonic() + EXIT_DEADLINE
    while (left := _children(served.process.pid)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not left, f"kiosk session processes still running after the websocket closed: {left}"


def test_page_is_textual_serve_for_the_kiosk(served: Served) -> None:
    with urllib.request.urlopen(served.url, timeout=10) as response:
        status = response.status
        page = response.read().decode("utf-8")
    assert status == 200
    assert "techstance kiosk" in page
    urls = re.findall(r'data-session-websocket-url="([^"]+)"', page)
    assert urls == [f"ws://127.0.0.1:{served.port}/ws"], page
    assert f"http://127.0.0.1:{served.port}/static/js/textual.js" in page  # the textual-serve client


async def test_websocket_session_runs_the_kiosk(served: Served) -> None:
    assert _children(served.process.pid) == []  # sessions start with a websocket, not before
    screen = Screen(bytearray())
    async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url, heartbeat=None) as ws:
        await ws.send_json(["resize", {"width": WIDTH, "height": HEIGHT}])  # as textual.js does on open
        await _read_until(ws, screen, "Touring", "Decision", "Quotes", "Sources")
        assert _children(served.process.pid), "output arrived but no session process is running"
        # A visitor's keys reach the app, pause the tour, and cannot end the session.
        for key in ("q", "\x03", "\x11"):  # q, ctrl+c, ctrl+q
            await ws.send_json(["stdin", key])
        await _read_until(ws, screen, "Exploring")
        # Still alive: it repaints the whole screen at a new size (an app that quit would close the socket).
        await ws.send_json(["resize", {"width": WIDTH - 20, "height": HEIGHT - 10}])
        await _read_until(ws, screen, "Exploring", "Decision", "Quotes", "Sources")
        assert _children(served.process.pid), "the session process ended after q / ctrl+c / ctrl+q"
        assert not ws.closed
    await _wait_no_sessions(served)
    assert served.process.poll() is None, served.logs()


def _listeners(pid: int, port: int) -> list[tuple[str, str]]:
    """(table, local address in /proc hex) of every listening socket of `pid` on `port`."""
    inodes: set[str] = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[len("socket:["):-1])
    found: list[tuple[str, str]] = []
    for table in ("tcp", "tcp6"):
        path = Path(f"/proc/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port_hex, 16) == port and fields[9] in inodes:
                found.append((table, address))
    return found


def test_listens_on_loopback_only_by_default(served: Served) -> None:
    listeners = _listeners(served.process.pid, served.port)
    # 127.0.0.1 in /proc/net/tcp's little-endian hex; no IPv6 (or any-address) socket at all.
    assert listeners == [("tcp", "0100007F")], listeners


async def test_database_unchanged_by_a_session(served: Served) -> None:
    screen = Screen(bytearray())
    async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url, heartbeat=None) as ws:
        await _read_until(ws, screen, "Touring", "Decision")  # the database was opened and read
    await _wait_no_sessions(served)
    assert _snapshot(served.db) == served.db_before
    assert sorted(p.name for p in served.db.parent.iterdir()) == ["t.db"]  # no journal, WAL or lock files


def test_serve_requires_kiosk(tmp_path: Path) -> None:
    result = _run_cli("serve", env=_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("usage: techstance serve")
    assert "--kiosk" in result.stderr.splitlines()[-1]
    assert result.stdout == ""


def test_serve_refuses_a_bad_interval_before_serving(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert _run_cli("build", "--db", str(db), env=_env(tmp_path)).returncode == 0
    port = _free_port()
    result = _run_cli("serve", "--kiosk", "--interval", "-1", "--db", str(db), "--port", str(port),
                      env=_env(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("techstance: error: "), result.stderr
    assert "interval" in lines[0]
    assert result.stdout == ""
    assert not _accepts(port)
