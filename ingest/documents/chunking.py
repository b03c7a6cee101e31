"""Structure-aware chunking: articles, § sections, numbered items or headings → units.

A unit is what a citation names (``第三十条``, ``§ 1002.9``, a manual's heading). Units
keep their chapter (and the document title) as context; units too long to embed well
are split into overlapping windows at paragraph, then sentence boundaries, and
Markdown tables are never cut between header and rows.

US CFR texts carry their rule sections, appendices (model forms) and the official
interpretations (Supplement I) in one file; each unit records which of those it is
(``unit_type``) so that retrieval can prefer the rule itself.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bankpm_core.retrieval.text import text_language
from bankpm_core.retrieval.types import Chunk
from ingest.documents.loaders import LoadedDocument

_NUM = "零〇一二三四五六七八九十百千两0-9０-９"
ZH_ARTICLE = re.compile(
    rf"^[ \t　]*(?:\*\*)?(第[{_NUM}]+条(?:之[一二三四五六七八九十]+)?)(?:\*\*)?(?=[\s　:：]|$)"
)
ZH_CHAPTER = re.compile(rf"^(?:#+\s*)?(第[{_NUM}]+[章编])(?:[\s　]*(.*))?$")
ZH_SECTION = re.compile(rf"^(?:#+\s*)?(第[{_NUM}]+节)(?:[\s　]*(.*))?$")
ZH_ITEM = re.compile(r"^[ \t　]*([一二三四五六七八九十]+)、")
EN_SECTION = re.compile(r"^(?:#+\s*)?(§{1,2}\s*\d+(?:\.\d+)*[a-z]?)(?=[\s.]|$)\s*(.*)$")
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_APPENDIX = re.compile(r"^(Appendix|Appendices)\b", re.I)
_SUPPLEMENT = re.compile(r"^Supplement\b", re.I)
_INTERP_SECTION = re.compile(r"^(Section\s+\d+\.\d+[a-z]?)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.](?=\s))")

MAX_UNITS = 240.0  # window size in "weighted characters" (CJK 1, other 0.3 ≈ tokens x 1.3)
OVERLAP = 50.0


@dataclass
class _Unit:
    section: str
    unit_type: str
    chapter: str
    heading: str
    start: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    has_body: bool = False


def weight(text: str) -> float:
    """Size of text in model-token-ish units, so Chinese and English windows match."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    return cjk + 0.3 * (len(text) - cjk)


_TITLE_LINE = re.compile(r"^[^\s，。：:]{4,60}(?:法|条例|办法|规定|规程|通知|细则|指引|意见|决定)$")


def doc_title(doc: LoadedDocument, path: Path) -> str:
    """Front matter title, else the first heading, else the promulgated document's name."""
    if doc.meta.get("title"):
        return doc.meta["title"].strip()
    lines = [line.strip() for line in doc.text.splitlines() if line.strip()][:8]
    for line in lines[:1]:
        m = MD_HEADING.match(line)
        if m:
            return m.group(2).strip()
    for line in lines:
        if _TITLE_LINE.match(line):
            return line
    for line in lines[:3]:
        inner = re.search(r"《([^》]{2,40})》", line) or re.search(r"（([^（）]{2,40})）$", line)
        if inner:
            return inner.group(1)
    if lines and len(lines[0]) <= 40:
        return lines[0].lstrip("# ")
    return path.stem


def chunk_document(
    doc: LoadedDocument, path: Path, source: str, kind: str, doc_hash: str
) -> list[Chunk]:
    """Split one loaded document into citable chunks (see module docstring)."""
    text = _COMMENT.sub(lambda m: " " * len(m.group(0)), doc.text)
    title = doc_title(doc, path)
    language = doc.meta.get("language") or text_language(text[:5000])
    units = _units(text, title)
    chunks: list[Chunk] = []
    for unit in units:
        for start, end, body in _windows(unit.lines):
            idx = len(chunks)
            chunk_id = hashlib.sha1(f"{source}\x00{doc_hash}\x00{idx}".encode()).hexdigest()[:24]
            chunks.append(
                Chunk(
                    id=chunk_id,
                    text=body,
                    source=source,
                    title=title,
                    kind=kind,
                    section=unit.section,
                    chapter=unit.chapter,
                    heading=unit.heading,
                    unit_type=unit.unit_type,
                    language=language if language in ("zh", "en") else text_language(body),
                    version=doc.meta.get("version", ""),
                    effective_date=doc.meta.get("effective_date", ""),
                    span=(start, end),
                    part=0,
                    doc_hash=doc_hash,
                    extra={
                        k: doc.meta[k] for k in ("owner", "product", "title_en") if k in doc.meta
                    },
                )
            )
    # number the windows of each unit (part 0, 1, …) for display
    seen: dict[str, int] = {}
    out = []
    for c in chunks:
        n = seen.get(c.unit_key, 0)
        seen[c.unit_key] = n + 1
        out.append(c if n == 0 else _with_part(c, n))
    return out


