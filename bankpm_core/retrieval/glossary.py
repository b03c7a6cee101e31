"""Banking terms of art: the bundled list (glossary.yaml) plus a bank's own.

A question about a term of art needs a passage that uses one of its names
(entities.named_things, HybridSearcher.absent_names / terms_of_art). The bundled list
covers what any bank's PM or compliance officer may ask about; a bank adds its own terms
— internal product families, its regulators' jargon — in ``glossary.yaml`` beside its
documents, or in the file ``BANKPM_GLOSSARY_PATH`` names. Same format: ``terms:``, a list of
entries, each the names of one term in either language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from bankpm_core.errors import ConfigError
from bankpm_core.retrieval.text import whole_word


def is_acronym(name: str) -> bool:
    """An all-capitals name (FDIC, CARD, SAR): looked up as written, not lower-cased."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]{1,5}s?", name))


def _key(name: str) -> str:
    return name if is_acronym(name) else name.lower()


def _pattern(name: str, ignore_case: bool = False) -> re.Pattern[str]:
    """A Chinese name anywhere; a Latin one as a whole word."""
    return whole_word(name, ignore_case) if name.isascii() else re.compile(re.escape(name))


class Glossary:
    """Terms of art, each entry the true synonyms of one term (never a broader category)."""

    def __init__(self, entries: Iterable[Sequence[str]]) -> None:
        self._entries: dict[str, tuple[str, ...]] = {}
        for entry in entries:
            names = [str(n).strip() for n in entry if str(n).strip()]
            # a name already in another entry joins the two: both name one term
            merged = tuple(
                dict.fromkeys([*names, *(m for n in names for m in self._entries.get(_key(n), ()))])
            )
            for m in merged:
                self._entries[_key(m)] = merged
        names = sorted({n for e in self._entries.values() for n in e}, key=lambda n: (len(n), n))
        # longest first, so a question's 核心一级资本充足率 is not also 资本充足率; an acronym
        # as written, other names in any case
        self._patterns = [_pattern(n, ignore_case=not is_acronym(n)) for n in reversed(names)]
        self._containers: dict[str, tuple[str, ...]] = {}
        for i, name in enumerate(names):
            entry = self._entries[_key(name)]
            inner = _pattern(name.lower())
            longer = tuple(o for o in names[i + 1 :] if o not in entry and inner.search(o.lower()))
            if longer:
                self._containers[name.lower()] = longer

    def containers(self, name: str) -> tuple[str, ...]:
        """Longer names of *other* terms that contain ``name``: "deposit insurance" inside
        "Federal Deposit Insurance Corporation" names the agency, not the insurance."""
        return self._containers.get(name.lower(), ())

    def uses(self, text: str, name: str) -> list[re.Match[str]]:
        """Where lower-cased ``text`` uses ``name`` itself (as a word in Latin script), not
        inside another term's longer name."""
        return list(self._uses(text, name))

    def used(self, text: str, name: str) -> bool:
        """Whether it does: stops at the first use (``text`` may be the whole index)."""
        return next(self._uses(text, name), None) is not None

    def _uses(self, text: str, name: str) -> Iterator[re.Match[str]]:
        if name.lower() not in text:
            return
        inside = [
            m.span()
            for longer in self.containers(name)
            if longer.lower() in text
            for m in re.finditer(re.escape(longer.lower()), text)
        ]
        for m in _pattern(name.lower()).finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in inside):
                yield m

    def __len__(self) -> int:
        return len(set(self._entries.values()))

    @classmethod
    def bundled(cls) -> Glossary:
        """The glossary that ships with bankpm (read once per process)."""
        return _bundled()

    @classmethod
    def load(cls, extra: Path | None) -> Glossary:
        """The bundled terms plus a bank's own file (none: the bundled ones)."""
        if extra is None:
            return cls.bundled()
        return cls([*_bundled_entries(), *_read(extra)])

    def terms(self, question: str, taken: Sequence[tuple[int, int]] = ()) -> list[str]:
        """The terms the question names, as it writes them, in order; the longest where one
        contains another (核心一级资本充足率, not also 资本充足率); none inside ``taken``."""
        spans = list(taken)
        found: list[tuple[int, str]] = []
        for pattern in self._patterns:
            for m in pattern.finditer(question):
                if any(m.start() < end and start < m.end() for start, end in spans):
                    continue
                spans.append(m.span())
                found.append((m.start(), m.group(0)))
        return [name for _, name in sorted(found)]

    def synonyms(self, name: str) -> tuple[str, ...]:
        """Every name of the term ``name`` is one of, or () when it is no term of art."""
        return self._entries.get(_key(name), ())


@cache
def _bundled() -> Glossary:
    return Glossary(_bundled_entries())


@cache
def _bundled_entries() -> tuple[tuple[str, ...], ...]:
    text = resources.files("bankpm_core.retrieval").joinpath("glossary.yaml").read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return tuple(tuple(str(n) for n in entry) for entry in data.get("terms", []))


def _read(path: Path) -> list[list[str]]:
    """A bank's glossary file, checked: a broken file is reported, not half-used."""
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"术语表文件 {path.name} 无法读取（{type(exc).__name__}）",
            f"cannot read the glossary file {path.name} ({type(exc).__name__})",
        ) from exc
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list) or not all(
        isinstance(entry, list) and entry and all(isinstance(n, str | int) for n in entry)
        for entry in terms
    ):
        raise ConfigError(
            f"术语表 {path.name} 格式不对：应为 terms: 下的列表，每项是同一术语的名称列表",
            f"bad glossary {path.name}: expected `terms:` with a list of lists of names of one term",
            ["例 / e.g.  terms:\n  - [安居贷, Anju loan]"],
        )
    return [[str(n) for n in entry] for entry in terms]
