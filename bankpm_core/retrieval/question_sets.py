"""Lists of questions a bank labels as answerable or not from its documents.

Three formats, because a compliance team keeps such a list wherever it already
works: the Markdown tables of ``knowledge/QUESTIONS.md`` (section A answerable,
with the document and label that answer it; section B not answered), a CSV sheet
(``question,answerable``) and JSON lines (``{"question": …, "answerable": …}``).
The refusal calibration and the knowledge bench read them through here, so the
bundled list is also the template a bank copies.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from bankpm_core.errors import BadInputError
from bankpm_core.language import detect_language

_TRUE = {"true", "yes", "y", "1", "是", "能", "可以", "answerable", "可回答"}
_FALSE = {"false", "no", "n", "0", "否", "不能", "不可以", "unanswerable", "不可回答"}


@dataclass(frozen=True)
class LabelledQuestion:
    """One question and whether the documents answer it (and where, when known)."""

    number: str
    language: str
    text: str
    answerable: bool
    document: str | None = None  # path under the knowledge dir, when the list names it
    label: str | None = None  # heading or article that answers it


def answers_it(q: LabelledQuestion, source: str, section: str, chapter: str = "") -> bool:
    """Whether a passage (its file, article/section label, parent heading) is the one the
    list names for ``q``: the file by its path under the knowledge folder; an article
    exactly ("第七条"; "§ 3" also as "§ 3 Interest rate cap"); a heading by its text, also
    when the passage is one of its sub-headings (chapter = the parent heading)."""
    if not q.document or not q.label:
        return False
    doc = q.document.replace("\\", "/").lstrip("./")
    src = source.replace("\\", "/")
    if not (src == doc or src.endswith("/" + doc)):
        return False
    label = q.label
    if re.fullmatch(r"第.+条", label):
        return section == label
    if re.fullmatch(r"§ ?\d+", label):
        return section == label or section.startswith(label + " ")
    return label in section or label in chapter


def load_question_set(path: Path) -> list[LabelledQuestion]:
    """Read a question list by its suffix (.md, .csv, .jsonl/.json); errors name the line."""
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(
            f"无法读取问题列表 {path}：{exc}", f"cannot read the question list {path}: {exc}"
        ) from exc
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        questions = parse_markdown(text)
    elif suffix == ".csv":
        questions = parse_csv(text)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        questions = parse_jsonl(text)
    else:
        raise BadInputError(
            f"不支持的问题列表格式 {suffix or '(无后缀)'}：请用 .md、.csv 或 .jsonl",
            f"unsupported question-list format {suffix or '(no suffix)'}: use .md, .csv or .jsonl",
        )
    if not questions:
        raise BadInputError(
            f"{path} 中没有找到问题", f"no questions found in {path}", _format_help()
        )
    return questions


def parse_markdown(text: str) -> list[LabelledQuestion]:
    """Rows of table A (``| # | Lang | Question | Document | Label | …``) and table B
    (``| # | Lang | Question | Why not answered |``), as in knowledge/QUESTIONS.md."""
    out: list[LabelledQuestion] = []
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()[:1].upper()
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].isdigit():
            continue
        if section == "A":
            doc, label = cells[3], cells[4] if len(cells) > 4 else None
            out.append(LabelledQuestion(cells[0], cells[1], cells[2], True, doc, label))
        elif section == "B":
            out.append(LabelledQuestion(f"B{cells[0]}", cells[1], cells[2], False))
    return out


def parse_csv(text: str) -> list[LabelledQuestion]:
    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    q_col = fields.get("question") or fields.get("问题")
    a_col = fields.get("answerable") or fields.get("可回答")
    if not q_col or not a_col:
        raise BadInputError(
            "CSV 需要 question 和 answerable 两列",
            "the CSV needs the columns question and answerable",
            _format_help(),
        )
    out = []
    for n, row in enumerate(reader, start=2):
        question = (row.get(q_col) or "").strip()
        if not question:
            continue
        answerable = _flag(row.get(a_col), f"line {n}")
        out.append(LabelledQuestion(str(n), detect_language(question, "zh"), question, answerable))
    return out


def parse_jsonl(text: str) -> list[LabelledQuestion]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question = str(item["question"]).strip()
            raw = item["answerable"]
        except (ValueError, KeyError, TypeError) as exc:
            raise BadInputError(
                f'第 {n} 行不是 {{"question": …, "answerable": …}} 形式的 JSON：{exc}',
                f'line {n} is not a {{"question": …, "answerable": …}} JSON object: {exc}',
                _format_help(),
            ) from exc
        answerable = _flag(raw, f"line {n}")
        out.append(LabelledQuestion(str(n), detect_language(question, "zh"), question, answerable))
    return out


def _flag(raw: object, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    value = str(raw or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadInputError(
        f"{where}：answerable 应为 true/false（是/否），而不是 {raw!r}",
        f"{where}: answerable must be true/false (yes/no), not {raw!r}",
    )


def _format_help() -> list[str]:
    return [
        'JSON lines: {"question": "催收电话每天最多打几次？", "answerable": true}',
        "CSV: question,answerable",
        "Markdown: the tables of knowledge/QUESTIONS.md",
    ]
