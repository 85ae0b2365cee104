"""Where a cold start's CPU goes, up to the first frame: a profile of one start in a pseudo-terminal.

    python benchmarks/profile_start.py --db seed.db                  # CPU to the first frame, 5 starts
    python benchmarks/profile_start.py --db seed.db --profile out.prof --runs 1   # cProfile of one start
    python benchmarks/profile_start.py --floor                       # the hello-world floor
    python benchmarks/profile_start.py --db seed.db --importtime imports.txt --runs 1

`run.py` reads the first frame from the terminal with 10 ms CPU ticks (/proc); this runs the same
command inside a child that watches what the app hands its driver and, when the frame holding
every needle is written, reads its own CPU clock (nanoseconds) and stops. Not a test; not a
figure for the tables (those are `run.py`'s): a tool for finding what to cut.
"""

from __future__ import annotations

# The child imports only what the app or the floor imports anyway: a module it alone needed
# (argparse, json, subprocess...) would be charged to both, and would hide from the app's figure
# whatever the app itself spends on it (argparse's first parse was 5 ms of the app's start).
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

ROOT = Path(__file__).resolve().parent.parent


def child(argv: list[str]) -> None:
    """Runs in the pseudo-terminal: the app as `techstance --db` runs it, stopped at its first frame.
    `argv`: NAME=VALUE settings (`needle` repeated)."""
    settings = dict(item.split("=", 1) for item in argv)
    needles = [item.split("=", 1)[1] for item in argv if item.startswith("needle=")]
    floor = "floor" in settings
    marks: dict[str, float] = {"interpreter and this tool": time.process_time()}
    profiler = None
    if "profile" in settings:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    # Imported here, after the profiler started: the imports are part of the start.
    import re  # (Textual has imported it)

    import textual.app  # noqa: F401  (what the floor imports too, charged to its own line)
    import textual.screen  # noqa: F401
    import textual.widget  # noqa: F401
    from textual.drivers.linux_driver import LinuxDriver

    marks["textual imported (the floor too)"] = time.process_time() - sum(marks.values())
    sgr = re.compile(r"\x1b\[[0-9;:]*m")
    seen: list[str] = []
    wanted = list(needles)
    original = LinuxDriver.write

    def write(self: LinuxDriver, data: str) -> None:
        original(self, data)
        seen.append(sgr.sub("", data))
        text = "".join(seen[-4:])
        wanted[:] = [n for n in wanted if n not in text]
        if not wanted:
            cpu = time.process_time()
            while OPEN:  # the frame is written from inside the layout's refresh
                close_phase(marks)
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(settings["profile"])
            lines = [f"{cpu!r}\tcpu"] + [f"{value!r}\t{phase}" for phase, value in marks.items()]
            Path(settings["result"]).write_text("\n".join(lines))
            os._exit(0)

    LinuxDriver.write = write  # type: ignore[method-assign]
    if "phases" in settings:
        _time_phases(marks, floor)
    if floor:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from hello_app import Hello

        Hello().run()
    else:
        from techstance.tui.cli import main

        main(["--db", settings["db"]])


# (module, attribute, phase): CPU inside each call is charged to its phase, less what calls
# to other timed functions inside it took (charged to theirs). All synchronous: an awaited call
# would charge whatever else ran meanwhile.
TIMED = [
    ("techstance.db.store.opening", "read_opening", "read the opening view"),
    ("textual.css.stylesheet", "Stylesheet.parse", "stylesheet parse"),
    ("textual.css.stylesheet", "Stylesheet.update_nodes", "styles applied to widgets"),
    ("textual.css.stylesheet", "Stylesheet.apply", "styles applied to widgets"),
    ("textual.widget", "compose", "compose (the compose methods)"),
    ("textual.widgets._footer", "FooterKey.render", "render: footer keys"),
    ("textual.widgets._option_list", "OptionList.render_lines", "render: option lists"),
    ("techstance.tui.widgets.tile_map", "TileMap.render_lines", "render: map"),
    ("techstance.tui.widgets.tile_map", "TileMap.get_content_height", "render: map"),
    ("textual._compositor", "Compositor.reflow", "layout (arrange)"),
    ("textual.screen", "Screen._refresh_layout", "layout and render of the frame"),
    ("textual.screen", "Screen._compositor_refresh", "layout and render of the frame"),
]


OPEN: list[list[Any]] = []  # the timed calls under way: phase, CPU at entry, CPU of timed calls inside


def close_phase(marks: dict[str, float]) -> None:
    phase, start, inner = OPEN.pop()
    took = time.process_time() - start
    marks[phase] = marks.get(phase, 0.0) + took - inner
    if OPEN:
        OPEN[-1][2] += took


