"""The apps' stylesheet: re-parsed in place, keeping what it has parsed, and what it parsed at
earlier starts (tui/css_cache.py).

Textual re-parses (after a theme is set, and when a screen brings its own CSS file) into a fresh
stylesheet and keeps only its rules, so the next parse, when the first widgets mount and add
their default CSS, parsed every file again: at start-up the app's and the dashboard's
stylesheets twice, about 6 ms of CPU before the first frame. Parsing in place keeps the parsed
sources; a theme's new variables still throw them all away (`set_variables` clears the cache).
"""

from __future__ import annotations

from pathlib import Path

from techstance.tui.css_cache import Key, ParsedCss
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation


class KeptStylesheet(Stylesheet):
    def __init__(self, *, variables: dict[str, str] | None = None, cache_folder: Path | None = None) -> None:
        super().__init__(variables=variables)
        self._cache_folder = cache_folder  # None: parse every start, as Textual does
        self._on_disk: ParsedCss | None = None

    def _disk(self) -> ParsedCss | None:
        if self._on_disk is None and self._cache_folder is not None:
            try:
                self._on_disk = ParsedCss(self._cache_folder, self._variables)
            except Exception:  # (Textual's files not where they were): parse as Textual does
                self._cache_folder = None
        return self._on_disk

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._on_disk = None  # another theme's parses live in another file

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        disk = self._disk()
        key: Key = (css, read_from, is_default_rules, tie_breaker, scope)
        if disk is None or key in self._parse_cache:
            return super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        rules = disk.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            disk.put(key, rules)
        else:
            self._parse_cache[key] = rules
        return rules

    def parse(self) -> None:
        super().parse()
        disk = self._disk()
        if disk is not None:
            disk.save()

    def reparse(self) -> None:
        # The same end as Textual's: on an error the rules in use stay and the error is raised
        # (parse() assigns its rules only once all have parsed); the faulty source is marked
        # invalid as Textual marks it.
        self.parse()