def _with_part(chunk: Chunk, part: int) -> Chunk:
    from dataclasses import replace

    return replace(chunk, part=part)


def _mode(lines: list[str]) -> str:
    articles = sum(1 for line in lines if ZH_ARTICLE.match(line))
    sections = sum(1 for line in lines if EN_SECTION.match(line))
    items = sum(1 for line in lines if ZH_ITEM.match(line))
    if articles >= 2:
        return "article"
    if sections >= 2:
        return "section"
    if items >= 2:
        return "item"
    return "heading"


def _units(text: str, title: str) -> list[_Unit]:
    raw_lines = text.split("\n")
    mode = _mode(raw_lines)
    units: list[_Unit] = []
    offset = 0
    current = _Unit(section="", unit_type="preamble", chapter="", heading="", start=0)
    chapter = ""  # structural context (章 / subpart / appendix / heading path)
    heading_stack: list[tuple[int, str]] = []
    secondary = ""  # "appendix" | "interpretation" while inside such a part
    supplement_name = ""

    def start(section: str, unit_type: str, heading: str, at: int) -> None:
        nonlocal current
        if current.has_body:
            units.append(current)
        current = _Unit(
            section=section, unit_type=unit_type, chapter=chapter, heading=heading, start=at
        )

    for line in raw_lines:
        pos = offset
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            current.lines.append((pos, line))
            continue
        md = MD_HEADING.match(stripped)
        if mode == "article":
            m = ZH_CHAPTER.match(stripped)
            if m:
                chapter = " ".join(x for x in (m.group(1), (m.group(2) or "").strip()) if x)
                start(chapter, "heading", chapter, pos)
                current.lines.append((pos, line))
                continue
            m = ZH_SECTION.match(stripped)
            if m:
                chapter = chapter.split(" / ")[0] + " / " + stripped.lstrip("# ")
                current.lines.append((pos, line))
                continue
            m = ZH_ARTICLE.match(stripped)
            if m:
                start(_normalise_zh(m.group(1)), "article", "", pos)
                current.lines.append((pos, line))
                current.has_body = True
                continue
            if md and len(md.group(1)) >= 2:
                chapter = md.group(2)
                start(md.group(2), "heading", md.group(2), pos)
                current.lines.append((pos, line))
                continue
        elif mode == "section":
            heading_text = md.group(2) if md else ""
            if md and len(md.group(1)) <= 2 and heading_text:
                if _APPENDIX.match(heading_text):
                    secondary, chapter = "appendix", heading_text
                    start(_part_label(heading_text), "appendix", heading_text, pos)
                elif _SUPPLEMENT.match(heading_text):
                    secondary, chapter = "interpretation", heading_text
                    supplement_name = re.split(r"\s+to\s+|—", heading_text)[0].strip()
                    start(supplement_name, "interpretation", heading_text, pos)
                elif len(md.group(1)) == 2 or not units:
                    secondary, chapter = "", heading_text
                    start(heading_text, "heading", heading_text, pos)
                current.lines.append((pos, line))
                continue
            m = EN_SECTION.match(stripped)
            if m and (md or not secondary):
                label = re.sub(r"§\s*", "§ ", m.group(1))
                secondary = "" if md is None and secondary else secondary
                start(label, "section", stripped.lstrip("# "), pos)
                current.lines.append((pos, line))
                current.has_body = md is None
                continue
            if md:
                if not heading_text:
                    current.lines.append((pos, ""))  # an empty '###' just separates forms
                    continue
                if secondary == "interpretation":
                    mi = _INTERP_SECTION.match(heading_text)
                    name = mi.group(1) if mi else heading_text.split("—")[0].strip()
                    start(f"{supplement_name}, {name}", "interpretation", heading_text, pos)
                elif secondary == "appendix":
                    sub = heading_text.split("—")[0].strip()[:60]
                    start(f"{_part_label(chapter)}, {sub}", "appendix", heading_text, pos)
                else:
                    start(heading_text[:80], "heading", heading_text, pos)
                current.lines.append((pos, line))
                continue
        elif mode == "item":
            m = ZH_ITEM.match(stripped)
            if m:
                start(m.group(1) + "、", "article", "", pos)
                current.lines.append((pos, line))
                current.has_body = True
                continue
        if md and mode in ("heading", "item"):
            level = len(md.group(1))
            heading_stack = [(lv, h) for lv, h in heading_stack if lv < level]
            heading_stack.append((level, md.group(2)))
            if level == 1 and md.group(2).strip() == title:
                current.lines.append((pos, line))
                continue
            chapter = " / ".join(h for lv, h in heading_stack[:-1] if lv > 1 or h != title)
            start(md.group(2), "heading", md.group(2), pos)
            current.lines.append((pos, line))
            continue
        current.lines.append((pos, line))
        current.has_body = True
    start("", "preamble", "", offset)
    for unit in units:
        if unit.unit_type == "preamble" and not unit.section:
            unit.section = "序言" if text_language(title) == "zh" else "Preamble"
    return units


