"""techstance's terminal UI (Textual). The data layer, `db`, never imports this package."""

import os

# Textual paints at most TEXTUAL_FPS frames a second (default 60), so a change that is ready
# waits up to 17 ms for its frame. 120 halves that wait: search results at full scale showed
# 10-15 ms sooner (docs/benchmarks.md). Set here, before anything imports Textual; a value the
# user exported wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
