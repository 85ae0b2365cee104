"""Generate a valid techstance database at a chosen scale, deterministically from a seed number.

It writes ordinary seed files (TOML records and source texts) and builds them with the
project's own `build_database`, so every row passes the same validation as the curated seeds:
every quote is verbatim at its span, every decision has evidence whose excerpt matches.

    python benchmarks/make_scale_db.py --scale 1 --out benchmarks/results/scale.db
    python benchmarks/make_scale_db.py --scale 0.01 --out /tmp/scale-small.db

At full scale: 250 countries and bodies, 20 topics, 20,000 decisions, 200,000 quotes of about
300 characters and 50,000 sources of about 5 KB.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from techstance.db.curation.build import build_database  # noqa: E402
from techstance.db.curation.toml_writer import dumps  # noqa: E402

FULL = {"countries": 250, "topics": 20, "decisions": 20_000, "quotes": 200_000, "sources": 50_000, "actors": 5_000}
REGIONS = ("Africa", "Americas", "Asia-Pacific", "Europe", "Middle East", "Central Asia")
STANCES = ("ban", "restrict", "allow", "undecided")
STATUSES = ("enacted", "announced", "expected", "reported")
GRID_COLS = 25

# A vocabulary with common and rare words, so searches of every shape have realistic hit counts.
COMMON = ("the", "government", "network", "security", "vendor", "decision", "equipment", "national",
          "policy", "minister", "officials", "market", "operators", "telecom", "infrastructure", "review",
          "risk", "data", "said", "would", "could", "between", "after", "before", "with", "under", "their",
          "which", "report", "agency", "statement", "country", "countries", "core", "periphery")


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = set(COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 11))))
    return sorted(words)


def _sentence(rng: random.Random, vocab: list[str], words: int) -> str:
    # Zipf-like: common words often, the long tail rarely.
    picked = [COMMON[int(rng.paretovariate(1.2)) % len(COMMON)] if rng.random() < 0.45 else rng.choice(vocab)
              for _ in range(words)]
    text = " ".join(picked)
    return text[0].upper() + text[1:] + "."


class _Article:
    """Text built piece by piece, knowing where each piece starts (for spans)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> int:
        at = self.length
        self.parts.append(text)
        self.length += len(text)
        return at


def _codes(n: int) -> list[str]:
    letters = string.ascii_uppercase
    return [a + b for a in letters for b in letters][:n]


def counts_for(scale: float) -> dict[str, int]:
    """Rows scale; the map (countries) and the topic list stay their real size at every scale."""
    fixed = {"countries", "topics"}
    return {key: value if key in fixed else max(1, round(value * scale)) for key, value in FULL.items()}


