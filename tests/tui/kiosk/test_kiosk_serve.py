"""`techstance serve --kiosk` end to end: a real server, real websocket sessions, no browser
(test_kiosk_browser.py has one).

The rest of the suite drives the kiosk in-process with Pilot; nothing there proves that
textual-serve can start it, that a browser's websocket gets the kiosk's screen, that visitors
cannot end the session from the keyboard, that the server listens on loopback only by default,
or that serving leaves the database untouched. Nor that a public server stays bounded: sessions
capped, terminal size clamped, a session ended when its client goes, a prompt stop on SIGTERM,
and a busy or invalid port as one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.tui.kiosk.serving import (
    EXIT_DEADLINE,
    HEIGHT,
    WIDTH,
    Screen,
    Served,
    accepts,
    alive,
    env,
    free_port,
    read_until,
    run_cli,
    serving,
    snapshot,
    wait_gone,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One `serve --kiosk` process for the module's tests that need nothing special of it."""
    with serving(tmp_path_factory.mktemp("serve")) as server:
        yield server


async def _wait_no_sessions(served: Served) -> None:
    deadline = time.monotonic() + EXIT_DEADLINE
    while (left := served.sessions()) and time.monotonic() < deadline:
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
    assert served.sessions() == []  # sessions start with a websocket, not before
    screen = Screen(bytearray())
    async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url(), heartbeat=None) as ws:
        await ws.send_json(["resize", {"width": WIDTH, "height": HEIGHT}])  # as textual.js does on open
        await read_until(ws, screen, "Touring", "Decision", "Quotes", "Sources")
        assert served.sessions(), "output arrived but no session process is running"
        # A visitor's keys reach the app, pause the tour, and cannot end the session.
        for key in ("q", "\x03", "\x11"):  # q, ctrl+c, ctrl+q
            await ws.send_json(["stdin", key])
        await read_until(ws, screen, "Exploring")
        # Still alive: it repaints the whole screen at a new size (an app that quit would close the socket).
        await ws.send_json(["resize", {"width": WIDTH - 20, "height": HEIGHT - 10}])
        await read_until(ws, screen, "Exploring", "Decision", "Quotes", "Sources")
        assert served.sessions(), "the session process ended after q / ctrl+c / ctrl+q"
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
    async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url(), heartbeat=None) as ws:
        await read_until(ws, screen, "Touring", "Decision")  # the database was opened and read
    await _wait_no_sessions(served)
    assert snapshot(served.db) == served.db_before
    assert sorted(p.name for p in served.db.parent.iterdir()) == ["t.db"]  # no journal, WAL or lock files


