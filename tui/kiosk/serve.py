"""`techstance serve --kiosk`: textual-serve's server, bounded for a public wall.

textual-serve runs one app process per browser websocket. As shipped it lets a client ask for
any terminal size (20000x20000 took one session to 3.2 GB and 100% CPU), opens as many sessions
as clients ask for, leaves a busy session's process running after its client left, takes 15 to
25 s to stop on SIGTERM with a session open, and answers a busy port with a traceback. The
subclasses here keep its protocol, page and client and bound each of those.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import shlex
import signal
import socket
import sys
from asyncio.subprocess import Process
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("techstance.serve")

MAX_WIDTH, MAX_HEIGHT = 300, 100  # a wall screen at a small font; each cell costs the session memory and CPU
MIN_WIDTH, MIN_HEIGHT = 10, 5
QUIT_GRACE_S = 1.0  # a session asked to quit gets this long before it is terminated
TERM_GRACE_S = 0.5  # ... and this long after SIGTERM before SIGKILL
MAX_MESSAGE_BYTES = 64 * 1024  # a browser sends keys and sizes, never more than a pasted paragraph
HEARTBEAT_S = 5.0  # a client that vanished without closing is noticed within two heartbeats
BUSY_RETRY_S = 10  # the busy page reloads itself this often


class ServeError(Exception):
    """Serving could not start; the message is one line."""


def clamp_size(width: object, height: object) -> tuple[int, int] | None:
    """A terminal size a session may have, or None for one that is not a pair of numbers."""
    sizes = []
    for value in (width, height):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return None
        sizes.append(int(value))
    return (min(max(sizes[0], MIN_WIDTH), MAX_WIDTH), min(max(sizes[1], MIN_HEIGHT), MAX_HEIGHT))


class KioskSession(AppService):
    """One browser's kiosk process, in a process group of its own so that it can be ended whole."""

    def __init__(self, argv: Sequence[str], **kwargs: object) -> None:
        super().__init__(shlex.join(argv), **kwargs)  # type: ignore[arg-type]
        self.argv = list(argv)
        self.ended = False  # its process has exited

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        # exec, not a shell: the process we signal is the kiosk itself, and its group is its own;
        # die_with_parent ends it should this server be killed without a chance to stop it.
        tethered = [sys.executable, "-m", "techstance.tui.kiosk.die_with_parent", str(os.getpid()), *self.argv]
        self._process = process = await asyncio.create_subprocess_exec(
            *tethered,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def start(self, width: int, height: int) -> None:
        size = clamp_size(width, height) or (80, 24)
        await super().start(*size)

    async def set_terminal_size(self, width: int, height: int) -> None:
        size = clamp_size(width, height)
        if size is not None:
            await super().set_terminal_size(*size)

    async def run(self) -> None:
        await super().run()
        self.ended = True  # its place is free before its browser hears of it
        # The process ended by itself (it failed to start, crashed, or the operator's exit
        # sequence): textual-serve left the browser connected to nothing, holding a place
        # under the cap, unless the app had said goodbye.
        with contextlib.suppress(Exception):
            await self.remote_close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Ask the kiosk to quit; if it has not within QUIT_GRACE_S, end its process group.

        textual-serve only asks, and waits for ever: a session busy drawing, or with a full
        input pipe, outlived its client by minutes.
        """
        task, self._task = self._task, None
        process = self._process
        if task is None or process is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.send_meta({"type": "quit"}), QUIT_GRACE_S)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), QUIT_GRACE_S)
        for sig, grace in ((signal.SIGTERM, TERM_GRACE_S), (signal.SIGKILL, 5.0)):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), grace)
        # The reader ends at the end of the process's output; a grandchild holding the pipe open
        # would keep it waiting, so it gets a moment and is then cancelled.
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(task, TERM_GRACE_S)


@dataclass(frozen=True)
class ServeSettings:
    argv: list[str]  # the command each session runs
    host: str
    port: int
    public_url: str
    max_sessions: int


class KioskServer(Server):
    """textual-serve's Server with a cap on sessions and a stop that does not wait for them."""

    def __init__(self, settings: ServeSettings) -> None:
        super().__init__(shlex.join(settings.argv), host=settings.host, port=settings.port,
                         title="techstance kiosk", public_url=settings.public_url)
        self.settings = settings
        self.sessions: set[KioskSession] = set()
        self.sockets: set[web.WebSocketResponse] = set()

    @property
    def running(self) -> int:
        """Sessions whose process has not exited: the ones that count against the cap."""
        return sum(not session.ended for session in self.sessions)

    @property
    def full(self) -> bool:
        return self.running >= self.settings.max_sessions

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the start is announced once the port is bound (see `run`)."""

    async def on_shutdown(self, app: web.Application) -> None:
        # Close every browser's socket and end every session now; aiohttp would otherwise wait
        # for each websocket handler to return by itself.
        await asyncio.gather(*(session.stop() for session in list(self.sessions)), return_exceptions=True)
        await asyncio.gather(*(ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")
                               for ws in list(self.sockets)), return_exceptions=True)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.full:
            return web.Response(status=503, content_type="text/html", headers={"Retry-After": str(BUSY_RETRY_S)},
                                text=busy_page(self.settings.max_sessions))
        page = await super().handle_index(request)
        # Chromium keeps a page left by navigation in its back/forward cache with its websocket
        # open, so the session outlived the visitor by minutes and held a place under the cap;
        # a page that may not be stored is not kept.
        page.headers["Cache-Control"] = "no-store"
        return page

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_MESSAGE_BYTES)
        await websocket.prepare(request)
        if self.full:
            log.info("refused a session: all %d in use", self.settings.max_sessions)
            await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"every kiosk session is in use")
            return websocket
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        session = KioskSession(self.settings.argv, write_bytes=websocket.send_bytes,
                               write_str=websocket.send_str, close=websocket.close,
                               download_manager=self.download_manager, debug=self.debug)
        self.sessions.add(session)  # counted before the first await, so two clients cannot both take the last
        self.sockets.add(websocket)
        try:
            await session.start(width, height)
            log.info("session started: pid %s, %d of %d", session.pid, self.running, self.settings.max_sessions)
            await self._process_messages(websocket, session)
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            await session.stop()
            self.sessions.discard(session)
            log.info("session ended: pid %s", session.pid)
            self.sockets.discard(websocket)
            await websocket.close()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """textual-serve's messages, where a malformed one is ignored instead of ending the session
        with a traceback in the log."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", errors="replace"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(data.get("width"), data.get("height"))  # type: ignore[arg-type]
            elif kind == "ping" and isinstance(data, str):
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def run(self, announce: str) -> None:
        """Listen until SIGINT or SIGTERM; ServeError (one line) if the address cannot be used."""
        runner = web.AppRunner(await self._make_app(), handle_signals=False, shutdown_timeout=1.0,
                               access_log=None)
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, self.host, self.port).start()
            except OSError as err:
                # asyncio words a failed bind as 'error while attempting to bind on address ...'
                reason = err.strerror if isinstance(err, socket.gaierror) or not err.errno else os.strerror(err.errno)
                raise ServeError(f"cannot listen on {self.host} port {self.port}: {reason}") from None
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            print(announce, file=sys.stderr, flush=True)
            await stop.wait()
        finally:
            await runner.cleanup()