def write_seeds(folder: Path, scale: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    n = counts_for(scale)
    (folder / "sources").mkdir(parents=True)

    codes = _codes(n["countries"])
    countries = [{"code": code, "name": f"Country {code}", "region": REGIONS[i % len(REGIONS)],
                  "tile_row": i // GRID_COLS, "tile_col": i % GRID_COLS} for i, code in enumerate(codes)]
    topics = [{"id": f"topic-{t:02d}", "title": f"Technology question {t}",
               "description": _sentence(rng, vocab, 12)} for t in range(n["topics"])]
    actors = [{"id": f"actor-{a:05d}", "name": f"Speaker {a:05d}", "kind": "person",
               "role": rng.choice(["Minister", "Analyst", "Spokesperson", "Senator", "Executive"]),
               "affiliation": f"Organisation {a % 300}", "country": rng.choice(codes)} for a in range(n["actors"])]

    quotes_per_source = -(-n["quotes"] // n["sources"])
    sources, quotes, decisions = [], [], []
    quote_id = decision_id = 0
    for s in range(n["sources"]):
        article = _Article()
        add = article.add

        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        published = f"{year:04d}-{month:02d}-{day:02d}"
        add(_sentence(rng, vocab, 25) + "\n\n")
        for _ in range(quotes_per_source):
            if quote_id >= n["quotes"]:
                break
            actor = rng.choice(actors)
            text = _sentence(rng, vocab, 45)[:300].rstrip(".") + "."
            add('"')
            start = add(text)
            add(f'," {actor["name"]} said.\n\n')
            add(_sentence(rng, vocab, 60) + " " + _sentence(rng, vocab, 60) + "\n\n")
            quotes.append({"id": f"quote-{quote_id:06d}", "topic": rng.choice(topics)["id"], "actor": actor["id"],
                           "country": rng.choice(codes), "text": text, "source": f"source-{s:05d}",
                           "start": start, "end": start + len(text)})
            quote_id += 1
        if decision_id < n["decisions"] and s % max(1, n["sources"] // n["decisions"]) == 0:
            country = rng.choice(codes)
            stance = rng.choice(STANCES)
            when = f"{rng.randint(2015, 2025):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            sentence = f"On {when} Country {country} decided to {stance} the equipment in its networks."
            start = add(sentence)
            date_start = start + 3
            add(" " + _sentence(rng, vocab, 40) + "\n\n")
            decisions.append({
                "id": f"decision-{decision_id:05d}", "topic": rng.choice(topics)["id"], "country": country,
                "stance": stance, "status": rng.choice(STATUSES), "date": when, "date_precision": "day",
                "summary": f"{stance.capitalize()}: " + _sentence(rng, vocab, 12),
                "conditions": [_sentence(rng, vocab, 6)] if stance == "restrict" else [],
                "evidence": [
                    {"claim": "decision", "source": f"source-{s:05d}", "start": start, "end": start + len(sentence),
                     "excerpt": sentence, "role": "supports"},
                    {"claim": "date", "source": f"source-{s:05d}", "start": date_start,
                     "end": date_start + len(when), "excerpt": when, "role": "supports"},
                ] + ([{"claim": "condition:0", "source": f"source-{s:05d}", "start": start,
                       "end": start + len(sentence), "excerpt": sentence, "role": "supports"}]
                     if stance == "restrict" else []),
            })
            decision_id += 1
        while article.length < 5000:
            add(_sentence(rng, vocab, 50) + "\n\n")
        raw = "".join(article.parts).encode("utf-8")
        name = f"s{s:05d}.txt"
        (folder / "sources" / name).write_bytes(raw)
        sources.append({"id": f"source-{s:05d}", "seed_file": name, "outlet": f"Outlet {s % 400}",
                        "title": _sentence(rng, vocab, 9), "published": published, "date_precision": "day",
                        "date_inferred": False, "sha256": hashlib.sha256(raw).hexdigest(), "notes": ""})

    (folder / "topics.toml").write_text(dumps({"topic": topics}), encoding="utf-8")
    (folder / "countries.toml").write_text(dumps({"country": countries}), encoding="utf-8")
    (folder / "sources.toml").write_text(dumps({"source": sources}), encoding="utf-8")
    (folder / "actors.toml").write_text(dumps({"actor": actors}), encoding="utf-8")
    (folder / "decisions.toml").write_text(dumps({"decision": decisions}), encoding="utf-8")
    (folder / "quotes.toml").write_text(dumps({"quote": quotes}), encoding="utf-8")
    return {"countries": len(countries), "topics": len(topics), "actors": len(actors), "sources": len(sources),
            "decisions": len(decisions), "quotes": len(quotes)}


def make(scale: float, seed: int, out: Path) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="techstance-scale-"))
    try:
        t0 = time.perf_counter()
        made = write_seeds(folder / "seeds", scale, seed)
        t1 = time.perf_counter()
        report = build_database(folder / "seeds", out)
        t2 = time.perf_counter()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = report.decisions + report.quotes + report.sources + report.evidence
    return {**made, "evidence": report.evidence, "generate_s": round(t1 - t0, 2), "build_s": round(t2 - t1, 2),
            "build_rows_per_s": round(rows / (t2 - t1)), "bytes": out.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full scale (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same database")
    parser.add_argument("--out", type=Path, required=True, help="database file to write")
    args = parser.parse_args()
    figures = make(args.scale, args.seed, args.out)
    for key, value in figures.items():
        print(f"{key:>18}: {value}")


if __name__ == "__main__":
    main()
