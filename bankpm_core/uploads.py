"""Adding a user's document to the knowledge base, whatever front end it came from.

Two steps, so that a front end can refuse before downloading anything:
:meth:`Uploads.check` looks at who is uploading, the file name and its declared size;
:meth:`Uploads.accept` looks at the bytes (type sniffed from content, not trusted from
the name), saves them under ``data_dir/uploads/<user>/`` and hands the path to the
knowledge capability's ``ingest`` when there is one. Both return an :class:`Answer`
(an error answer when refused), so every front end renders the outcome the same way.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bankpm_core.answer import Answer, ErrorInfo, TextBlock
from bankpm_core.language import detect_language
from bankpm_core.users import UserContext

if TYPE_CHECKING:
    from ingest.documents.pipeline import IngestReport

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_UPLOAD_BYTES",
    "UPLOAD_ROLES",
    "UploadRequest",
    "Uploads",
    "wants_ingest",
]

ALLOWED_SUFFIXES = (".pdf", ".docx", ".md", ".txt")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # Telegram's getFile stops at 20 MB anyway
UPLOAD_ROLES = frozenset({"admin", "pm", "compliance"})

_INGEST_CAPTION = re.compile(
    r"(加入|添加|放入|上传|导入|存入|收录)(到|进|至)?\s*知识库|入库|知识库|"
    r"\b(add|upload|ingest|import|put|save)\b.*\b(knowledge|kb)\b|\bknowledge\s*base\b",
    re.IGNORECASE,
)
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def wants_ingest(caption: str | None) -> bool:
    """Does the caption ask to add the document to the knowledge base?"""
    return bool(caption and _INGEST_CAPTION.search(caption))


@dataclass(frozen=True)
class UploadRequest:
    filename: str
    size: int | None
    caption: str = ""
    mime_type: str | None = None

    @property
    def suffix(self) -> str:
        return Path(self.filename or "").suffix.lower()


def _answer(
    lang: str, text: str, *, code: str | None = None, sources: list[str] | None = None
) -> Answer:
    return Answer(
        question="",
        language=lang,  # type: ignore[arg-type]
        intent="error" if code else "knowledge",
        blocks=[TextBlock(kind="warning" if code else "paragraph", text=text)],
        error=ErrorInfo(code=code, message=text) if code else None,
        sources=sources or [],
    )


def _cannot_add(lang: str, filename: str, reason: str, saved: Path | None = None) -> Answer:
    """The ``bad_file`` refusal: this file could not be added, and why."""
    text = (
        f"无法添加“{filename}”：{reason}" if lang == "zh" else f"Cannot add “{filename}”: {reason}"
    )
    return _answer(lang, text, code="bad_file", sources=[str(saved)] if saved else None)


def _human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _sniff(suffix: str, data: bytes) -> str | None:
    """None when the content matches the suffix, else a short reason (English key)."""
    if not data.strip():
        return "empty"
    if suffix == ".pdf":
        return None if data[:1024].lstrip().startswith(b"%PDF-") else "not_pdf"
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                return None if "word/document.xml" in zf.namelist() else "not_docx"
        except (zipfile.BadZipFile, ValueError):
            return "not_docx"
    if b"\x00" in data[:65536]:
        return "binary"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return None
        except UnicodeDecodeError:
            continue
    return "binary"


_REASONS = {
    "empty": ("文件是空的", "the file is empty"),
    "not_pdf": ("文件内容不是 PDF", "the content is not a PDF"),
    "not_docx": ("文件内容不是 Word（DOCX）文档", "the content is not a Word (DOCX) document"),
    "binary": (
        "文件不是可读的文本（UTF-8 或 GB18030）",
        "it is not readable text (UTF-8 or GB18030)",
    ),
}


def safe_name(filename: str) -> str:
    """A file name that cannot escape its folder or confuse a shell."""
    base = Path(filename.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = _UNSAFE.sub("_", stem).strip("._")[:80] or "document"
    return stem + suffix


class Uploads:
    def __init__(
        self,
        upload_dir: Path,
        capabilities: Mapping[str, Any],
        *,
        max_bytes: int = MAX_UPLOAD_BYTES,
        default_language: str = "zh",
    ) -> None:
        self.upload_dir = upload_dir
        self.capabilities = capabilities
        self.max_bytes = max_bytes
        self.default_language = default_language

    def language(self, request: UploadRequest, user: UserContext) -> str:
        return user.language or detect_language(request.caption, self.default_language)  # type: ignore[arg-type]

    @property
    def knowledge(self) -> Any | None:
        cap = self.capabilities.get("knowledge")
        return cap if cap is not None and callable(getattr(cap, "ingest", None)) else None

    def check(self, request: UploadRequest, user: UserContext) -> Answer | None:
        """A refusal before downloading (role, type, size, no knowledge base), or None."""
        lang = self.language(request, user)
        zh = lang == "zh"
        if user.role not in UPLOAD_ROLES:
            return _answer(
                lang,
                f"抱歉，您的角色（{user.role}）不能向知识库添加文档。"
                if zh
                else f"Sorry, your role ({user.role}) may not add documents to the knowledge base.",
                code="forbidden",
            )
        if request.suffix not in ALLOWED_SUFFIXES:
            kinds = "PDF、DOCX、MD、TXT" if zh else "PDF, DOCX, MD or TXT"
            return _answer(
                lang,
                f"只能添加 {kinds} 文件；“{request.filename or '?'}”不是。"
                if zh
                else f"Only {kinds} files can be added; “{request.filename or '?'}” is not one.",
                code="unsupported_type",
            )
        if request.size is not None and request.size > self.max_bytes:
            limit, got = _human_size(self.max_bytes), _human_size(request.size)
            return _answer(
                lang,
                f"文件太大（{got}），上限 {limit}。请拆分后再发。"
                if zh
                else f"The file is too large ({got}); the limit is {limit}. Please split it.",
                code="too_large",
            )
        if request.size == 0:
            return _answer(lang, "文件是空的。" if zh else "The file is empty.", code="bad_file")
        if self.knowledge is None:
            return _answer(
                lang,
                "知识库目前不可用（本部署未启用知识库功能），文件未保存。请稍后再试或联系管理员。"
                if zh
                else "The knowledge base is not available in this deployment, so the file was "
                "not saved. Please try later or ask an administrator.",
                code="capability_unavailable",
            )
        return None

    def accept(self, request: UploadRequest, data: bytes, user: UserContext) -> Answer:
        """Validate the bytes, save them and ingest; blocking (run it off the event loop)."""
        refusal = self.check(
            UploadRequest(request.filename, len(data), request.caption, request.mime_type), user
        )
        if refusal is not None:
            return refusal
        lang = self.language(request, user)
        zh = lang == "zh"
        problem = _sniff(request.suffix, data)
        if problem:
            reason = _REASONS[problem][0 if zh else 1]
            return _cannot_add(lang, request.filename, reason + ("。" if zh else "."))
        path = self._save(request.filename, data, user)
        try:
            report = self.knowledge.ingest([path])  # type: ignore[union-attr]
        except Exception as exc:
            reason = getattr(exc, "reason", None)
            if not reason:
                log.exception("ingesting upload %s failed", path.name)
                reason = "内部错误，已记录日志" if zh else "an internal error (logged)"
            return _cannot_add(lang, request.filename, reason, path)
        return self._confirm(lang, request.filename, path, report)

    def _save(self, filename: str, data: bytes, user: UserContext) -> Path:
        folder = self.upload_dir / safe_name(str(user.user_id))
        folder.mkdir(parents=True, exist_ok=True)
        short = hashlib.sha256(data).hexdigest()[:10]
        path = folder / f"{short}-{safe_name(filename)}"
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path

    def _confirm(self, lang: str, filename: str, path: Path, report: IngestReport) -> Answer:
        zh = lang == "zh"
        stored = len(report.added) + len(report.updated)
        if report.problems and not stored:
            reason = "; ".join(p.reason for p in report.problems[:3])
            return _cannot_add(lang, filename, reason, path)
        if not stored and report.skipped:
            text = (
                f"“{filename}”已在知识库中，内容没有变化。"
                if zh
                else f"“{filename}” is already in the knowledge base, unchanged."
            )
        else:
            chunks = report.chunks_written
            extra = (f"（{chunks} 个片段）" if zh else f" ({chunks} passages)") if chunks else ""
            text = (
                f"已将“{filename}”加入知识库{extra}，现在可以就它提问了。"
                if zh
                else f"Added “{filename}” to the knowledge base{extra}; you can ask about it now."
            )
        return _answer(lang, text, sources=[str(path)])