def busy_page(max_sessions: int) -> str:
    plural = "s are" if max_sessions != 1 else " is"
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="refresh" '
            f'content="{BUSY_RETRY_S}"><title>techstance kiosk: busy</title></head>\n'
            f'<body style="background:#0c181f;color:#eee;font-family:monospace;padding:2em">'
            f"<p>All {max_sessions} kiosk session{plural} in use.</p>"
            f"<p>This page tries again every {BUSY_RETRY_S} seconds.</p></body></html>\n")


def check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise ServeError(f"port {port} is not a TCP port (1 to 65535)")


def check_public_url(url: str) -> None:
    """The page loads its script from this address and connects back to it: anything but an http
    or https URL with a host gives a blank page in every browser."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServeError(f"--public-url {url!r} is not an http:// or https:// address (e.g. http://wall-server:8000)")


def serve_kiosk(settings: ServeSettings) -> None:
    """Serve until SIGINT or SIGTERM. Raises ServeError (one line) when it cannot start."""
    check_port(settings.port)
    check_public_url(settings.public_url)
    server = KioskServer(settings)
    server.initialize_logging()
    announce = f"serving the techstance kiosk on {settings.public_url} (read-only, at most " \
               f"{settings.max_sessions} session{'s' if settings.max_sessions != 1 else ''}); ctrl+c stops"
    asyncio.run(server.run(announce))
