"""The complaint theme taxonomy (``knowledge/complaint_themes.yaml``) as typed values.

Keyword terms are compiled once into matchers: CJK terms match as substrings, Latin
terms as whole words (``app`` never matches ``apply``) with an optional trailing ``*``
for prefixes. :func:`load_taxonomy` reports every problem of the file at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bankpm_core.yamlconfig import load_yaml_config

_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    pattern: re.Pattern[str]
    latin: bool = False  # needs the regex (word boundaries); CJK terms are plain substrings
    needle: str = ""

    def found(self, lowered: str, has_latin: bool) -> bool:
        if self.latin:
            return has_latin and self.pattern.search(lowered) is not None
        return self.needle in lowered


def compile_term(term: str, weight: float) -> Term:
    raw = term.strip()
    prefix = raw.endswith("*")
    body = raw.rstrip("*").lower()
    escaped = re.escape(body).replace(r"\ ", r"\s+")
    if _LATIN.search(body):
        left = r"(?<![a-z])" if _LATIN.match(body[0]) else ""
        right = "" if prefix or not _LATIN.match(body[-1]) else r"(?![a-z])"
        return Term(raw, float(weight), re.compile(left + escaped + right), True, body)
    return Term(raw, float(weight), re.compile(escaped), False, body)


@dataclass(frozen=True)
class Theme:
    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    terms: tuple[Term, ...]
    examples: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description_en


@dataclass(frozen=True)
class CfpbRule:
    issue: str
    sub_issue: str | None
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    themes: Mapping[str, Theme]
    min_score: float = 3.0
    unmatched_zh: str = "其他/未归类"
    unmatched_en: str = "Other / unclassified"
    cfpb: tuple[CfpbRule, ...] = field(default_factory=tuple)

    def name(self, code: str | None, lang: str) -> str:
        if code is None or code not in self.themes:
            return self.unmatched_zh if lang == "zh" else self.unmatched_en
        return self.themes[code].name(lang)

    def cfpb_themes(self, issue: str, sub_issue: str | None) -> tuple[str, ...]:
        """Our themes for a CFPB Issue / Sub-issue; () when unmapped."""
        issue = (issue or "").strip()
        sub = (sub_issue or "").strip() if isinstance(sub_issue, str) else ""
        for rule in self.cfpb:
            if rule.issue == issue and rule.sub_issue and rule.sub_issue == sub:
                return rule.themes
        for rule in self.cfpb:
            if rule.issue == issue and not rule.sub_issue:
                return rule.themes
        return ()


def _names(raw: Any, where: str, problems: list[str]) -> tuple[str, str]:
    if not isinstance(raw, Mapping) or not raw.get("zh") or not raw.get("en"):
        problems.append(f"{where}: needs zh and en")
        return ("", "")
    return str(raw["zh"]), str(raw["en"])


def parse_taxonomy(raw: Any) -> tuple[Taxonomy | None, list[str]]:
    problems: list[str] = []
    if not isinstance(raw, Mapping) or not isinstance(raw.get("themes"), Mapping):
        return None, ["the taxonomy needs a `themes` mapping"]
    themes: dict[str, Theme] = {}
    for code, spec in raw["themes"].items():
        where = f"themes.{code}"
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: expected a mapping")
            continue
        name_zh, name_en = _names(spec.get("names"), f"{where}.names", problems)
        desc_zh, desc_en = _names(spec.get("description"), f"{where}.description", problems)
        terms: list[Term] = []
        keywords = spec.get("keywords") or {}
        for lang in ("zh", "en"):
            items = keywords.get(lang) or {}
            if not isinstance(items, Mapping):
                problems.append(f"{where}.keywords.{lang}: expected term: weight pairs")
                continue
            for term, weight in items.items():
                if not isinstance(weight, int | float) or weight <= 0:
                    problems.append(f"{where}.keywords.{lang}.{term}: weight must be positive")
                    continue
                terms.append(compile_term(str(term), float(weight)))
        if not terms:
            problems.append(f"{where}: no keywords")
        examples = spec.get("examples") or {}
        texts = tuple(str(t) for lang in ("zh", "en") for t in (examples.get(lang) or ()))
        themes[str(code)] = Theme(
            str(code), name_zh, name_en, desc_zh, desc_en, tuple(terms), texts
        )
    rules = []
    for i, item in enumerate(raw.get("cfpb_mapping") or ()):
        where = f"cfpb_mapping[{i}]"
        if not isinstance(item, Mapping) or not item.get("issue") or not item.get("themes"):
            problems.append(f"{where}: needs issue and themes")
            continue
        unknown = [t for t in item["themes"] if t not in themes]
        if unknown:
            problems.append(f"{where}: unknown themes {unknown}")
            continue
        sub = item.get("sub_issue")
        rules.append(CfpbRule(str(item["issue"]), str(sub) if sub else None, tuple(item["themes"])))
    unmatched = raw.get("unmatched") or {}
    if problems:
        return None, problems
    return (
        Taxonomy(
            themes=themes,
            min_score=float(raw.get("min_score", 3)),
            unmatched_zh=str(unmatched.get("zh", "其他/未归类")),
            unmatched_en=str(unmatched.get("en", "Other / unclassified")),
            cfpb=tuple(rules),
        ),
        [],
    )


def load_taxonomy(path: Path) -> Taxonomy:
    return load_yaml_config(path, parse_taxonomy, ("投诉主题分类", "Complaint taxonomy"))