def test_serve_requires_kiosk(tmp_path: Path) -> None:
    result = run_cli("serve", environment=env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("usage: techstance serve")
    assert "--kiosk" in result.stderr.splitlines()[-1]
    assert result.stdout == ""


def test_serve_refuses_a_bad_interval_before_serving(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run_cli("build", "--db", str(db), environment=env(tmp_path)).returncode == 0
    port = free_port()
    result = run_cli("serve", "--kiosk", "--interval", "-1", "--db", str(db), "--port", str(port),
                      environment=env(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("techstance: error: "), result.stderr
    assert "interval" in lines[0]
    assert result.stdout == ""
    assert not accepts(port)


# ----- bounds: what a public server must not let a client or the operator's setup do -----
async def test_a_malformed_message_is_ignored_and_the_session_goes_on(served: Served) -> None:
    screen = Screen(bytearray())
    async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url(), heartbeat=None) as ws:
        await read_until(ws, screen, "Touring", "Decision")
        # textual-serve ended the session (with a traceback in its log) at the first of these.
        for junk in ("not json", "{}", "[]", '["resize", "big"]', '["resize", {"width": "x", "height": 1e999}]',
                     '["stdin", 5]', '["ping", {}]'):
            await ws.send_str(junk)
        await ws.send_json(["stdin", "\t"])
        await read_until(ws, screen, "Exploring")
        assert not ws.closed
    await _wait_no_sessions(served)
    assert "Traceback" not in served.logs()


def _row_moves(text: str) -> list[tuple[int, int]]:
    """(row, column) of every cursor move in the output: where the app draws."""
    return [(int(row), int(col)) for row, col in re.findall(r"\x1b\[(\d+);(\d+)H", text)]


async def test_a_huge_terminal_size_is_clamped(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        screen = Screen(bytearray())
        async with aiohttp.ClientSession() as http, \
                http.ws_connect(served.ws_url(20000, 20000), heartbeat=None) as ws:
            await read_until(ws, screen, "Touring", "Decision")
            [session] = served.sessions()
            environ = dict(item.split("=", 1) for item in
                           Path(f"/proc/{session}/environ").read_text().split("\0") if "=" in item)
            assert (environ["COLUMNS"], environ["ROWS"]) == ("300", "100")
            assert max(row for row, _ in _row_moves(screen.text)) == 100
            # A resize asks again; the session repaints at the largest size allowed.
            await ws.send_json(["resize", {"width": 20000, "height": 20000}])
            await ws.send_json(["resize", {"width": 200, "height": 60}])
            start = len(screen.raw)
            await read_until(ws, screen, "Touring", "Decision")
            assert max(row for row, _ in _row_moves(screen.raw[start:].decode(errors="replace"))) <= 100
            rss_kib = int(re.findall(r"VmRSS:\s+(\d+)", Path(f"/proc/{session}/status").read_text())[0])
            assert rss_kib < 400_000, f"a clamped session uses {rss_kib} KiB"


async def test_sessions_are_capped_and_a_freed_place_is_reused(tmp_path: Path) -> None:
    with serving(tmp_path, config="max_sessions = 1\n") as served:
        async with aiohttp.ClientSession() as http:
            first = await http.ws_connect(served.ws_url(), heartbeat=None)
            await read_until(first, Screen(bytearray()), "Touring")
            second = await http.ws_connect(served.ws_url(), heartbeat=None)
            message = await second.receive(timeout=10)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1013, message  # try again later
            assert len(served.sessions()) == 1
            with pytest.raises(urllib.error.HTTPError) as busy:
                urllib.request.urlopen(served.url, timeout=10)
            assert busy.value.code == 503
            page = busy.value.read().decode()
            assert "All 1 kiosk session is in use" in page and 'http-equiv="refresh"' in page
            await first.close()
            await _wait_no_sessions(served)
            with urllib.request.urlopen(served.url, timeout=10) as response:
                assert response.status == 200
            async with http.ws_connect(served.ws_url(), heartbeat=None) as third:
                await read_until(third, Screen(bytearray()), "Touring")


async def test_sigterm_stops_the_server_and_its_sessions_within_3_seconds(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url(), heartbeat=None) as ws:
            await read_until(ws, Screen(bytearray()), "Touring")
            sessions = served.sessions()
            assert sessions
            started = time.monotonic()
            served.process.send_signal(signal.SIGTERM)
            status = await asyncio.to_thread(served.process.wait, 10)
            took = time.monotonic() - started
            assert status == 0 and took < 3.0, f"stopped with {status} after {took:.1f} s\n{served.logs()}"
            assert wait_gone(sessions, timeout=0.5) == []
            message = await ws.receive(timeout=5)
            while message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):  # output sent before
                message = await ws.receive(timeout=5)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_a_killed_server_takes_its_sessions_with_it(tmp_path: Path) -> None:
    with serving(tmp_path) as served:
        async with aiohttp.ClientSession() as http, http.ws_connect(served.ws_url(), heartbeat=None) as ws:
            await read_until(ws, Screen(bytearray()), "Touring")
            sessions = served.sessions()
            served.process.kill()  # no chance to stop anything itself
            assert wait_gone(sessions, timeout=5) == [], "a session outlived its killed server"


async def test_a_session_that_ignores_quit_is_ended_when_its_client_goes(tmp_path: Path) -> None:
    from techstance.tui.kiosk.serve import KioskSession
    from textual_serve.download_manager import DownloadManager

    stubborn = tmp_path / "stubborn.py"  # a session busy drawing: deaf to quit and to SIGTERM
    stubborn.write_text("import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                        "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\ntime.sleep(120)\n")

    async def ignore(*args: object) -> None:
        return None

    session = KioskSession([sys.executable, str(stubborn)], write_bytes=ignore, write_str=ignore, close=ignore,
                           download_manager=DownloadManager())
    await session.start(80, 24)
    await asyncio.sleep(0.5)
    assert session.pid is not None and alive(session.pid)
    started = time.monotonic()
    await session.stop()
    assert time.monotonic() - started < 3.0
    assert not alive(session.pid)


def test_a_busy_port_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run_cli("build", "--db", str(db), environment=env(tmp_path)).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--kiosk", "--db", str(db), "--port", str(port), environment=env(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"techstance: error: cannot listen on 127.0.0.1 port {port}: Address already in use\n"
    assert result.stdout == ""


@pytest.mark.parametrize("port", ["0", "70000", "-1"])
def test_an_invalid_port_is_one_line(tmp_path: Path, port: str) -> None:
    result = run_cli("serve", "--kiosk", "--db", str(tmp_path / "none.db"), "--port", port,
                     environment=env(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"techstance: error: port {port} is not a TCP port (1 to 65535)\n"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "wall-server:8000", "http://", "ftp://wall/"])
def test_a_public_url_a_browser_cannot_connect_back_to_is_one_line(tmp_path: Path, url: str) -> None:
    # Before: served, and every page asked for its script at "javascript:alert(1)/static/js/textual.js":
    # a blank wall screen, with "serving the techstance kiosk on javascript:alert(1)" on the console.
    result = run_cli("serve", "--kiosk", "--db", str(tmp_path / "none.db"), "--port", str(free_port()),
                     "--public-url", url, environment=env(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (f"techstance: error: --public-url {url!r} is not an http:// or https:// address "
                             "(e.g. http://wall-server:8000)\n")


def test_an_unknown_host_is_one_line(tmp_path: Path) -> None:
    result = run_cli("serve", "--kiosk", "--db", str(tmp_path / "none.db"), "--host", "no-such-host.invalid",
                     "--port", str(free_port()), environment=env(tmp_path))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("techstance: error: cannot listen on no-such-host.invalid"), lines


def test_serve_refuses_a_country_the_database_does_not_have(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run_cli("build", "--db", str(db), environment=env(tmp_path)).returncode == 0
    config = tmp_path / "kiosk.toml"
    config.write_text('countries = ["GB", "ZZ"]\n')
    port = free_port()
    result = run_cli("serve", "--kiosk", "--db", str(db), "--kiosk-config", str(config), "--port", str(port),
                     environment=env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"techstance: error: {config}: field 'countries.1': no country 'ZZ' "
                                    "in the database (it has: AU, CA"), result.stderr
    assert result.stderr.count("\n") == 1
    assert not accepts(port)


async def test_a_session_that_fails_to_start_closes_its_socket_and_frees_its_place(tmp_path: Path) -> None:
    with serving(tmp_path, config="max_sessions = 1\n") as served:
        # The operator breaks the file while serving: each new session's kiosk refuses to start.
        (tmp_path / "kiosk.toml").write_text("idle = 0\n")
        # Bounded as a whole: before, the socket stayed open with nothing behind it, for ever.
        async with aiohttp.ClientSession() as http, asyncio.timeout(40):
            for _ in range(2):  # the second finds its place free again
                async with http.ws_connect(served.ws_url(), heartbeat=None) as ws:
                    message = await ws.receive()
                    while message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                        message = await ws.receive()
                    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
                    assert message.data != 1013, "refused as if the failed session still held its place"
        await _wait_no_sessions(served)
        assert "field 'idle'" in served.logs()
