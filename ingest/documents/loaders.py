"""Format loaders: each turns one file into plain text with light Markdown structure.

Headings and tables survive as Markdown (``#`` lines, ``|`` rows) whatever the input
format, so one chunker handles all of them. Every failure becomes a
:class:`DocumentError` with a reason a user can act on; nothing here touches the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SUPPORTED_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm"})
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_TEXT_CHARS = 3_000_000

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


class DocumentError(Exception):
    """A file that cannot be ingested; ``reason`` is short and user-facing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class LoadedDocument:
    text: str
    fmt: str
    meta: dict[str, str] = field(default_factory=dict)


def load_document(path: Path, max_bytes: int = MAX_FILE_BYTES) -> LoadedDocument:
    """Read ``path`` into text + front matter, or raise DocumentError (empty, huge, …)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported format {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise DocumentError("empty file")
    if size > max_bytes:
        raise DocumentError(f"file too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.0f} MB)")
    loader = {
        ".md": _load_text,
        ".markdown": _load_text,
        ".txt": _load_text,
        ".pdf": _load_pdf,
        ".docx": _load_docx,
        ".html": _load_html,
        ".htm": _load_html,
    }[suffix]
    try:
        text = loader(path)
    except DocumentError:
        raise
    except Exception as exc:  # a parser's own error on a malformed file
        raise DocumentError(f"malformed {suffix[1:].upper()}: {type(exc).__name__}: {exc}") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    meta, body = split_front_matter(text)
    if len(body) > MAX_TEXT_CHARS:
        raise DocumentError(f"text too long ({len(body)} characters > {MAX_TEXT_CHARS})")
    if not body.strip():
        raise DocumentError("no text found (empty or scanned/image-only document)")
    return LoadedDocument(text=body, fmt=suffix[1:], meta=meta)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter (title, kind, owner, version, effective_date, language …)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        raw = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"invalid front matter: {exc}") from exc
    if not isinstance(raw, dict):
        return {}, text
    meta = {str(k): str(v) for k, v in raw.items() if v is not None}
    # Keep offsets meaningful: blank out the front matter rather than cutting it.
    return meta, "\n" * m.group(0).count("\n") + text[m.end() :]


def _load_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise DocumentError("binary content in a text file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError("text is neither UTF-8 nor GB18030")


def _load_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:
                raise DocumentError("encrypted PDF (password required)") from exc
            if not ok:
                raise DocumentError("encrypted PDF (password required)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise DocumentError(f"malformed PDF: {exc}") from exc
    return "\n\n".join(p.strip() for p in pages)


def _load_docx(path: Path) -> str:
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    if not zipfile.is_zipfile(path):
        raise DocumentError("malformed DOCX: not a zip package (encrypted or corrupt?)")
    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(block, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            m = re.match(r"Heading (\d)", style)
            if m:
                lines.append("#" * int(m.group(1)) + " " + text)
            elif style == "Title":
                lines.append("# " + text)
            else:
                lines.append(text)
        elif tag == "tbl":
            lines.append(
                _markdown_table(
                    [[c.text.strip() for c in r.cells] for r in Table(block, document).rows]
                )
            )
    return "\n\n".join(lines)


def _load_html(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_load_text(path), "html.parser")
    for tag in soup(["script", "style", "nav", "noscript", "template"]):
        tag.decompose()
    lines: list[str] = []
    title = soup.title.get_text(strip=True) if soup.title else ""
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table", "pre"]):
        if el.find_parent("table") is not None and el.name != "table":
            continue
        if el.name == "table":
            rows = [
                [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
                for tr in el.find_all("tr")
            ]
            lines.append(_markdown_table([r for r in rows if r]))
            continue
        if el.name in ("p", "li") and el.find_parent(["li"]) is not None and el.name == "p":
            continue
        text = el.get_text(" ", strip=True)
        if not text:
            continue
        if el.name[0] == "h":
            lines.append("#" * int(el.name[1]) + " " + text)
        else:
            lines.append(text)
    if not lines:
        lines = [body.get_text("\n", strip=True)]
    if title and not any(line.startswith("# ") for line in lines):
        lines.insert(0, "# " + title)
    return "\n\n".join(lines)


def _markdown_table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [
        [c.replace("|", "/").replace("\n", " ") for c in r] + [""] * (width - len(r)) for r in rows
    ]
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(out)
