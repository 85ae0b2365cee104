"""Starting `techstance serve --kiosk` as a user would, and speaking textual-serve's protocol to it.

textual-serve's page points at `/ws?width=..&height=..`; JSON text frames such as
`["stdin", "q"]` go in, the app's terminal output comes out as binary frames.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.helpers import REPO

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

    def ws_url(self, width: int = WIDTH, height: int = HEIGHT) -> str:
        return f"ws://127.0.0.1:{self.port}/ws?width={width}&height={height}"

    def logs(self) -> str:
        return f"--- stdout ---\n{self.stdout.read_text(errors='replace')}\n" \
               f"--- stderr ---\n{self.stderr.read_text(errors='replace')}"

    def sessions(self) -> list[int]:
        return children(self.process.pid)


def env(config_home: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment["TEXTUAL_ANIMATIONS"] = "none"
    # The kiosk reads $XDG_CONFIG_HOME/techstance/kiosk.toml: keep the tester's own file out of it.
    environment["XDG_CONFIG_HOME"] = str(config_home)
    environment.pop("TECHSTANCE_DB", None)
    return environment


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def children(pid: int) -> list[int]:
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


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2:].split()[0] != "Z"


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left of it.

    Sessions run in groups of their own and die with the server (die_with_parent). The server
    is reaped only after the SIGKILL, so its group id cannot have been reused.
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


def run_cli(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "techstance.tui", *args], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


@contextlib.contextmanager
def serving(tmp: Path, *options: str, config: str | None = None) -> Iterator[Served]:
    """A `serve --kiosk` process on a free port of its own, in its own process group, always killed."""
    (tmp / "config").mkdir(parents=True)
    environment = env(tmp / "config")
    (tmp / "data").mkdir()
    db = tmp / "data" / "t.db"
    built = run_cli("build", "--db", str(db), environment=environment)
    assert built.returncode == 0, built.stderr
    if config is not None:
        (tmp / "kiosk.toml").write_text(config)
        options = ("--kiosk-config", str(tmp / "kiosk.toml"), *options)
    db_before = snapshot(db)
    port = free_port()
    stdout, stderr = tmp / "serve.out", tmp / "serve.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "techstance.tui", "serve", "--kiosk", "--db", str(db), "--port", str(port),
             *options],
            cwd=tmp, env=environment, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    served = Served(process, port, db, db_before, stdout, stderr)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE
        while not accepts(port):
            if process.poll() is not None:
                pytest.fail(f"the server exited with status {process.returncode}\n{served.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not accept connections within {STARTUP_DEADLINE:g} s")
            time.sleep(0.05)
        yield served
    finally:
        kill_group(process)


@dataclass
class Screen:
    """What a kiosk session has drawn so far: its terminal output, decoded."""

    raw: bytearray

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")


async def read_until(ws: aiohttp.ClientWebSocketResponse, screen: Screen, *wanted: str,
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


def wait_gone(pids: list[int], timeout: float = EXIT_DEADLINE) -> list[int]:
    """The pids still running after `timeout` seconds (empty as soon as all have ended)."""
    deadline = time.monotonic() + timeout
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left
