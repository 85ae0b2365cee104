"""Measure the quote finder (techstance.db.curation.quotes) on annotated news: spans and speakers.

Run from the repository root:  python benchmarks/quote_extraction.py [--details]

Corpora (every quotation of each text annotated by hand, with its speaker):

* written: benchmarks/quote_corpus/written/*.txt, texts written for this benchmark in the style of wire
  copy and British, American and New Zealand papers, several per failure class of issue 16; annotations
  in benchmarks/quote_corpus/written.toml.
* real: real articles read through the search tool (benchmarks/quote_corpus/real.toml holds the
  annotations and each address); only the articles saved locally as quote_corpus/real/<file> are measured.
  "real (held out)" are those annotated after the rules were written and never used to change them.
* seeds (curated): the five seed articles against seeds/quotes.toml, the quotations the curators kept.
* seeds (all): the same articles against the curated quotes plus quote_corpus/seed_supplement.toml, the
  short partial quotations the curation left out: an exhaustive reading.

Scoring:

* Spans: a proposal matches an annotated quotation when their overlap is at least 80% of the longer of
  the two (one-to-one, greedily by overlap). Precision = matched proposals / proposals; recall = matched
  quotations / quotations.
* Speakers, among matched spans: correct when the proposed speaker shares a name word (case-insensitive,
  three letters or more, ignoring honorifics and small words) with the annotated speaker or one of its
  `also` mentions, or, for an anonymous seed actor, is an unnamed source ("officials", "one source").
  Speaker accuracy = correct / matched spans (a matched span with no speaker counts as wrong).
* Per class: each annotated quotation carries the failure class it exercises; a false positive is
  charged to the class of its text.
* Speed: the finder's CPU time (process time, so that other work on the machine does not count) on about
  200 KB of news (every text above, repeated), best of three.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from techstance.db.curation.quotes import extract_quotes  # noqa: E402

SEEDS = REPO / "seeds"
CORPUS = REPO / "benchmarks" / "quote_corpus"
OVERLAP = 0.8
SPEED_BYTES = 200_000
_IGNORED = frozenset(["the", "and", "for", "with", "from", "mr", "mrs", "ms", "dr", "sir"])
_ANONYMOUS = re.compile(
    r"\b(?:sources?|officials?|insiders?|aides?|person|people|familiar|diplomats?|anonymous|unnamed)\b",
    re.IGNORECASE,
)
CLASSES = ("short-partial", "one-word", "unclosed", "cue-verb", "passive", "apposition", "caption",
           "reported-subject", "keep", "ordinary")


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    text: str
    speakers: tuple[str, ...]  # the speaker and other mentions of the same speaker
    cls: str
    anonymous: bool = False


@dataclass
class Doc:
    name: str
    text: str
    cls: str
    golds: list[Gold]
    heldout: bool = False


@dataclass
class Tally:
    proposed: int = 0
    quotes: int = 0
    matched: int = 0
    speaker_ok: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    speaker_errors: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, object]:
        return {
            "quotes": self.quotes,
            "proposed": self.proposed,
            "matched": self.matched,
            "precision": ratio(self.matched, self.matched + len(self.false_positives)),
            "recall": ratio(self.matched, self.quotes),
            "speaker": ratio(self.speaker_ok, self.matched),
        }


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 3 and w not in _IGNORED}


def speaker_matches(proposed: str | None, gold: Gold) -> bool:
    if proposed is None:
        return False
    words = name_words(proposed)
    if any(words & name_words(s) for s in gold.speakers):
        return True
    return gold.anonymous and bool(_ANONYMOUS.search(proposed))


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    longer = max(a[1] - a[0], b[1] - b[0])
    return inter / longer if inter > 0 and longer > 0 else 0.0


def locate(text: str, quoted: str, where: str, occurrence: int = 1) -> tuple[int, int]:
    pos = -1
    for _ in range(occurrence):
        pos = text.find(quoted, pos + 1)
        if pos < 0:
            raise SystemExit(f"{where}: quotation not found in the text: {quoted[:60]!r}")
    return pos, pos + len(quoted)


def annotated(path: Path, folder: Path, *, local_only: bool) -> tuple[list[Doc], list[str]]:
    docs: list[Doc] = []
    missing: list[str] = []
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["text"]:
        file = folder / entry["file"]
        if not file.exists():
            if local_only:
                missing.append(entry.get("url", entry["file"]))
                continue
            raise SystemExit(f"{path.name}: {entry['file']}: no such text in {folder}")
        text = file.read_text(encoding="utf-8")
        golds = []
        for q in entry["quotes"]:
            start, end = locate(text, q["text"], f"{path.name}: {entry['file']}", q.get("occurrence", 1))
            golds.append(Gold(start, end, q["text"], (q["speaker"], *q.get("also", [])), q.get("class", "ordinary")))
        docs.append(Doc(entry["file"], text, entry.get("class", "ordinary"), golds, entry.get("heldout", False)))
    return docs, missing


def seed_docs(exhaustive: bool) -> list[Doc]:
    sources = tomllib.loads((SEEDS / "sources.toml").read_text(encoding="utf-8"))["source"]
    actors = {a["id"]: a for a in tomllib.loads((SEEDS / "actors.toml").read_text(encoding="utf-8"))["actor"]}
    quotes = tomllib.loads((SEEDS / "quotes.toml").read_text(encoding="utf-8"))["quote"]
    extra = tomllib.loads((CORPUS / "seed_supplement.toml").read_text(encoding="utf-8"))["quotes"]
    docs = []
    for source in sources:
        text = (SEEDS / "sources" / source["seed_file"]).read_text(encoding="utf-8")
        golds = [
            Gold(q["start"], q["end"], q["text"], (actors[q["actor"]]["name"],), "ordinary",
                 actors[q["actor"]]["kind"] == "anonymous")
            for q in quotes if q["source"] == source["id"]
        ]
        if exhaustive:
            for q in extra:
                if q["source"] == source["id"]:
                    start, end = locate(text, q["text"], f"seed_supplement.toml: {source['id']}")
                    golds.append(Gold(start, end, q["text"], (q["speaker"], *q.get("also", [])), "short-partial"))
        docs.append(Doc(source["id"], text, "ordinary", golds))
    return docs


def match(spans: list[tuple[int, int]], golds: list[Gold]) -> list[tuple[int, int]]:
    """One-to-one pairs (proposal index, annotation index), greedily by overlap."""
    pairs = []
    for i, span in enumerate(spans):
        for j, g in enumerate(golds):
            r = overlap_ratio(span, (g.start, g.end))
            if r >= OVERLAP:
                pairs.append((r, i, j))
    pairs.sort(reverse=True)
    used_p: set[int] = set()
    used_g: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((i, j))
    return out


def evaluate(docs: list[Doc], overall: Tally, per_class: dict[str, Tally] | None = None) -> None:
    for doc in docs:
        proposals = extract_quotes(doc.text)
        pairs = match([(p.start, p.end) for p in proposals], doc.golds)
        matched_p = {i for i, _ in pairs}
        matched_g = {j for _, j in pairs}
        tallies = [overall]
        overall.proposed += len(proposals)
        overall.quotes += len(doc.golds)
        for j, g in enumerate(doc.golds):
            cls_tally = per_class.setdefault(g.cls, Tally()) if per_class is not None else None
            targets = [overall] + ([cls_tally] if cls_tally is not None else [])
            if cls_tally is not None:
                cls_tally.quotes += 1
            if j not in matched_g:
                for t in targets:
                    t.misses.append(f"{doc.name} [{g.cls}]: {g.text[:70]!r} ({g.speakers[0]})")
        for i, j in pairs:
            g = doc.golds[j]
            p = proposals[i]
            targets = [overall] + ([per_class[g.cls]] if per_class is not None else [])
            for t in targets:
                t.matched += 1
                if speaker_matches(p.speaker, g):
                    t.speaker_ok += 1
                else:
                    t.speaker_errors.append(f"{doc.name} [{g.cls}]: {g.text[:50]!r}: proposed {p.speaker!r} "
                                            f"(cue {p.cue!r}), annotated {g.speakers[0]!r}")
        for i, p in enumerate(proposals):
            if i not in matched_p:
                row = f"{doc.name}: {p.text[:70]!r} (speaker {p.speaker!r})"
                for t in tallies + ([per_class.setdefault(doc.cls, Tally())] if per_class is not None else []):
                    t.false_positives.append(row)


def speed(texts: list[str]) -> tuple[int, float]:
    block = "\n\n".join(texts)
    news = block * max(1, SPEED_BYTES // max(1, len(block.encode("utf-8"))) + 1)
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        extract_quotes(news)
        best = min(best, time.process_time() - t0)
    return len(news.encode("utf-8")), best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every miss, false positive and wrong speaker")
    args = parser.parse_args(argv)

    written, _ = annotated(CORPUS / "written.toml", CORPUS / "written", local_only=False)
    real_all, missing = annotated(CORPUS / "real.toml", CORPUS / "real", local_only=True)
    real = [d for d in real_all if not d.heldout]
    heldout = [d for d in real_all if d.heldout]
    corpora = {"written": written, "real": real, "real (held out)": heldout, "seeds (curated)": seed_docs(False),
               "seeds (all)": seed_docs(True)}
    results: dict[str, Tally] = {}
    per_class: dict[str, Tally] = {}
    for name, docs in corpora.items():
        results[name] = Tally()
        evaluate(docs, results[name], per_class if name in ("written", "real", "real (held out)") else None)

    print(f"{'corpus':18} {'texts':>5} {'quotes':>6} {'prop':>5} {'match':>5} {'prec':>6} {'recall':>6} {'speaker':>7}")
    for name, tally in results.items():
        f = tally.figures()
        print(f"{name:18} {len(corpora[name]):>5} {f['quotes']:>6} {f['proposed']:>5} {f['matched']:>5} "
              f"{f['precision']!s:>6} {f['recall']!s:>6} {f['speaker']!s:>7}")
    if missing:
        print(f"(real: {len(missing)} annotated article(s) not saved locally, not measured: {', '.join(missing)})")
    print(f"\nPer class (written + real + held out; false positives charged to the class of their text):\n"
          f"{'class':18} {'quotes':>6} {'found':>5} {'recall':>6} {'speaker':>7} {'false+':>6}")
    for cls in CLASSES:
        if cls in per_class:
            t = per_class[cls]
            f = t.figures()
            print(f"{cls:18} {t.quotes:>6} {t.matched:>5} {f['recall']!s:>6} {f['speaker']!s:>7} "
                  f"{len(t.false_positives):>6}")
    size, seconds = speed([d.text for docs in corpora.values() for d in docs[:]])
    print(f"\nspeed: {seconds * 1000:.0f} ms CPU for {size / 1000:.0f} KB of news (best of 3)")
    if args.details:
        for name, tally in results.items():
            for title, rows in (("missed", tally.misses), ("false positives", tally.false_positives),
                                ("wrong or missing speakers", tally.speaker_errors)):
                if rows:
                    print(f"\n{name}: {title}: {len(rows)}")
                    for row in rows:
                        print(f"  - {row}")
    print(json.dumps({
        "corpora": {name: tally.figures() for name, tally in results.items()},
        "classes": {cls: {**t.figures(), "false_positives": len(t.false_positives)} for cls, t in per_class.items()},
        "real_missing": missing,
        "speed": {"bytes": size, "ms": round(seconds * 1000, 1)},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
