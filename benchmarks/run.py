"""techstance's benchmark: figures and ratios against a bare Textual app measured in the same run.

    python benchmarks/run.py            # full scale (builds benchmarks/results/scale-1.db once)
    python benchmarks/run.py --quick    # scale 0.01, fewer repetitions

Prints a table, then as its last line one JSON object with every figure, also written to
benchmarks/results/latest.json. Nothing here is a test: it measures, it does not judge, but it
prints each target beside its figure.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import pty
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

import techstance.tui  # noqa: E402, F401  (its frame rate must be set before anything imports Textual)
from techstance.db.curation.build import build_database  # noqa: E402
from techstance.db.store.connection import open_database  # noqa: E402

from benchmarks.make_scale_db import counts_for, make  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SIZE = (120, 36)
PANES = ("#decision", "#quotes", "#sources")  # what a map move fills: its data is shown when they are drawn


def spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"min": ordered[0], "median": statistics.median(ordered), "max": ordered[-1], "p95": p95}


# ----- cold start and memory, in a pseudo-terminal -----
SGR = re.compile(rb"\x1b\[[0-9;:]*m")  # colours and styles may split a run of text


def first_frame(command: list[str], needles: list[str], timeout: float = 60,
                cache: Path | None = None) -> tuple[float, int, float]:
    """Seconds from spawn until every needle has been written to the terminal (the first frame
    that shows them), peak RSS (KiB) and the CPU seconds the process had used at that moment.
    The screen is read, not a marker. `cache`: the user's cache folder (XDG_CACHE_HOME)."""
    wanted = [n.encode() for n in needles]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", **({"XDG_CACHE_HOME": str(cache)} if cache else {})}
    start = time.time()
    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, cwd=ROOT)
    try:
        seen = b""
        deadline = time.monotonic() + timeout
        while True:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command}: no frame showing {needles} (exit {proc.poll()})")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # the program ended
                raise RuntimeError(f"{command} ended before showing {needles}") from None
            now = time.time()
            seen = seen[-4096:] + SGR.sub(b"", chunk)  # a needle may straddle two reads
            wanted = [w for w in wanted if w not in seen]
            if not wanted:
                rss = 0
                for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        rss = int(line.split()[1])
                # User and system time (clock ticks): what a loaded machine's waiting leaves out.
                fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                return now - start, rss, cpu
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(slave)
        os.close(master)


def opening_needles(db: Path) -> list[str]:
    """What the dashboard's first frame must show: the opened country's decision pane title,
    the first quote's speaker and the footer."""
    from techstance.db.store.opening import read_opening

    opening = read_opening(db)
    assert opening is not None and opening.view is not None and opening.view.detail is not None, db
    opening.watcher.conn.close()
    view = opening.view
    needles = [f"Decision · {view.detail.country.name}", "? Help"]
    if view.quotes:
        needles.append(view.quotes[0].actor.name)
    return needles


def compile_bytecode() -> None:
    """Write the .pyc files a start reads, as `pip install` does for a user. Without them (an
    editable install under PYTHONDONTWRITEBYTECODE=1, as on the team's machine) every start
    compiled techstance's 44 modules from source, about 50 ms of CPU the floor never paid
    (Textual's .pyc came with its wheel), and every cold start before round three counted it."""
    import compileall

    for folder in ("db", "tui", "seeds"):
        compileall.compile_dir(ROOT / folder, quiet=1)


# The CPU of each kind's first start, with the file cache cold and the user's cache folder
# empty (since round four the app keeps its parsed stylesheet there): one sample, not counted.
FIRST_START_CPU: dict[str, float] = {}


def cold_starts(db: Path | None, runs: int) -> tuple[list[float], list[int], list[float]]:
    if db is None:
        command = [sys.executable, str(ROOT / "benchmarks" / "hello_app.py")]
        needles = ["Hello, world"]
    else:
        command = [sys.executable, "-m", "techstance.tui", "--db", str(db)]
        needles = opening_needles(db)
    with tempfile.TemporaryDirectory() as cache:
        # The first start warms the file cache and fills the cache folder, as a user's first
        # start does; the measured starts are the ones after it.
        FIRST_START_CPU["floor" if db is None else str(db)] = first_frame(command, needles, cache=Path(cache))[2]
        times, rss, cpu = [], [], []
        for _ in range(runs):
            elapsed, peak, used = first_frame(command, needles, cache=Path(cache))
            times.append(elapsed)
            rss.append(peak)
            cpu.append(used)
    return times, rss, cpu


