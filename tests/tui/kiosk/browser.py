"""A headless Chromium driven through the DevTools protocol, enough to load a page, type keys,
read what the page received and take a screenshot.

Chromium is started with no route to the internet at all: every host name but 127.0.0.1
resolves to nothing, so a page that asks for a web font gets a failed request, as offline.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

NO_INTERNET = "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"
START_DEADLINE = 30.0  # seconds for chromium to open its DevTools port (its first start on a machine is slow)


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class Page:
    """One tab; events are collected as they arrive."""

    ws: aiohttp.ClientWebSocketResponse
    next_id: int = 0
    pending: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            else:
                self.events.append(data)

    async def call(self, method: str, timeout: float = 15.0, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def evaluate(self, expression: str) -> Any:
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def received_text(self) -> str:
        """Everything the page's websockets received as binary frames (the terminal's output)."""
        chunks = []
        for event in self.events:
            if event.get("method") == "Network.webSocketFrameReceived":
                frame = event["params"]["response"]
                if frame["opcode"] == 2:
                    chunks.append(base64.b64decode(frame["payloadData"]))
        return b"".join(chunks).decode("utf-8", errors="replace")

    def failed_requests(self) -> list[str]:
        """URLs of requests that failed, e.g. a web font with no internet."""
        urls = {e["params"]["requestId"]: e["params"]["request"]["url"]
                for e in self.events if e.get("method") == "Network.requestWillBeSent"}
        return [urls.get(e["params"]["requestId"], "?") for e in self.events
                if e.get("method") == "Network.loadingFailed"]

    async def wait_for_text(self, *wanted: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not all(word in self.received_text() for word in wanted):
            if time.monotonic() > deadline:
                raise AssertionError(f"{wanted} not received within {timeout:g} s; the page received\n"
                                     f"{self.received_text()[-1500:]!r}")
            await asyncio.sleep(0.1)

    async def press(self, key: str, code: str, key_code: int, text: str = "", modifiers: int = 0) -> None:
        """A key as a user types it (modifiers: 2 is ctrl)."""
        common: dict[str, Any] = {"key": key, "code": code, "windowsVirtualKeyCode": key_code, "modifiers": modifiers}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **common)

    async def screenshot(self, path: Path) -> None:
        result = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(result["data"]))


@contextlib.asynccontextmanager
async def headless_chromium(profile: Path, width: int = 1280, height: int = 800,
                            arguments: tuple[str, ...] = ()) -> AsyncIterator[Page]:
    """A blank tab in a fresh headless Chromium (its own process group, always killed)."""
    executable = chromium_path()
    assert executable is not None
    log = profile.parent / "chromium.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             f"--host-resolver-rules={NO_INTERNET}", f"--user-data-dir={profile}",
             f"--window-size={width},{height}", "--remote-debugging-port=0", *arguments, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    try:
        port = await _devtools_port(profile, process, log)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
            async with http.ws_connect(url, max_msg_size=0) as ws:
                page = Page(ws)
                page.reader = asyncio.create_task(page.read())
                await page.call("Network.enable")
                await page.call("Page.enable")
                yield page
                page.reader.cancel()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


async def _devtools_port(profile: Path, process: subprocess.Popen[bytes], log: Path) -> int:
    # Chromium writes the port it chose to DevToolsActivePort in the profile.
    deadline = time.monotonic() + START_DEADLINE
    active = profile / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-2000:]
            raise AssertionError(f"chromium exited with {process.returncode}: {output}")
        with contextlib.suppress(OSError, ValueError):
            first = active.read_text().splitlines()[0]
            if re.fullmatch(r"\d+", first):
                return int(first)
        await asyncio.sleep(0.1)
    raise AssertionError(f"chromium did not open its DevTools port within {START_DEADLINE:g} s")
