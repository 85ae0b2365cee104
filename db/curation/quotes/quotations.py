"""Which quoted passages are quotations: not titles, names, terms or scare quotes."""

from __future__ import annotations

import re

from techstance.db.curation.quotes.lexicon import (
    ARTICLES,
    CONTRACTED,
    DEFINITE,
    DETS,
    FINITE,
    NAMING_CUE,
    NOT_MODIFIED,
    NOT_SUBJECT,
    PERSONAL,
    PREPS,
    SMALL,
)


def is_quotation(words: list[str], inner: str, before: str, after: str, cued: bool) -> bool:
    """Whether a quoted passage reads as somebody's words. cued: a speech cue of its sentence names who said
    it ('urged the ministry to "reverse course"', '"a temporary measure," the regulator said')."""
    n = len(words)
    if n == 0 or NAMING_CUE.search(before):
        return False
    prev = before.split()[-1:]
    nxt = re.match(r"\s?([a-z][a-z\-]*)\b", after)
    if n < 12 and prev and prev[0].lower() in ARTICLES and nxt is not None and nxt.group(1) not in NOT_MODIFIED:
        return False  # a modifier between a determiner and its noun: a "you break it, you own it" policy
    ends_sentence = inner.rstrip()[-1:] in ".!?"
    if 2 <= n <= 12 and not ends_sentence:
        content = [w for w in words if w.lower() not in SMALL]
        caps = sum(1 for w in content if w[0].isupper() or w[0].isdigit())  # "60 Minutes", "RTX Pro 6000D"
        if content and caps / len(content) >= 0.75:
            return False  # a title or a name: "The Fox Business Network"
    if n >= 6:
        return True
    clause = has_clause(words, inner)
    if n >= 3:
        return clause or cued
    if not cued:
        return False  # "core", "market failure": a term, unless somebody is said to have said it
    if clause and inner[:1].isupper():
        return True  # "We won," he said
    # One or two words of the speaker's ('called the ruling "arbitrary"'), not a term the writer borrows:
    # not after a definite determiner ('the "core"'), not before the noun it modifies ('"core" functions').
    if prev and prev[0].lower() in DEFINITE:
        return False
    adverb = n == 1 and words[0].lower().endswith("ly")  # 'the government "unfairly" imposed': modifies a verb
    return adverb or nxt is None or nxt.group(1) in NOT_MODIFIED or nxt.group(1).endswith("ly")


def has_clause(words: list[str], inner: str) -> bool:
    """A subject and a verb: "we won", "it's over", "the deal is dead"; or a whole capitalised sentence."""
    low = [w.lower().replace("\u2019", "'") for w in words]
    for i, w in enumerate(low):
        if CONTRACTED.match(w):
            return True
        if w in PERSONAL and i + 1 < len(low) and low[i + 1] not in PREPS | DETS | {"and", "or"}:
            return True
        if w in FINITE and i >= 1 and low[i - 1] not in NOT_SUBJECT:
            return True
    text = inner.strip()
    return len(words) >= 3 and text[:1].isupper() and text[-1:] in ".!?"