# ----- key to frame and search, inside the app -----
async def _settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _instrumented_app(db: Path) -> Any:
    from techstance.tui.app import APP_CSS, TechstanceApp
    from textual import events

    class Measured(TechstanceApp):
        """Times each key from its arrival to the next painted frame."""

        CSS_PATH = APP_CSS  # relative paths would resolve beside this subclass

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.frame_ms: list[float] = []
            self._seen: object = None
            self.key_at = 0.0
            self.key_cpu = 0.0  # the event loop thread's CPU time at the key

        async def on_event(self, event: events.Event) -> None:
            if isinstance(event, events.Key) and event is not self._seen:
                self._seen = event
                self.key_at = t0 = time.perf_counter()
                self.key_cpu = time.thread_time()
                self.call_after_refresh(lambda: self.frame_ms.append((time.perf_counter() - t0) * 1000))
            await super().on_event(event)

    return Measured.for_database(db)


async def key_latency(db: Path, rounds: int) -> dict[str, list[float]]:
    """Key to frame over every kind of key; key to data shown over map moves."""
    from techstance.tui.screens.dashboard import Dashboard
    from techstance.tui.widgets.claim_panes import DecisionPane, QuotesPane, SourcesPane
    from textual.geometry import Region
    from textual.strip import Strip
    from textual.widget import Widget

    app = _instrumented_app(db)
    data_ms: dict[str, list[float]] = {"cached": [], "uncached": []}
    cpu_ms: list[float] = []  # the event loop's CPU time over the same spans
    cpu_kind: dict[str, list[float]] = {"cached": [], "uncached": []}
    original_load, original_show = Dashboard.load_country, Dashboard._show_country
    moves: dict[str, str] = {}  # the country each pending map move is for, and how it was served

    def timed_load(self: Dashboard, code: str) -> None:
        # Read before the load: whether this move finds its country already read (prefetched,
        # or shown before) or has to read it now.
        # The dashboard keys what it has read by (as of, country) since the as-of date came.
        moves[code] = "cached" if (self.as_of, code) in self._countries else "uncached"
        original_load(self, code)

    def timed_show(self: Dashboard, code: str, *args: Any) -> None:
        kind = moves.pop(code, None)
        if kind is None or code != self.query_one("#map").selected:  # dropped: the user moved on
            original_show(self, code, *args)
            return
        t0, c0 = app.key_at, app.key_cpu
        panes = [self.query_one(pane) for pane in PANES]
        for pane in panes:
            drawn.discard(pane)
        waits = [0]

        def shown() -> None:
            # The frame after the fill may come before a pane has asked to be drawn (each asks
            # from its own message queue): the data is shown when every pane the fill changed
            # has been drawn since.
            if not changed <= drawn and waits[0] < 20:
                waits[0] += 1
                app.call_after_refresh(shown)
                return
            data_ms[kind].append((time.perf_counter() - t0) * 1000)
            cpu_ms.append((time.thread_time() - c0) * 1000)
            cpu_kind[kind].append(cpu_ms[-1])

        # Asked before the panes are filled, so it runs first after the frame that draws
        # them: work the panes leave for after that frame is not what the user waits for.
        app.call_after_refresh(shown)
        original_show(self, code, *args)
        changed = {pane for pane in panes if pane._repaint_required}  # those the fill changed

    def drawing(cls: type[Widget]) -> Callable[[Widget, Region], list[Strip]]:
        original = cls.render_lines

        def render_lines(self: Widget, crop: Region) -> list[Strip]:
            drawn.add(self)
            return original(self, crop)

        return render_lines

    drawn: set[Widget] = set()  # the panes drawn since their country was filled in
    pane_classes = [DecisionPane, QuotesPane, SourcesPane]
    own = {cls: cls.__dict__.get("render_lines") for cls in pane_classes}  # a class's own, if any
    for cls in pane_classes:
        cls.render_lines = drawing(cls)  # type: ignore[method-assign]
    Dashboard.load_country = timed_load  # type: ignore[method-assign]
    Dashboard._show_country = timed_show  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            dashboard = app.screen
            tile_map = dashboard.query_one("#map")
            app.frame_ms.clear()
            for kind in data_ms.values():
                kind.clear()
            cpu_ms.clear()
            for kind in cpu_kind.values():
                kind.clear()
            # Map moves that walk across the map (a direction is kept until it leads nowhere),
            # at reading pace: the prefetch started by each country has finished before the next
            # key. Every other move first forgets what was read (as a reload or a topic switch
            # does), so half the moves read their country on the key: the p95 covers both.
            directions = ["down", "right", "j", "l", "up", "left", "k", "h"]
            turn = 0
            for i in range(rounds * 8):
                if i % 2:
                    dashboard._countries.clear()
                    dashboard._on_screen = None
                    dashboard.data.cancel(dashboard, "prefetch")
                before = tile_map.selected
                for _ in range(len(directions)):
                    await pilot.press(directions[turn % len(directions)])
                    await _settle(pilot)
                    if tile_map.selected != before:
                        break
                    turn += 1  # an edge: turn
            plan: list[str] = []
            for _ in range(rounds):
                plan += ["right", "down", "left", "up", "l", "j", "h", "k"]          # to and fro
            plan += ["tab", "tab"] + ["down"] * (2 * rounds) + ["up"] * rounds  # through quotes
            for _ in range(rounds):
                plan += ["enter", "n", "escape"]                                 # a source and back
            plan += ["tab"] * (2 * rounds)                                       # between panes
            for key in plan:
                await pilot.press(key)
                await _settle(pilot)
            frames = list(app.frame_ms)
    finally:
        Dashboard.load_country = original_load  # type: ignore[method-assign]
        Dashboard._show_country = original_show  # type: ignore[method-assign]
        for cls in pane_classes:
            if own[cls] is None:
                del cls.render_lines  # back to the inherited one
            else:
                cls.render_lines = own[cls]  # type: ignore[method-assign]
    return {"frame": frames, "data": data_ms["cached"] + data_ms["uncached"], "data_cpu": cpu_ms,
            **{f"data_cpu_{kind}": values for kind, values in cpu_kind.items()}, **{
        f"data_{kind}": values for kind, values in data_ms.items()}}


