"""The served kiosk in a real browser: headless Chromium, offline, on loopback.

The websocket tests in test_kiosk_serve.py speak textual-serve's protocol themselves; only a
browser proves that its page and client script start a session, draw the map, pass typed keys
without ending the session, and that all of it works with no internet (the page asks Google
Fonts for its font; here every name but 127.0.0.1 fails to resolve).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.tui.kiosk.browser import chromium_path, headless_chromium
from tests.tui.kiosk.serving import alive, serving, wait_gone

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="needs chromium (.ci/run installs it)")

DRAW_DEADLINE = 30.0  # seconds from loading the page to the map on screen
CTRL = 2  # DevTools' modifier bit for ctrl


async def _terminal_font(page: object) -> list[dict[str, object]]:
    """The fonts the browser really draws the terminal's font stack with."""
    from tests.tui.kiosk.browser import Page

    assert isinstance(page, Page)
    family = await page.evaluate("""(() => {
        const probe = document.createElement('span');
        probe.id = 'font-probe';
        probe.textContent = 'Touring 0123456789';
        // the family textual.js gives xterm.js
        probe.style.fontFamily = "'Roboto Mono', Monaco, 'Courier New', monospace";
        document.body.appendChild(probe);
        return probe.style.fontFamily;
    })()""")
    assert "Roboto Mono" in family
    await page.call("DOM.enable")
    await page.call("CSS.enable")
    root = await page.call("DOM.getDocument")
    node = await page.call("DOM.querySelector", nodeId=root["root"]["nodeId"], selector="#font-probe")
    fonts: list[dict[str, object]] = (await page.call("CSS.getPlatformFontsForNode", nodeId=node["nodeId"]))["fonts"]
    return fonts


async def test_the_kiosk_in_a_browser_offline(tmp_path: Path) -> None:
    with serving(tmp_path / "server") as served:
        (tmp_path / "profile").mkdir()
        async with headless_chromium(tmp_path / "profile") as page:
            await page.call("Page.navigate", url=served.url)
            # The map, its legend and the tour's status line, drawn into the page's terminal.
            await page.wait_for_text("Map", "United Kingdom", "restrict", "Touring", timeout=DRAW_DEADLINE)
            await asyncio.sleep(1.0)  # let xterm.js paint what arrived
            classes = await page.evaluate("document.body.className")
            assert "-first-byte" in classes and "-closed" not in classes, classes  # terminal shown, not 'ended'
            await page.screenshot(tmp_path / "kiosk-in-browser.png")
            assert (tmp_path / "kiosk-in-browser.png").stat().st_size > 50_000  # a drawn map, not a blank page
            [session] = served.sessions()

            # Offline: the web font's stylesheet failed, and the terminal is drawn in a local font.
            assert any(url.startswith("https://fonts.googleapis.com/") for url in page.failed_requests())
            fonts = await _terminal_font(page)
            assert fonts and not any(font["isCustomFont"] for font in fonts), fonts

            # A visitor's keys, typed into the page: they pause the tour and end nothing.
            await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
            await page.press("q", "KeyQ", 81, text="q")
            await page.press("c", "KeyC", 67, modifiers=CTRL)
            await page.press("q", "KeyQ", 81, modifiers=CTRL)
            await page.press("z", "KeyZ", 90, modifiers=CTRL)
            await page.wait_for_text("Exploring", timeout=10)
            await asyncio.sleep(1.0)
            assert "-closed" not in await page.evaluate("document.body.className")
            assert alive(session) and served.sessions() == [session]

            # Leaving the page ends the session's process. (Chromium kept the page in its
            # back/forward cache with the websocket open: the session lived on, holding a place.)
            await page.call("Page.navigate", url="about:blank")
            assert await asyncio.to_thread(wait_gone, [session], 10) == [], served.logs()
        assert served.process.poll() is None, served.logs()
