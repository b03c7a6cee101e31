"""What a document says it does NOT cover.

Bank documents draw their own borders: "零存整取、大额存单、外币定期存款另有专门规定，
不适用本手册", "员工个人信息的处理另行规定", "This policy does not apply to business
accounts". A question about such a subject finds the excluding document — it is the
one that names the subject — and would be answered from it: the customer-data
retention rule given as the answer about *employee* data. The document's own border
is the better answer: it cannot support the answer, and the exclusion itself is
quoted, so the reader learns where the rule lives instead.

Only a document's exclusions of its own scope count. A law's deferrals ("法律另有规定的，
依照其规定", "…除外") and a rule's exceptions ("paragraph (b) does not apply to …")
are content, not borders, and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_CLAUSE = re.compile(r"[^。；;\n]+[。；;]?")
_EN_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# X 另行规定 / X 另有（专门）规定，不适用本手册 / X 不适用本办法
_ZH_VERB = re.compile(
    r"另行(?:专门)?规定|另有(?:专门)?规定|不适用(?:于)?本(?:办法|手册|制度|规定|政策|细则|指引|规则)"
)
# deferrals and exceptions: 法律另有规定的，依照其规定 / 国家另有规定的除外 / 本法另有规定外
_ZH_DEFERRAL = re.compile(
    r"(?:另有|另行)(?:专门)?规定(?:的|外|者)|(?:法律|法规|国家|本法|规章|监管|国务院)[^，。；]{0,12}另(?:有|行)"
)
_ZH_SPLIT = re.compile(r"[、和及与]|以及")
_ZH_SUFFIX = re.compile(r"(?:的)?(?:处理|管理|办理|业务|活动|事项)$")
_ZH_LEAD = re.compile(r"^.{0,8}[：:]")  # "产品范围：…"
_EN = re.compile(
    r"\b(?:this|the) (?:policy|manual|procedure|handbook|guideline|standard) does not "
    r"(?:apply to|cover) (?P<subj>[^.;:()]{3,80})"
    r"|(?P<subj2>[A-Za-z][A-Za-z \-]{2,60}?) (?:is|are) (?:governed|covered) by (?:a )?separate",
    re.IGNORECASE,
)
_EN_SPLIT = re.compile(r",\s*(?:and |or )?|\s+(?:and|or)\s+")
_EN_LEAD = re.compile(r"^(?:a|an|the|any)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class ScopeExclusion:
    """A subject a document says it does not cover, and the sentence that says so."""

    source: str
    title: str
    section: str
    subject: str
    sentence: str

    def named_in(self, question: str) -> bool:
        return self.subject.lower() in question.lower()


def exclusions_in(text: str) -> list[tuple[str, str]]:
    """(subject, sentence) pairs for the scope exclusions stated in ``text``."""
    out: list[tuple[str, str]] = []
    for sentence in _sentences(text):
        verb = _ZH_VERB.search(sentence)
        if verb and not _ZH_DEFERRAL.search(sentence):
            for subject in _zh_subjects(sentence[: verb.start()]):
                out.append((subject, sentence))
        for e in _EN.finditer(sentence):
            raw = e.group("subj") or e.group("subj2") or ""
            for part in _EN_SPLIT.split(raw):
                subject = _EN_LEAD.sub("", part.strip(" ,"))
                if 3 <= len(subject) <= 40 and len(subject.split()) <= 4:
                    out.append((subject, sentence))
    return out


def _sentences(text: str) -> list[str]:
    out = []
    for m in _CLAUSE.finditer(text):
        out.extend(s.strip() for s in _EN_SENTENCE_END.split(m.group(0)) if s.strip())
    return out


def _zh_subjects(before: str) -> list[str]:
    clause = re.split(r"[，,；;]", before.strip())[-1] if before.strip() else ""
    clause = _ZH_LEAD.sub("", clause.strip())
    if not clause or len(clause) > 30:  # a long clause is a rule's condition, not a subject
        return []
    subjects = []
    for part in _ZH_SPLIT.split(clause):
        part = _ZH_SUFFIX.sub("", part.strip())
        if 3 <= len(part) <= 12 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", part):
            subjects.append(part)
    return subjects


def find_exclusions(units: Iterable[tuple[dict[str, str], str]]) -> list[ScopeExclusion]:
    """Scope exclusions of the bank's own documents, from (unit metadata, unit text).

    Only documents whose front matter names an owner (the bank's policies, manuals and
    notes) draw borders here: in a law, "X 不适用本条例" is usually one rule's reach.
    """
    seen: set[tuple[str, str]] = set()
    out = []
    for meta, text in units:
        if not meta.get("owner"):
            continue
        for subject, sentence in exclusions_in(text):
            key = (meta.get("source", ""), subject)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                ScopeExclusion(
                    source=meta.get("source", ""),
                    title=meta.get("title", ""),
                    section=meta.get("section", ""),
                    subject=subject,
                    sentence=sentence,
                )
            )
    return out