SEARCH_REPEATS = 20
SEARCH_SHAPES = {
    "rare word": None,  # filled from the database: a word found in only a few quotes
    "common word": "government",
    "two words": "security vendor",
    "phrase": '"national policy"',
    "one-letter prefix": "t",
    "two-letter prefix": "go",
}


def _rare_word(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        text = conn.execute("SELECT text FROM quotes ORDER BY rowid LIMIT 1 OFFSET 7").fetchone()[0]
    finally:
        conn.close()
    words = [w.strip('.,"“”') for w in text.split()]
    return max(words, key=len)


async def search_latency(db: Path, repeats: int) -> dict[str, list[float]]:
    from techstance.tui.screens.search import SearchScreen

    shapes = dict(SEARCH_SHAPES)
    shapes["rare word"] = _rare_word(db)
    app = _instrumented_app(db)
    shown: dict[str, float] = {}
    original = SearchScreen._show

    def timed_show(self: SearchScreen, text: str, results: Any) -> None:
        original(self, text, results)
        app.call_after_refresh(lambda: shown.__setitem__(text, time.perf_counter()))

    SearchScreen._show = timed_show  # type: ignore[method-assign]
    out: dict[str, list[float]] = {name: [] for name in shapes}
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            await pilot.press("slash")
            await _settle(pilot)
            search = app.screen
            for _ in range(repeats):
                for name, query in shapes.items():
                    search.query_one("#search-input").value = ""
                    await _settle(pilot)
                    for char in query:
                        await pilot.press(char)
                    t0 = app.key_at  # the last keystroke
                    deadline = time.monotonic() + 10
                    while shown.get(query, 0) < t0 and time.monotonic() < deadline:
                        await pilot.pause(0.001)
                    out[name].append((shown.get(query, deadline) - t0) * 1000)
    finally:
        SearchScreen._show = original  # type: ignore[method-assign]
    return out


def run_async(coroutine: Any) -> Any:
    import asyncio

    return asyncio.run(coroutine)


# ----- build -----
def seed_builds(runs: int) -> list[float]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            t0 = time.perf_counter()
            build_database(ROOT / "seeds", Path(tmp) / f"seed-{i}.db")
            out.append(time.perf_counter() - t0)
    return out


def scale_database(scale: float, rebuild: bool) -> tuple[Path, dict[str, Any] | None]:
    """The scale database for this scale, built once and reused while its schema is current."""
    path = RESULTS / f"scale-{scale:g}.db"
    if path.exists() and not rebuild:
        try:
            conn = open_database(path)
            try:
                quotes = conn.execute("SELECT count(*) FROM quotes").fetchone()[0]
            finally:
                conn.close()
            # Another build at this path (say, seed data) would make every figure meaningless.
            if quotes == counts_for(scale)["quotes"]:
                return path, None
        except Exception:  # an older schema or a damaged file: build again
            pass
    RESULTS.mkdir(parents=True, exist_ok=True)
    return path, make(scale, 1, path)


# ----- report -----
def table(rows: list[tuple[str, str, str]]) -> str:
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{a:<{width[0]}}  {b:>{width[1]}}  {c}" for a, b, c in rows)


def fmt(values: dict[str, float], unit: str, scale: float = 1.0) -> str:
    return (f"{values['median'] * scale:.1f} {unit} (min {values['min'] * scale:.1f}, "
            f"max {values['max'] * scale:.1f}, p95 {values['p95'] * scale:.1f})")


def only(args: argparse.Namespace, rounds: int) -> None:
    """One part of the run, against a scale database built already, with the load beside it."""
    db = args.scale_db
    if args.only == "start":
        only_start(args)
        return
    if db is None:
        sys.exit("--only needs --scale-db")
    load_before = os.getloadavg()[0]
    figures: dict[str, Any] = {}
    if args.only == "keys":
        keys = run_async(key_latency(db, rounds))
        figures["moves"] = {name: len(keys[name]) for name in ("data", "data_cached", "data_uncached")}
        for name in ("data", "data_cached", "data_uncached", "data_cpu", "data_cpu_cached", "data_cpu_uncached"):
            if not keys[name]:
                continue
            stats = spread(keys[name])
            figures[f"{name}_p50_ms"], figures[f"{name}_p95_ms"] = round(stats["median"], 2), round(stats["p95"], 2)
    else:
        searches = run_async(search_latency(db, SEARCH_REPEATS))
        for name, values in searches.items():
            stats = spread(values)
            figures[name] = {"p50": round(stats["median"], 1), "p95": round(stats["p95"], 1)}
    figures["load_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    line = json.dumps(figures, sort_keys=True)
    print(line)
    if args.out:
        args.out.write_text(line + "\n")


def only_start(args: argparse.Namespace) -> None:
    """Cold starts alone: the floor, the seed database and, given --scale-db, the scale database,
    with their CPU ratios (what load barely moves). 15 starts each (the CPU clock ticks in 10 ms),
    under a minute."""
    runs = 5 if args.quick else 15
    compile_bytecode()
    load_before = os.getloadavg()[0]
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        seed_db = Path(tmp) / "seed.db"
        build_database(ROOT / "seeds", seed_db)
        starts = {"floor": cold_starts(None, runs), "seed": cold_starts(seed_db, runs)}
        figures["cold_start_cpu_seed_first_s"] = FIRST_START_CPU[str(seed_db)]
    if args.scale_db is not None:
        starts["scale"] = cold_starts(args.scale_db, runs)
    for name, (times, rss, cpu) in starts.items():
        figures[f"cold_start_{name}_s"] = round(statistics.median(times), 4)
        figures[f"cold_start_cpu_{name}_s"] = round(statistics.median(cpu), 3)
        figures[f"cold_start_cpu_{name}_all_s"] = cpu
        figures[f"rss_{name}_kib"] = max(rss)
    figures["cold_start_seed_ratio"] = round(figures["cold_start_seed_s"] / figures["cold_start_floor_s"], 3)
    cpu_ratio = figures["cold_start_cpu_seed_s"] / figures["cold_start_cpu_floor_s"]
    figures["cold_start_cpu_seed_ratio"] = round(cpu_ratio, 3)
    figures["load_1min_before_after"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    line = json.dumps(figures, sort_keys=True)
    print(line)
    if args.out:
        args.out.write_text(line + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="scale 0.01 and fewer repetitions")
    parser.add_argument("--scale", type=float, help="override the scale (default 1, or 0.01 with --quick)")
    parser.add_argument("--rebuild", action="store_true", help="build the scale database again")
    parser.add_argument("--scale-db", type=Path,
                        help="a scale database built already (make_scale_db.py), instead of results/scale-N.db")
    parser.add_argument("--only", choices=["keys", "search", "start"],
                        help="only key to data shown at scale, only search, or only the cold starts of the floor "
                             "and the seed database (and the scale database, given --scale-db): a quick "
                             "before/after of one change")
    parser.add_argument("--out", type=Path, help="also write the JSON line to this file")
    args = parser.parse_args()
    scale = args.scale if args.scale is not None else (0.01 if args.quick else 1.0)
    runs = 3 if args.quick else 7
    rounds = 3 if args.quick else 8
    progress: Callable[[str], None] = lambda m: print(f"… {m}", file=sys.stderr, flush=True)  # noqa: E731
    if args.only:
        only(args, rounds)
        return

    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        seed_db = Path(tmp) / "seed.db"
        build_database(ROOT / "seeds", seed_db)
        progress("build times")
        builds = seed_builds(runs)
        progress(f"scale database ({scale:g})")
        t0 = time.perf_counter()
        if args.scale_db is not None:
            scale_db, made = args.scale_db, None
        else:
            scale_db, made = scale_database(scale, args.rebuild)
        # The machine is shared: the load beside the figures says how far to trust milliseconds.
        load_before = os.getloadavg()
        scale_prep_s = time.perf_counter() - t0
        progress("cold starts: floor, seed, scale")
        floor_t, floor_rss, floor_cpu = cold_starts(None, runs)
        seed_t, seed_rss, seed_cpu = cold_starts(seed_db, runs)
        scale_t, scale_rss, scale_cpu = cold_starts(scale_db, runs)
        progress("key to frame: seed")
        keys_seed = run_async(key_latency(seed_db, rounds))
        progress("key to frame: scale")
        keys_scale = run_async(key_latency(scale_db, rounds))
        progress("search at scale")
        # 20 per shape: the p95 of 10 samples is simply their maximum, one stray pause of the machine.
        searches = run_async(search_latency(scale_db, 3 if args.quick else SEARCH_REPEATS))

    load_after = os.getloadavg()
    floor, seed, scl = spread(floor_t), spread(seed_t), spread(scale_t)
    cpu_floor, cpu_seed = statistics.median(floor_cpu), statistics.median(seed_cpu)
    kd_cpu = spread(keys_scale["data_cpu"])
    kf_seed, kf_scale = spread(keys_seed["frame"]), spread(keys_scale["frame"])
    kd_seed, kd_scale = spread(keys_seed["data"]), spread(keys_scale["data"])
    kd_kinds = {f"{db}_{kind}": spread(keys[f"data_{kind}"])
                for db, keys in (("seed", keys_seed), ("scale", keys_scale)) for kind in ("cached", "uncached")}
    search_stats = {name: spread(values) for name, values in searches.items()}
    worst = max(search_stats.items(), key=lambda item: item[1]["p95"])
    build = spread(builds)
    figures: dict[str, Any] = {
        "scale": scale,
        "quick": args.quick,
        "cold_start_floor_s": round(floor["median"], 4),
        "cold_start_seed_s": round(seed["median"], 4),
        "cold_start_scale_s": round(scl["median"], 4),
        "cold_start_seed_ratio": round(seed["median"] / floor["median"], 3),
        "cold_start_scale_ratio": round(scl["median"] / seed["median"], 3),
        "cold_start_scale_floor_ratio": round(scl["median"] / floor["median"], 3),
        "cold_start_cpu_floor_s": round(cpu_floor, 3),
        "cold_start_cpu_seed_s": round(cpu_seed, 3),
        "cold_start_cpu_scale_s": round(statistics.median(scale_cpu), 3),
        "cold_start_cpu_seed_ratio": round(cpu_seed / cpu_floor, 3),
        "key_to_data_cpu_p50_ms_scale": round(kd_cpu["median"], 2),
        "key_to_data_cpu_p95_ms_scale": round(kd_cpu["p95"], 2),
        "load_1min_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "key_p50_ms_seed": round(kf_seed["median"], 2),
        "key_p95_ms_seed": round(kf_seed["p95"], 2),
        "key_p50_ms_scale": round(kf_scale["median"], 2),
        "key_p95_ms_scale": round(kf_scale["p95"], 2),
        "key_to_data_p95_ms_seed": round(kd_seed["p95"], 2),
        "key_to_data_p95_ms_scale": round(kd_scale["p95"], 2),
        "key_to_data_p50_ms_scale": round(kd_scale["median"], 2),
        "key_to_data_moves_scale": len(keys_scale["data"]),
        **{f"key_to_data_p95_ms_{name}": round(stats["p95"], 2) for name, stats in kd_kinds.items()},
        "search_p95_ms_scale": round(worst[1]["p95"], 2),
        "search_worst_shape": worst[0],
        "search_p95_ms_by_shape": {k: round(v["p95"], 2) for k, v in search_stats.items()},
        "search_p50_ms_by_shape": {k: round(v["median"], 2) for k, v in search_stats.items()},
        "rss_floor_kib": max(floor_rss),
        "rss_seed_kib": max(seed_rss),
        "rss_scale_kib": max(scale_rss),
        "rss_scale_ratio": round(max(scale_rss) / max(seed_rss), 3),
        "build_seed_s": round(build["median"], 4),
        "scale_db_bytes": scale_db.stat().st_size,
        "scale_build": made,
        "scale_prep_s": round(scale_prep_s, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
                   f"SQLite {sqlite3.sqlite_version}",
    }
    rows = [
        ("figure", "value", "target"),
        ("cold start, hello-world floor", fmt(floor, "ms", 1000), ""),
        ("cold start, seed database", fmt(seed, "ms", 1000), ""),
        ("cold start, scale database", fmt(scl, "ms", 1000), ""),
        ("  seed / floor", f"{figures['cold_start_seed_ratio']:.2f}x", "≤ 1.5x"),
        ("  scale / seed", f"{figures['cold_start_scale_ratio']:.2f}x", "≤ 1.2x"),
        ("  scale / floor", f"{figures['cold_start_scale_floor_ratio']:.2f}x", "(information)"),
        ("  CPU used, floor / seed / scale",
         f"{cpu_floor * 1000:.0f} / {cpu_seed * 1000:.0f} / {statistics.median(scale_cpu) * 1000:.0f} ms; "
         f"seed / floor {figures['cold_start_cpu_seed_ratio']:.2f}x", "(information: what load does not inflate)"),
        ("key to frame, seed", f"p50 {kf_seed['median']:.1f} ms, p95 {kf_seed['p95']:.1f} ms", "p95 ≤ 16 ms"),
        ("key to frame, scale", f"p50 {kf_scale['median']:.1f} ms, p95 {kf_scale['p95']:.1f} ms", "p95 ≤ 33 ms"),
        ("key to data shown, seed", f"p50 {kd_seed['median']:.1f} ms, p95 {kd_seed['p95']:.1f} ms", "(information)"),
        ("key to data shown, scale", f"p50 {kd_scale['median']:.1f} ms, p95 {kd_scale['p95']:.1f} ms "
         f"({len(keys_scale['data'])} map moves)", "p95 ≤ 33 ms"),
        ("  read ahead or shown before", f"p95 {kd_kinds['scale_cached']['p95']:.1f} ms "
         f"({len(keys_scale['data_cached'])})", ""),
        ("  read on the key", f"p95 {kd_kinds['scale_uncached']['p95']:.1f} ms "
         f"({len(keys_scale['data_uncached'])})", ""),
        ("  event loop CPU over those spans", f"p50 {kd_cpu['median']:.1f} ms, p95 {kd_cpu['p95']:.1f} ms",
         "(information: what load does not inflate)"),
    ]
    for name, stats in search_stats.items():
        rows.append((f"search at scale: {name}", f"p50 {stats['median']:.1f} ms, p95 {stats['p95']:.1f} ms",
                     "p95 ≤ 50 ms"))
    rows += [
        ("peak RSS floor / seed / scale",
         f"{max(floor_rss) / 1024:.0f} / {max(seed_rss) / 1024:.0f} / {max(scale_rss) / 1024:.0f} MiB", ""),
        ("  scale / seed", f"{figures['rss_scale_ratio']:.2f}x", "≤ 1.3x"),
        ("seed build", fmt(build, "ms", 1000), "≤ 300 ms"),
    ]
    if made:
        rows.append(("scale build", f"{made['build_s']} s, {made['build_rows_per_s']} rows/s", ""))
    print(f"techstance benchmark, scale {scale:g}{' (quick)' if args.quick else ''}; {figures['machine']}; "
          f"load (1 min) {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end")
    print(table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    line = json.dumps(figures, sort_keys=True)
    (RESULTS / "latest.json").write_text(line + "\n")
    print(line)


if __name__ == "__main__":
    if shutil.which("python3") is None:
        sys.exit("python3 is needed")
    main()
