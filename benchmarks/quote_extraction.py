"""Benchmark techstance.db.curation.quotes.finder against the curated quotes of the seed articles.

Run from the repository root:  python3 benchmarks/quote_extraction.py

For each seed article (seeds/sources.toml + seeds/sources/*.txt) the extractor's proposals are compared
with the curated quotes of seeds/quotes.toml (speakers from seeds/actors.toml).

* Spans: a proposal matches a curated quote when their overlap is at least 80% of the longer of the two
  spans (one-to-one, greedily by overlap). Span precision = matched proposals / proposals; span recall =
  matched curated quotes / curated quotes.
* Speakers, among matched spans: a proposed speaker matches the curated actor when they share a name word
  (case-insensitive, at least three letters, ignoring honorifics and small words: "Mr Pompeo" ~ "Mike
  Pompeo", "A spokesman for the ... Department" ~ "DCMS spokesman"), or when the actor is of kind
  "anonymous" and the proposed speaker is an unnamed source ("one source", "officials"). Speaker precision
  = correct / matched spans with a proposed speaker; speaker recall = correct / matched spans.
  End to end: correct span and speaker / curated quotes (recall) and / proposals (precision).

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import json
import re
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from techstance.db.curation.quotes.finder import ProposedQuote, extract_quotes  # noqa: E402

SEEDS = REPO / "seeds"
OVERLAP = 0.8
_IGNORED = frozenset(["the", "and", "for", "with", "from", "mr", "mrs", "ms", "dr", "sir"])
_ANONYMOUS = re.compile(
    r"\b(?:sources?|officials?|insiders?|aides?|person|people|familiar|diplomats?|anonymous|unnamed)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Curated:
    id: str
    start: int
    end: int
    text: str
    actor: str
    actor_name: str
    actor_kind: str


def name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 3 and w not in _IGNORED}


def speaker_matches(proposed: str | None, quote: Curated) -> bool:
    if proposed is None:
        return False
    if name_words(proposed) & name_words(quote.actor_name):
        return True
    return quote.actor_kind == "anonymous" and bool(_ANONYMOUS.search(proposed))


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    longer = max(a[1] - a[0], b[1] - b[0])
    return inter / longer if inter > 0 and longer > 0 else 0.0


def match(proposals: list[ProposedQuote], curated: list[Curated]) -> list[tuple[int, int]]:
    """One-to-one pairs (proposal index, curated index), greedily by overlap."""
    pairs = []
    for i, p in enumerate(proposals):
        for j, c in enumerate(curated):
            r = overlap_ratio((p.start, p.end), (c.start, c.end))
            if r >= OVERLAP:
                pairs.append((r, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_c: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_c:
            used_p.add(i)
            used_c.add(j)
            out.append((i, j))
    return out


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def main() -> int:
    sources = tomllib.loads((SEEDS / "sources.toml").read_text(encoding="utf-8"))["source"]
    actors = {a["id"]: a for a in tomllib.loads((SEEDS / "actors.toml").read_text(encoding="utf-8"))["actor"]}
    quotes = tomllib.loads((SEEDS / "quotes.toml").read_text(encoding="utf-8"))["quote"]

    totals = {"proposed": 0, "curated": 0, "matched": 0, "exact": 0, "with_speaker": 0, "speaker_correct": 0}
    per_article: dict[str, dict[str, object]] = {}
    matches: list[str] = []
    misses: list[str] = []
    false_positives: list[str] = []
    speaker_errors: list[str] = []
    elapsed = 0.0

    for source in sources:
        text = (SEEDS / "sources" / source["seed_file"]).read_text(encoding="utf-8")
        curated = [
            Curated(q["id"], q["start"], q["end"], q["text"], q["actor"], actors[q["actor"]]["name"],
                    actors[q["actor"]]["kind"])
            for q in quotes
            if q["source"] == source["id"]
        ]
        t0 = time.perf_counter()
        proposals = extract_quotes(text)
        elapsed += time.perf_counter() - t0
        pairs = match(proposals, curated)
        matched_p = {i for i, _ in pairs}
        matched_c = {j for _, j in pairs}
        with_speaker = sum(1 for i, _ in pairs if proposals[i].speaker is not None)
        exact = sum(1 for i, j in pairs if (proposals[i].start, proposals[i].end) == (curated[j].start, curated[j].end))
        correct = 0
        for i, j in sorted(pairs, key=lambda pair: curated[pair[1]].start):
            ok = speaker_matches(proposals[i].speaker, curated[j])
            matches.append(f"{'ok ' if ok else 'BAD'} {source['id']}: {curated[j].id}: {proposals[i].speaker!r} "
                           f"({proposals[i].cue!r}) for {curated[j].actor_name!r}")
            if ok:
                correct += 1
            else:
                speaker_errors.append(
                    f"{source['id']}: {curated[j].id}: proposed speaker {proposals[i].speaker!r} "
                    f"(cue {proposals[i].cue!r}), curated {curated[j].actor_name!r}"
                )
        for j, c in enumerate(curated):
            if j not in matched_c:
                misses.append(f"{source['id']}: {c.id} [{c.start},{c.end}] {c.text[:70]!r}")
        for i, p in enumerate(proposals):
            if i not in matched_p:
                false_positives.append(
                    f"{source['id']}: [{p.start},{p.end}] speaker {p.speaker!r} cue {p.cue!r}: {p.text[:70]!r}"
                )
        per_article[source["id"]] = {
            "proposed": len(proposals),
            "curated": len(curated),
            "matched": len(pairs),
            "exact_spans": exact,
            "span_precision": ratio(len(pairs), len(proposals)),
            "span_recall": ratio(len(pairs), len(curated)),
            "speaker_precision": ratio(correct, with_speaker),
            "speaker_recall": ratio(correct, len(pairs)),
        }
        for key, value in (("proposed", len(proposals)), ("curated", len(curated)), ("matched", len(pairs)),
                           ("exact", exact), ("with_speaker", with_speaker), ("speaker_correct", correct)):
            totals[key] += value

    print(f"{'article':36} {'prop':>4} {'cur':>4} {'match':>5} {'span P':>7} {'span R':>7} {'spk P':>6} {'spk R':>6}")
    for sid, row in per_article.items():
        print(f"{sid:36} {row['proposed']:>4} {row['curated']:>4} {row['matched']:>5} "
              f"{row['span_precision']!s:>7} {row['span_recall']!s:>7} "
              f"{row['speaker_precision']!s:>6} {row['speaker_recall']!s:>6}")
    overall = {
        "proposed": totals["proposed"],
        "curated": totals["curated"],
        "matched": totals["matched"],
        "exact_spans": totals["exact"],
        "span_precision": ratio(totals["matched"], totals["proposed"]),
        "span_recall": ratio(totals["matched"], totals["curated"]),
        "speaker_precision": ratio(totals["speaker_correct"], totals["with_speaker"]),
        "speaker_recall": ratio(totals["speaker_correct"], totals["matched"]),
        "end_to_end_precision": ratio(totals["speaker_correct"], totals["proposed"]),
        "end_to_end_recall": ratio(totals["speaker_correct"], totals["curated"]),
    }
    print(f"{'OVERALL':36} {overall['proposed']:>4} {overall['curated']:>4} {overall['matched']:>5} "
          f"{overall['span_precision']!s:>7} {overall['span_recall']!s:>7} "
          f"{overall['speaker_precision']!s:>6} {overall['speaker_recall']!s:>6}")
    print(f"(span match: overlap >= {OVERLAP:.0%} of the longer span, {totals['exact']} of {totals['matched']} "
          "matches exact to the character; speakers among matched spans)")
    for title, rows in (("Matched quotes: proposed speaker (cue) for curated actor", matches),
                        ("Missed curated quotes", misses), ("False positives", false_positives),
                        ("Wrong or missing speakers", speaker_errors)):
        print(f"\n{title}: {len(rows)}")
        for row in rows:
            print(f"  - {row}")
    print(f"\nextraction time for the five articles: {elapsed * 1000:.1f} ms")
    print(json.dumps({"overall": overall, "per_article": per_article, "misses": len(misses),
                      "false_positives": len(false_positives), "speaker_errors": len(speaker_errors)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