def _part_label(heading: str) -> str:
    """'Appendix B to Part 1002—Model …' → 'Appendix B to Part 1002'."""
    return re.split(r"—|\s-(?=[A-Z])|-(?=[A-Z][a-z])", heading)[0].strip().rstrip(".")


def _normalise_zh(label: str) -> str:
    return label.replace(" ", "").replace("　", "")


def _paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Group lines into paragraphs; a Markdown table is one paragraph."""
    paras: list[tuple[int, int, str]] = []
    buf: list[tuple[int, str]] = []
    in_table = False

    def flush() -> None:
        if buf:
            s = buf[0][0]
            e = buf[-1][0] + len(buf[-1][1])
            body = "\n".join(t for _, t in buf).strip()
            if body:
                paras.append((s, e, body))
            buf.clear()

    for pos, line in lines:
        is_table = line.lstrip().startswith("|")
        if not line.strip():
            if not in_table:
                flush()
            continue
        if is_table != in_table:
            flush()
            in_table = is_table
        buf.append((pos, line))
        if not is_table:
            flush()
    flush()
    return paras


def _windows(lines: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Pack paragraphs into windows ≤ MAX_UNITS with ~OVERLAP carried between windows."""
    pieces: list[tuple[int, int, str]] = []
    for s, e, body in _paragraphs(lines):
        if weight(body) <= MAX_UNITS:
            pieces.append((s, e, body))
        elif body.lstrip().startswith("|"):
            pieces.extend(_split_table(s, body))
        else:
            pieces.extend(_split_long(s, body))
    windows: list[tuple[int, int, str]] = []
    cur: list[tuple[int, int, str]] = []
    size = 0.0
    for piece in pieces:
        w = weight(piece[2])
        if cur and size + w > MAX_UNITS:
            windows.append(_join(cur))
            cur = _overlap_tail(cur[-1])
            size = sum(weight(p[2]) for p in cur)
        cur.append(piece)
        size += w
    if cur:
        windows.append(_join(cur))
    return windows


def _overlap_tail(piece: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """The end of the previous window (whole sentences, ≤ OVERLAP) to start the next one."""
    _, end, body = piece
    if body.lstrip().startswith(("|", "#")):
        return []
    if weight(body) <= OVERLAP:
        return [piece]
    sentences = [x for x in _SENTENCE_END.split(body) if x.strip()]
    tail = ""
    for sentence in reversed(sentences):
        if weight(sentence + tail) > OVERLAP:
            break
        tail = sentence + tail
    tail = tail.strip()
    return [(end - len(tail), end, tail)] if tail else []


def _join(pieces: list[tuple[int, int, str]]) -> tuple[int, int, str]:
    return pieces[0][0], pieces[-1][1], "\n".join(p[2] for p in pieces)


def _split_table(start: int, body: str) -> list[tuple[int, int, str]]:
    rows = body.split("\n")
    header = (
        rows[:2]
        if len(rows) > 1 and set(rows[1].replace("|", "").strip()) <= set("-: ")
        else rows[:1]
    )
    out, cur = [], list(header)
    for row in rows[len(header) :]:
        if len(cur) > len(header) and weight("\n".join([*cur, row])) > MAX_UNITS:
            out.append((start, start + len(body), "\n".join(cur)))
            cur = list(header)
        cur.append(row)
    out.append((start, start + len(body), "\n".join(cur)))
    return out


def _split_long(start: int, body: str) -> list[tuple[int, int, str]]:
    """A paragraph over the window size: split at sentence ends, hard-cut if needed."""
    sentences = [s for s in _SENTENCE_END.split(body) if s]
    out: list[tuple[int, int, str]] = []
    pos = start
    cur, cur_start = "", start
    for sentence in sentences:
        if cur and weight(cur + sentence) > MAX_UNITS:
            out.append((cur_start, cur_start + len(cur), cur.strip()))
            cur_start = pos
            cur = ""
        while weight(sentence) > MAX_UNITS:
            cut = _cut_point(sentence)
            out.append((pos, pos + cut, sentence[:cut].strip()))
            pos += cut
            sentence = sentence[cut:]
            cur_start = pos
        cur += sentence
        pos += len(sentence)
    if cur.strip():
        out.append((cur_start, cur_start + len(cur), cur.strip()))
    return out


def _cut_point(text: str) -> int:
    size = 0.0
    for i, ch in enumerate(text):
        size += 1.0 if "\u3400" <= ch <= "\u9fff" else 0.3
        if size >= MAX_UNITS:
            space = text.rfind(" ", 0, i)
            return space if space > i // 2 else i
    return len(text)