def _time_phases(marks: dict[str, float], floor: bool) -> None:
    """Wrap TIMED and the start of the app, adding CPU per phase to `marks`."""
    import functools
    import importlib

    def timed(phase: str, func: Any) -> Any:
        @functools.wraps(func)
        def wrapper(*a: Any, **k: Any) -> Any:
            OPEN.append([phase, time.process_time(), 0.0])
            try:
                return func(*a, **k)
            finally:
                close_phase(marks)
        return wrapper

    for module_name, attribute, phase in TIMED:
        if module_name.startswith("techstance") and floor:
            continue  # the floor would pay for importing it
        module = importlib.import_module(module_name)
        owner: Any = module
        *path, name = attribute.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, name, timed(phase, getattr(owner, name)))
    from textual.app import App

    run = App.run

    def marked_run(app: Any, *a: Any, **k: Any) -> Any:
        marks["imports and set-up before Textual runs"] = time.process_time() - sum(marks.values())
        return run(app, *a, **k)

    App.run = marked_run  # type: ignore[method-assign]


def one_start(args: argparse.Namespace, needles: list[str]) -> tuple[float, dict[str, float]]:
    import pty
    import select
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        spy = ([str(Path(sys.executable).with_name("py-spy")), "record", "-r", "1000", "--nonblocking",
                "-f", "raw", "-o", args.spy, "--"] if args.spy else [])
        if args.instructions:  # counted by valgrind: stable where CPU time is not, on a shared machine
            spy = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/callgrind.out", "--dump-line=no"]
        command = [*spy, sys.executable, *(["-X", "importtime"] if args.importtime else []), __file__, "--child",
                   f"result={result}", *(f"needle={needle}" for needle in needles)]
        command += ["floor=1"] if args.floor else [f"db={args.db}"]
        if args.profile:
            command += [f"profile={args.profile}"]
        if args.phases:
            command += ["phases=1"]
        master, slave = pty.openpty()
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                env={**os.environ, "TERM": "xterm-256color"}, start_new_session=True)
        stream = bytearray()
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    stream += os.read(master, 1 << 16)
                except OSError:
                    break
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(slave)
        os.close(master)
        if args.importtime:
            lines = [line for line in stream.decode(errors="replace").splitlines() if line.startswith("import time:")]
            Path(args.importtime).write_text("\n".join(lines) + "\n")
        if not result.exists():
            sys.exit(f"no first frame: {stream[-2000:]!r}")
        figures = {name: float(value) for value, name in
                   (line.split("\t", 1) for line in result.read_text().splitlines())}
        cpu = figures.pop("cpu")
        if args.instructions:
            totals = [line for line in (Path(tmp) / "callgrind.out").read_text().splitlines()
                      if line.startswith(("summary:", "totals:"))]
            figures["instructions (millions)"] = int(totals[-1].split()[1]) / 1e6
        return cpu, figures


def main() -> None:
    import argparse
    import json
    import statistics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", help="write a cProfile of the (last) start here")
    parser.add_argument("--spy", help="write py-spy's samples (1 kHz, collapsed stacks) of the start here")
    parser.add_argument("--instructions", action="store_true",
                        help="count the instructions to the first frame under valgrind (slow: ~20 s a start)")
    parser.add_argument("--importtime", help="write python -X importtime's lines here")
    parser.add_argument("--phases", action="store_true", help="CPU per phase of the start (median of the runs)")
    args = parser.parse_args()
    if args.floor:
        needles = ["Hello, world"]
    else:
        sys.path.insert(0, str(ROOT))
        from benchmarks.run import opening_needles

        needles = opening_needles(args.db)
    if not args.instructions:  # (valgrind reads every file anyway)
        one_start(args, needles)  # warm the file cache
    starts = [one_start(args, needles) for _ in range(args.runs)]
    cpu = [c for c, _ in starts]
    if args.instructions:
        counts = [marks["instructions (millions)"] for _, marks in starts]
        print(json.dumps({"instructions_millions": counts, "median": statistics.median(counts)}))
    if args.phases:
        for phase in starts[0][1]:
            values = [marks.get(phase, 0.0) for _, marks in starts]
            print(f"{statistics.median(values) * 1000:7.1f} ms  {phase}")
        rest = [c - sum(m.values()) for c, m in starts]
        print(f"{statistics.median(rest) * 1000:7.1f} ms  the rest of the run to the first frame")
    print(json.dumps({"cpu_ms": [round(c * 1000, 1) for c in cpu], "median_ms": round(statistics.median(cpu) * 1000, 1),
                      "load": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
    else:
        main()
