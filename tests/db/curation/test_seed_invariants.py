"""Each invariant of the build, broken one at a time, is refused with a one-line message.

The broken seeds are generated from the real ones (load, change one value, write back), so
each case differs from valid data in exactly the way its name says.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from techstance.db.curation.seeds import SEED_FILES, SeedError, load_seeds
from techstance.db.curation.toml_writer import dumps

Records = list[dict[str, Any]]


def edit(seed_dir: Path, name: str, change: Callable[[Records], None]) -> None:
    path = seed_dir / name
    kind = SEED_FILES[name][0]
    records = tomllib.loads(path.read_text(encoding="utf-8"))[kind]
    change(records)
    path.write_text(dumps({kind: records}), encoding="utf-8")


def find(records: Records, record_id: str) -> dict[str, Any]:
    return next(r for r in records if r.get("id") == record_id or r.get("code") == record_id)


def _shift_span(records: Records) -> None:
    ev = find(records, "jp-5g-ban")["evidence"][0]
    ev["start"] += 1
    ev["end"] += 1


def _span_past_end(records: Records) -> None:
    ev = find(records, "jp-5g-ban")["evidence"][0]
    ev["start"], ev["end"] = 100_000, 100_000 + len(ev["excerpt"])


def _reword_quote(records: Records) -> None:
    q = find(records, "warner-disappointed")
    q["text"] = q["text"].replace("disappointed", "dismayed")
    q["end"] = q["start"] + len(q["text"])


def _drop_evidence(records: Records) -> None:
    find(records, "ca-restrict-expected")["evidence"] = []


def _duplicate_decision(records: Records) -> None:
    records.append(dict(find(records, "jp-5g-ban")))


def _bad_date(records: Records) -> None:
    find(records, "gb-2020-01-28-limited-role")["date"] = "2020-02-30"


def _unknown_country(records: Records) -> None:
    find(records, "au-5g-ban")["country"] = "XX"


def _unknown_field(records: Records) -> None:
    find(records, "au-5g-ban")["stanse"] = "ban"


def _condition_without_evidence(records: Records) -> None:
    find(records, "gb-2020-01-28-limited-role")["conditions"].append("only in the periphery")


def _undated_date_evidence(records: Records) -> None:
    d = find(records, "us-trade-blacklist-2019-05")
    d["evidence"] = [e for e in d["evidence"] if e["claim"] != "date"]


def _unknown_actor(records: Records) -> None:
    find(records, "liu-risks-incite-fear")["actor"] = "liu-xiao-ming"


def _wrong_type(records: Records) -> None:
    find(records, "GB")["tile_row"] = "zero"


def _shared_tile(records: Records) -> None:
    find(records, "NZ").update(tile_row=0, tile_col=3)


def _unknown_stance(records: Records) -> None:
    find(records, "jp-5g-ban")["stance"] = "banned"


# ----- support checks (issue 13): each case is one error class the fact-check found -----
def _ev(record: dict[str, Any], claim: str, excerpt_of: dict[str, Any], role: str = "supports") -> None:
    """Cite an excerpt already curated elsewhere (so its span is right) for another claim."""
    record["evidence"].append({**excerpt_of, "claim": claim, "role": role})


def _cap_from_the_periphery_excerpt(records: Records) -> None:
    d = find(records, "gb-2020-01-28-limited-role")
    limit = next(e for e in d["evidence"] if e["claim"] == "condition:1" and e["source"].startswith("uk-"))
    _ev(d, "condition:2", limit)


def _nuclear_from_military_sites(records: Records) -> None:
    d = find(records, "gb-2020-01-28-limited-role")
    bases = next(e for e in d["evidence"] if e["claim"] == "condition:3" and e["source"].startswith("uk-"))
    _ev(d, "condition:4", bases)


def _conte_prime_minister(records: Records) -> None:
    d = find(records, "it-allow-market-rules")
    d["summary"] = "Prime Minister Giuseppe Conte backed doing business with Huawei."
    d["specifics"] = {"decision": ["Prime Minister", "Giuseppe Conte"]}


def _declared_but_not_claimed(records: Records) -> None:
    find(records, "au-5g-ban")["specifics"] = {"decision": ["Canberra"]}


def _excerpt_stops_before_the_council(records: Records) -> None:
    ev = find(records, "gb-2020-proposal")["evidence"][0]
    ev["excerpt"] = ev["excerpt"][:ev["excerpt"].index(" The proposal")]
    ev["end"] = ev["start"] + len(ev["excerpt"])


def _april_2019(records: Records) -> None:
    find(records, "gb-2019-non-core").update(date="2019-04", date_precision="month")


def _wrong_weekday(records: Records) -> None:
    find(records, "gb-2020-01-28-limited-role")["date"] = "2020-01-29"


def _no_date_rule(records: Records) -> None:
    d = find(records, "us-trade-blacklist-2019-05")
    for e in d["evidence"]:
        e.pop("date_rule", None)


def _rule_but_not_inferred(records: Records) -> None:
    find(records, "us-trade-blacklist-2019-05")["date_inferred"] = False


def _dispute_backwards_in_time(records: Records) -> None:
    ban = find(records, "nz-5g-ban-reported")
    _ev(find(records, "nz-restrict-expected"), "decision", ban["evidence"][0], role="disputes")


def _specifics_of_a_date(records: Records) -> None:
    find(records, "jp-5g-ban")["specifics"] = {"date": ["2019"]}


def _own_article_corroborates(records: Records) -> None:
    partial = find(records, "pompeo-is-not-at-risk")
    find(records, "pompeo-relationship-not-at-risk")["evidence"].append(
        {"claim": "quote", "source": partial["source"], "start": partial["start"], "end": partial["end"],
         "excerpt": partial["text"], "role": "supports"})


def _other_words_corroborate(records: Records) -> None:
    q = find(records, "ren-never-spy")
    q["evidence"].append(dict(find(records, "pompeo-decision-made-tuesday")["evidence"][0]))


CASES = {
    "specific not in a supporting excerpt": (
        "decisions.toml", _cap_from_the_periphery_excerpt,
        "decision 'gb-2020-01-28-limited-role': field 'conditions[2]': evidence[13] from "
        "'uk-limited-role-us-reaction' does not state '35%'"),
    "declared name not in a supporting excerpt": (
        "decisions.toml", _nuclear_from_military_sites,
        "decision 'gb-2020-01-28-limited-role': field 'conditions[4]': evidence[13] from "
        "'uk-limited-role-us-reaction' does not state 'nuclear'"),
    "title the article does not give": (
        "decisions.toml", _conte_prime_minister,
        "decision 'it-allow-market-rules': field 'summary': evidence[0] from 'china-ambassador-urges-uk' "
        "does not state 'Prime Minister'"),
    "declared specific the claim does not assert": (
        "decisions.toml", _declared_but_not_claimed,
        "decision 'au-5g-ban': field 'specifics.decision': 'Canberra' is declared but the summary does not say it"),
    "summary beyond its excerpt": (
        "decisions.toml", _excerpt_stops_before_the_council,
        "decision 'gb-2020-proposal': field 'summary': evidence[0] from 'bi-uk-ready-to-let-huawei-build' "
        "does not state 'National Security Council'"),
    "a month no article states": (
        "decisions.toml", _april_2019,
        "decision 'gb-2019-non-core': field 'date_precision': evidence[1] from 'china-ambassador-urges-uk' "
        "(recent) supports only 2019 (year); 2019-04 claims a finer 'month'"),
    "a day the weekday rule does not give": (
        "decisions.toml", _wrong_weekday,
        "decision 'gb-2020-01-28-limited-role': field 'date': evidence[3] from 'pompeo-relationship-not-at-risk' "
        "(weekday-before-published) gives 2020-01-28, not 2020-01-29"),
    "a relative date read as stated": (
        "decisions.toml", _no_date_rule,
        "decision 'us-trade-blacklist-2019-05': field 'date': evidence[1] from 'pompeo-relationship-not-at-risk' "
        "(stated) states no single year"),
    "a derived date not marked inferred": (
        "decisions.toml", _rule_but_not_inferred,
        "decision 'us-trade-blacklist-2019-05': field 'date_inferred': 2019-05 is read by a date_rule"),
    "a dispute backwards in time": (
        "decisions.toml", _dispute_backwards_in_time,
        "decision 'nz-restrict-expected': field 'evidence[1]': 'china-ambassador-urges-uk' (2019) cannot dispute "
        "a claim of 2020-01"),
    "specifics declared for the date": (
        "decisions.toml", _specifics_of_a_date,
        "decision 'jp-5g-ban': field 'specifics': specifics are declared for 'decision' or 'condition:N'"),
    "quote corroborated by its own article": (
        "quotes.toml", _own_article_corroborates,
        "quote 'pompeo-relationship-not-at-risk': field 'evidence[0]': 'pompeo-relationship-not-at-risk' is the "
        "quote's own article"),
    "quote corroborated by other words": (
        "quotes.toml", _other_words_corroborate,
        "quote 'ren-never-spy': field 'evidence[2]': 'get this right' is not words of the quotation"),

    "span does not match": ("decisions.toml", _shift_span,
                            "decision 'jp-5g-ban': field 'evidence[0].excerpt': excerpt does not match"),
    "span outside source": ("decisions.toml", _span_past_end,
                            "decision 'jp-5g-ban': field 'evidence[0].excerpt': span [100000"),
    "quote not verbatim": ("quotes.toml", _reword_quote,
                           "quote 'warner-disappointed': field 'text': quote text does not match"),
    "decision without evidence": ("decisions.toml", _drop_evidence,
                                  "decision 'ca-restrict-expected': field 'evidence': decision has no evidence"),
    "duplicate id": ("decisions.toml", _duplicate_decision,
                     "decision 'jp-5g-ban': field 'id': duplicate id 'jp-5g-ban'"),
    "malformed date": ("decisions.toml", _bad_date,
                       "decision 'gb-2020-01-28-limited-role': field 'date': malformed date '2020-02-30'"),
    "unknown country": ("decisions.toml", _unknown_country,
                        "decision 'au-5g-ban': field 'country': unknown country 'XX'"),
    "unknown field": ("decisions.toml", _unknown_field,
                      "decision 'au-5g-ban': field 'stanse': unknown field"),
    "condition without evidence": ("decisions.toml", _condition_without_evidence,
                                   "decision 'gb-2020-01-28-limited-role': field 'conditions[5]'"),
    "date without evidence": ("decisions.toml", _undated_date_evidence,
                              "decision 'us-trade-blacklist-2019-05': field 'date': date 2019-05 has no evidence"),
    "unknown actor": ("quotes.toml", _unknown_actor,
                      "quote 'liu-risks-incite-fear': field 'actor': unknown actor 'liu-xiao-ming'"),
    "wrong type": ("countries.toml", _wrong_type, "country 'GB': field 'tile_row': Input should be"),
    "two countries on one tile": ("countries.toml", _shared_tile,
                                  "country 'NZ': field 'tile_col': tile (0, 3) is already taken by GB"),
    "unknown stance": ("decisions.toml", _unknown_stance,
                       "decision 'jp-5g-ban': field 'stance': Input should be 'ban', 'restrict'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_invariant_is_named_with_file_record_and_field(seed_copy: Path, case: str) -> None:
    name, change, expected = CASES[case]
    edit(seed_copy, name, change)
    with pytest.raises(SeedError) as caught:
        load_seeds(seed_copy)
    lines = [str(p) for p in caught.value.problems]
    assert any(line.startswith(f"seeds/{name}: ") and expected in line for line in lines), lines
    assert all("\n" not in line for line in lines)


def test_all_problems_are_reported_at_once(seed_copy: Path) -> None:
    edit(seed_copy, "decisions.toml", lambda r: (_shift_span(r), _unknown_country(r)))
    edit(seed_copy, "quotes.toml", _reword_quote)
    with pytest.raises(SeedError) as caught:
        load_seeds(seed_copy)
    assert len(caught.value.problems) == 3


def test_source_changed_after_curation_is_refused(seed_copy: Path) -> None:
    article = next((seed_copy / "sources").glob("002_*.txt"))
    article.write_bytes(article.read_bytes().replace(b"Pompeo", b"Pompe0", 1))
    with pytest.raises(SeedError) as caught:
        load_seeds(seed_copy)
    assert any("field 'sha256'" in str(p) and "has changed since its spans were curated" in str(p)
               for p in caught.value.problems)


def test_toml_syntax_error_names_the_file_and_line(seed_copy: Path) -> None:
    (seed_copy / "actors.toml").write_text('[[actor]]\nid = "x\n', encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seeds(seed_copy)
    assert str(caught.value.problems[0]).startswith("seeds/actors.toml: TOML syntax error")
    assert "line 2" in str(caught.value.problems[0])


def test_non_utf8_seed_file_is_refused(seed_copy: Path) -> None:
    (seed_copy / "topics.toml").write_bytes('[[topic]]\nid = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(SeedError) as caught:
        load_seeds(seed_copy)
    assert "seeds/topics.toml: not UTF-8 text" in str(caught.value.problems[0])


def test_bom_and_crlf_seed_files_are_read_like_plain_ones(seed_copy: Path) -> None:
    path = seed_copy / "countries.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert len(load_seeds(seed_copy).countries) == 9


def test_check_command_prints_one_line_per_problem_and_fails(seed_copy: Path) -> None:
    edit(seed_copy, "decisions.toml", lambda r: (_shift_span(r), _bad_date(r)))
    result = subprocess.run(
        [sys.executable, "-m", "techstance.tui", "check", "--seeds", str(seed_copy)],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in result.stderr
    assert lines[-1] == "techstance: error: 2 problems in the seeds; nothing was written"
    assert result.stdout == ""


def test_check_command_passes_on_the_bundled_seeds() -> None:
    result = subprocess.run([sys.executable, "-m", "techstance.tui", "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("seeds OK: ")
