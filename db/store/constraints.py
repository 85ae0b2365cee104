"""The schema's own defences: CHECK constraints and guard triggers, generated from the record models.

The database is input (the README invites `sqlite-utils` and Datasette writes), so SQLite itself
refuses a value outside a closed vocabulary or of the wrong shape. Every vocabulary comes from
`records.py`; nothing here repeats one by hand.

Each rule has a name, `table.column: what it requires`: SQLite's error for a refused write
quotes it ("CHECK constraint failed: decisions.stance: one of ban, restrict, allow, undecided"),
and the upgrade names the rule a row breaks with it.

What a CHECK cannot say (it allows no subquery) is said by a BEFORE trigger that raises the same
kind of message: every condition is text, and a span ends within its source. The triggers stand
down while `PRAGMA ignore_check_constraints` is on, so that switch turns off every check at once
(tests use it to write what another tool might, to test the read boundary).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from techstance.db.store.records import (
    CONDITION_PREFIX,
    DECISION_FIELDS,
    QUOTE_FIELDS,
    TILE_LIMIT,
    ActorKind,
    DatePrecision,
    DateRule,
    DecisionKind,
    EvidenceRole,
    ProposalStatus,
    SourceQuality,
    Stance,
    Status,
)


def _words(vocabulary: Any) -> tuple[str, ...]:
    return tuple(str(word) for word in get_args(vocabulary))


STANCES = _words(Stance)
STATUSES = _words(Status)
PRECISIONS = _words(DatePrecision)
KINDS = _words(DecisionKind)
QUALITIES = _words(SourceQuality)
ACTOR_KINDS = _words(ActorKind)
ROLES = _words(EvidenceRole)
DATE_RULES = _words(DateRule)
PROPOSAL_STATUSES = _words(ProposalStatus)
CLAIM_TABLES = ("decisions", "quotes")


def column(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Rule:
    """One requirement on a column. `sql` is a condition that is never NULL (a CHECK lets NULL pass)."""

    table: str
    column: str
    requires: str
    sql: str

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}: {self.requires}"

    def clause(self) -> str:
        return f"CONSTRAINT {column(self.name)} CHECK ({self.sql})"


# Triggers consult the same switch as CHECK constraints, so one PRAGMA turns every check off.
CHECKS_ON = "(SELECT ignore_check_constraints FROM pragma_ignore_check_constraints()) = 0"


@dataclass(frozen=True)
class Guard:
    """A rule a CHECK cannot express: a trigger refuses a row for which `refuses` holds (NEW.* in it)."""

    table: str
    column: str
    requires: str
    refuses: str
    watched: tuple[str, ...]  # the columns whose update is checked

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}: {self.requires}"

    def triggers(self) -> list[str]:
        made = []
        for event, suffix in ((f"INSERT ON {column(self.table)}", "insert"),
                              (f"UPDATE OF {', '.join(column(c) for c in self.watched)} ON {column(self.table)}",
                               "update")):
            trigger = column(f"{self.table}_{self.column}_guard_{suffix}")
            made.append(
                f"CREATE TRIGGER {trigger} BEFORE {event}\n"
                f"WHEN {CHECKS_ON} AND ({self.refuses})\n"
                f"BEGIN SELECT RAISE(ABORT, {literal(self.name)}); END"
            )
        return made


def _text(col: str) -> str:
    return f"typeof({column(col)}) = 'text'"


def one_of(table: str, col: str, words: tuple[str, ...], *, nullable: bool = False) -> Rule:
    sql = f"{_text(col)} AND {column(col)} IN ({', '.join(literal(w) for w in words)})"
    requires = "one of " + ", ".join(words)
    if nullable:
        sql, requires = f"{column(col)} IS NULL OR ({sql})", requires + ", or null"
    return Rule(table, col, requires, sql)


def non_empty(table: str, col: str) -> Rule:
    return Rule(table, col, "non-empty text", f"{_text(col)} AND length({column(col)}) > 0")


def whole_number(table: str, col: str, low: int, high: int | None = None) -> Rule:
    c = column(col)
    if high is None:
        return Rule(table, col, f"a whole number, at least {low}", f"typeof({c}) = 'integer' AND {c} >= {low}")
    return Rule(table, col, f"a whole number from {low} to {high}",
                f"typeof({c}) = 'integer' AND {c} BETWEEN {low} AND {high}")


def span_end(table: str, start: str = "start", end: str = "end", *, nullable: bool = False) -> Rule:
    s, e = column(start), column(end)
    sql = f"typeof({e}) = 'integer' AND typeof({s}) = 'integer' AND {e} > {s}"
    requires = f"a whole number greater than {start}"
    if nullable:
        sql = f"({s} IS NULL AND {e} IS NULL) OR ({s} >= 0 AND {sql})"
        requires = f"null with {start}, or a whole number greater than {start} (at least 0)"
    return Rule(table, end, requires, sql)


def flag(table: str, col: str) -> Rule:
    return Rule(table, col, "0 or 1", f"typeof({column(col)}) = 'integer' AND {column(col)} IN (0, 1)")


_DIGITS = "[0-9]"
# A date's shape for each precision, and the full date SQLite normalises it to: an impossible day
# (2020-02-30) is moved on by date(..., '+0 days') and so differs from itself.
_DATE_SHAPES = {
    "day": (f"{_DIGITS * 4}-{_DIGITS * 2}-{_DIGITS * 2}", "{v}"),
    "month": (f"{_DIGITS * 4}-{_DIGITS * 2}", "{v} || '-01'"),
    "year": (_DIGITS * 4, "{v} || '-01-01'"),
}


def dated(table: str, col: str, precision: str) -> Rule:
    """The date written to exactly its precision, a real date; null when the precision is unknown."""
    v, p = column(col), column(precision)
    cases = [f"WHEN 'unknown' THEN {v} IS NULL"]
    for name in PRECISIONS:
        if name == "unknown":
            continue
        shape, full = _DATE_SHAPES[name]
        day = full.format(v=v)
        cases.append(f"WHEN {literal(name)} THEN {_text(col)} AND {v} GLOB {literal(shape)} "
                     f"AND substr({v}, 1, 4) <> '0000' AND date({day}, '+0 days') IS {day}")
    sql = f"CASE {p} {' '.join(cases)} ELSE 0 END"
    return Rule(table, col, f"a real date written to its {precision} (YYYY-MM-DD, YYYY-MM, YYYY), "
                            "null when unknown", sql)


def json_shape(table: str, col: str, shape: str, *, nullable: bool = False) -> Rule:
    c = column(col)
    test = "1" if shape == "any" else f"json_type({c}) = {literal(shape)}"
    sql = f"CASE WHEN {_text(col)} AND json_valid({c}) THEN {test} ELSE 0 END"
    requires = "JSON text" if shape == "any" else f"a JSON {shape}"
    if nullable:
        sql, requires = f"{c} IS NULL OR ({sql})", requires + ", or null"
    return Rule(table, col, requires, sql)


def _claim_field() -> str:
    c, t = column("claim_field"), column("claim_table")
    decision = (f"{c} IN ({', '.join(literal(f) for f in DECISION_FIELDS)}) OR "
                f"({c} GLOB {literal(CONDITION_PREFIX + _DIGITS + '*')} "
                f"AND substr({c}, {len(CONDITION_PREFIX) + 1}) NOT GLOB '*[^0-9]*')")
    quote = f"{c} IN ({', '.join(literal(f) for f in QUOTE_FIELDS)})"
    return f"{_text('claim_field')} AND CASE {t} WHEN 'decisions' THEN {decision} WHEN 'quotes' THEN {quote} ELSE 0 END"


CHECKS: dict[str, list[Rule]] = {
    "topics": [non_empty("topics", "id"), non_empty("topics", "title"),
               Rule("topics", "description", "text", _text("description"))],
    "countries": [
        Rule("countries", "code", "two capital letters (ISO 3166 alpha-2)",
             f"{_text('code')} AND code GLOB '[A-Z][A-Z]'"),
        non_empty("countries", "name"), non_empty("countries", "region"),
        whole_number("countries", "tile_row", 0, TILE_LIMIT), whole_number("countries", "tile_col", 0, TILE_LIMIT),
    ],
    "sources": [
        non_empty("sources", "id"),
        one_of("sources", "date_precision", PRECISIONS), dated("sources", "published", "date_precision"),
        flag("sources", "date_inferred"), one_of("sources", "quality", QUALITIES),
        Rule("sources", "sha256", "64 lower-case hex digits",
             f"{_text('sha256')} AND length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'"),
        Rule("sources", "text", "text", _text("text")),
    ],
    "actors": [non_empty("actors", "id"), non_empty("actors", "name"), one_of("actors", "kind", ACTOR_KINDS)],
    "decisions": [
        non_empty("decisions", "id"), one_of("decisions", "kind", KINDS), one_of("decisions", "stance", STANCES),
        one_of("decisions", "status", STATUSES), one_of("decisions", "date_precision", PRECISIONS),
        dated("decisions", "date", "date_precision"), flag("decisions", "date_inferred"),
        non_empty("decisions", "summary"), json_shape("decisions", "conditions", "array"),
        json_shape("decisions", "specifics", "object"),
    ],
    "quotes": [
        non_empty("quotes", "id"), non_empty("quotes", "text"),
        one_of("quotes", "said_on_precision", PRECISIONS), dated("quotes", "said_on", "said_on_precision"),
        whole_number("quotes", "start", 0), span_end("quotes"),
        Rule("quotes", "attribution", "text", _text("attribution")),
    ],
    "evidence": [
        non_empty("evidence", "id"), one_of("evidence", "claim_table", CLAIM_TABLES),
        non_empty("evidence", "claim_id"),
        Rule("evidence", "claim_field", f"{', '.join(DECISION_FIELDS)} or {CONDITION_PREFIX}N for a decision; "
                                        f"{', '.join(QUOTE_FIELDS)} for a quote", _claim_field()),
        whole_number("evidence", "start", 0), span_end("evidence"), non_empty("evidence", "excerpt"),
        one_of("evidence", "role", ROLES), one_of("evidence", "date_rule", DATE_RULES, nullable=True),
    ],
    "meta": [non_empty("meta", "key"), Rule("meta", "value", "text", _text("value"))],
    "edits": [
        non_empty("edits", "at"), non_empty("edits", "action"), non_empty("edits", "record_table"),
        non_empty("edits", "record_id"), json_shape("edits", "before", "any", nullable=True),
        json_shape("edits", "after", "any", nullable=True),
    ],
    "proposed_quotes": [
        non_empty("proposed_quotes", "id"), whole_number("proposed_quotes", "start", 0),
        span_end("proposed_quotes"), non_empty("proposed_quotes", "text"),
        span_end("proposed_quotes", "speaker_start", "speaker_end", nullable=True),
        span_end("proposed_quotes", "cue_start", "cue_end", nullable=True),
        Rule("proposed_quotes", "confidence", "a number from 0 to 1, or null",
             "confidence IS NULL OR (typeof(confidence) IN ('real', 'integer') AND confidence BETWEEN 0 AND 1)"),
        one_of("proposed_quotes", "status", PROPOSAL_STATUSES),
        Rule("proposed_quotes", "quote", "the quote an accepted proposal became; null otherwise",
             "CASE WHEN status = 'accepted' THEN typeof(quote) = 'text' AND length(quote) > 0 "
             "ELSE quote IS NULL END"),
    ],
}


def past_end(end: str, text: str) -> str:
    """Whether position `end` lies past the last character of `text`. SQLite's length() stops at a NUL
    character, which an article may hold; for such a text the byte count (never fewer than the
    characters) bounds the span instead. The costlier test runs only when the cheap one fails."""
    raw = f"CAST({text} AS BLOB)"
    return f"({end} > length({text}) AND (instr({raw}, x'00') = 0 OR {end} > length({raw})))"


PAST_SOURCE_END = ('EXISTS (SELECT 1 FROM sources AS s WHERE s.id = NEW.source AND '
                   + past_end('NEW."end"', "s.text") + ")")


GUARDS: list[Guard] = [
    Guard("decisions", "conditions", "a JSON array of non-empty strings",
          "CASE WHEN json_valid(NEW.conditions) AND json_type(NEW.conditions) = 'array' THEN EXISTS "
          "(SELECT 1 FROM json_each(NEW.conditions) WHERE type <> 'text' OR value = '') ELSE 0 END",
          ("conditions",)),
    *(Guard(table, "end", "within the length of its source's text", PAST_SOURCE_END,
            ("source", "start", "end"))
      for table in ("quotes", "evidence", "proposed_quotes")),
]

def _source_text_guard() -> str:
    """A source's text may not shrink under the spans that point into it."""
    cut = " OR ".join(
        f"EXISTS (SELECT 1 FROM {t} WHERE {t}.source = NEW.id AND {past_end(t + '.' + column('end'), 'NEW.text')})"
        for t in ("quotes", "evidence", "proposed_quotes"))
    message = literal("sources.text: long enough for every span in it (quotes, evidence, proposed_quotes)")
    return ('CREATE TRIGGER "sources_text_guard_update" BEFORE UPDATE OF text ON sources\n'
            f"WHEN {CHECKS_ON} AND ({cut})\nBEGIN SELECT RAISE(ABORT, {message}); END")


def with_checks(create_sql: str, table: str) -> str:
    """sqlite-utils' CREATE TABLE statement with the table's CHECK constraints added after its columns."""
    head, closing, tail = create_sql.rpartition("\n)")
    if not closing:
        raise ValueError(f"unexpected CREATE TABLE statement for {table}")
    checks = "".join(f",\n   {rule.clause()}" for rule in CHECKS.get(table, []))
    return f"{head}{checks}{closing}{tail}"


def guard_statements() -> list[str]:
    return [sql for guard in GUARDS for sql in guard.triggers()] + [_source_text_guard()]


def rule_named(message: str) -> tuple[str, str, str] | None:
    """(table, column, requirement) of the rule an SQLite error message names, if it names one."""
    text = message.removeprefix("CHECK constraint failed: ")
    every: list[Rule | Guard] = [*(r for rules in CHECKS.values() for r in rules), *GUARDS]
    for rule in every:
        if text == rule.name:
            return rule.table, rule.column, rule.requires
    if text.startswith("sources.text: "):
        return "sources", "text", text.removeprefix("sources.text: ")
    return None
